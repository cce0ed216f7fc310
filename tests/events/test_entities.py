"""Amounts of money and actors' canonical names."""

from __future__ import annotations

import pytest

from timeline.events import find_actors, find_amounts


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("jusqu’à 427 000 euros de financement", 427000.0, "EUR"),
        ("bis zu 427 000 EUR für", 427000.0, "EUR"),
        ("EUR 5 million", 5_000_000.0, "EUR"),
        ("€2.5 billion", 2_500_000_000.0, "EUR"),
        ("1,2 Mio. EUR", 1_200_000.0, "EUR"),
        ("1.500.000 EUR", 1_500_000.0, "EUR"),
        ("3 millions d’euros pour le réseau", 3_000_000.0, "EUR"),
        ("2 milioni di euro", 2_000_000.0, "EUR"),
    ],
)
def test_amounts(text: str, value: float, currency: str) -> None:
    (amount,) = find_amounts(text)
    assert (amount.value, amount.currency) == (value, currency)
    assert amount.span is not None and text[amount.span[0] : amount.span[1]] == amount.text


def test_counts_are_not_amounts() -> None:
    assert find_amounts("über 3000 Änderungsanträge in 2013") == []


def test_specific_names_win_over_general_ones() -> None:
    actors = find_actors("the Tampere European Council and the Council of Europe", "en")
    assert actors == ["European Council", "Council of Europe"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("le Conseil et le Parlement européen", "fr", ["Council", "European Parliament"]),
        ("das EU-Parlament sowie der Ministerrat", "de", ["European Parliament", "Council"]),
        ("del Parlamento Europeo y del Consejo", "es", ["European Parliament", "Council"]),
        ("il Consiglio d'Europa ha avviato", "it", ["Council of Europe"]),
        ("the European Economic and Social Committee (EESC)", "en", ["EESC"]),
    ],
)
def test_actors_in_any_language(text: str, language: str, expected: list[str]) -> None:
    assert find_actors(text, language) == expected
