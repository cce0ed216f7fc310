"""The loader's knowledge in resources/common/load.toml: every rule's examples and negatives run."""

from __future__ import annotations

import pytest

from timeline.load._data import load_data, reference_rules
from timeline.load.metadata import apply_rule, find_reference, header_area

RULES = [
    (table, rule) for table in ("reference", "url_reference") for rule in reference_rules(table)
]


@pytest.mark.parametrize(("table", "rule"), RULES, ids=[f"{t}:{r.name}" for t, r in RULES])
def test_examples_and_negatives(table: str, rule: object) -> None:
    assert rule.examples, f"{rule.name} has no examples"  # type: ignore[attr-defined]
    for text, expected in rule.examples:  # type: ignore[attr-defined]
        assert apply_rule(rule, text) == expected, text  # type: ignore[arg-type]
    for text in rule.negatives:  # type: ignore[attr-defined]
        assert apply_rule(rule, text) is None, text  # type: ignore[arg-type]


def test_rule_names_unique() -> None:
    names = [f"{t}:{r.name}" for t, r in RULES]
    assert len(names) == len(set(names))


def test_alphabets_cover_the_eu_languages() -> None:
    data = load_data()
    assert sorted(data["alphabets"]) == sorted(data["language"]["eu"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Navigation path\n\nEuropean Commission - IP/09/342   03/03/2009\n\nIP/09/342\n"
            "Bruxelles, le 3 mars 2009\n",
            "IP/09/342",
        ),
        (
            "Document 52010PC0094\nProposal for a Directive\n/* COM/2010/0094 final - COD 2010/0064 */\n"
            "52010PC0094\nBrussels, 29.3.2010\nCOM(2010)94 final\n2010/0064 (COD)\n",
            "COM(2010) 94 final",
        ),
        (
            "15.2.2011   \nEN\nOfficial Journal of the European Union\nC 48/138\nOpinion of the "
            "Committee on the 'Proposal'\nCOM(2010) 94 final — 2010/0064 (COD)\n2011/C 48/24\n",
            "2011/C 48/24",
        ),
        ("Procedure 2021/0106/COD\nCOM (2021) 206:\n", "2021/0106(COD)"),
        ("Proposition {SEC(2024) 57 final} - {SWD(2024) 32 final}\n", None),
    ],
)
def test_find_reference_in_headers(text: str, expected: str | None) -> None:
    found = find_reference(text)
    assert (found[0] if found else None) == expected


def test_reference_in_the_body_is_not_the_documents_own() -> None:
    text = (
        "Brussels, 28 January 2013\nData Protection Day\n"
        "One year ago, the European Commission proposed a root and branch reform of the EU's data "
        "protection rules to make them fit for the 21st century (IP/12/46). One year later, "
        "considerable headway has been made.\n"
    )
    assert "IP/12/46" not in header_area(text)
    assert find_reference(text) is None
