"""French time expressions in running text: the TimeML-FR error classes fixed on the French
TimeBank training folder, each checked on sentences written for the test (not train text), and
an accuracy floor on that folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.temporal import tag

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FR_TRAIN = SHARED / "timeml" / "fr-timebank-train"


def _values(text: str, dct: str = "2004-06-15") -> list[tuple[str, str, str]]:
    """(text, type, value) of every expression, in order (2004-06-15 is a Tuesday)."""
    return [(t.text, t.type, t.value) for t in tag(text, "fr", dct)]


def test_a_clock_time_takes_the_day_told_paragraphs_before() -> None:
    text = (
        "Un incendie a ravagé un entrepôt samedi après-midi. Les pompiers sont arrivés "
        + "sur place très vite, et les habitants ont été évacués par précaution. " * 6
        + "A 22 h, le feu était maîtrisé. Les rondes ont duré toute la nuit."
    )
    got = _values(text)
    assert got[0] == ("samedi après-midi", "TIME", "2004-06-12TAF")
    assert [v for _, typ, v in got if typ == "TIME" and v.endswith("T22:00")] == [
        "2004-06-12T22:00"
    ]


def test_a_clock_time_is_not_dated_by_another_clock_time() -> None:
    got = _values("Lundi prochain, ouverture à 9 h. Le comité siège ensuite à 14 h.")
    assert got[0][2] == "2004-06-21"
    assert got[1][2] == "2004-06-21T09:00"
    assert got[2][2] == "2004-06-21T14:00"


def test_a_clock_time_before_its_day() -> None:
    got = _values("Les faits se sont produits vers 23 h 10, dimanche, près de la gare.")
    assert got[0][2] == "2004-06-13T23:10"


def test_tonight_is_the_anchor_day_whatever_day_came_before() -> None:
    got = _values("Le match de mardi dernier a été rejoué. Il sera diffusé ce soir.")
    assert got[-1] == ("ce soir", "TIME", "2004-06-15TEV")


def test_same_day_with_a_part_of_the_day() -> None:
    got = _values("Le ministre était hier à Lyon, où le matin même la police avait agi.")
    assert got[-1] == ("le matin même", "TIME", "2004-06-14TMO")


def test_this_weekend_in_a_past_sentence_is_the_one_just_past() -> None:
    assert _values("Les coureurs se sont retrouvés ce week-end à Metz.")[0][2] == "2004-W24-WE"
    assert _values("Les coureurs se retrouveront ce week-end à Metz.")[0][2] == "2004-W25-WE"


@pytest.mark.parametrize(
    ("text", "typ", "value"),
    [
        ("Ces dernières semaines, la situation a changé.", "DURATION", "PXW"),
        ("Il attend depuis des mois une réponse.", "DURATION", "PXM"),
        ("Le budget est voté pour vingt-cinq ans.", "DURATION", "P25Y"),
        ("Le conseil publie un bilan trimestriel.", "SET", "P3M"),
        ("Les travaux seront achevés en fin d'année.", "DATE", "2004"),
        ("La réforme avait été lancée au début des années 80.", "DATE", "198"),
        ("Le prix a été remis le 2 février 97, à Nancy.", "DATE", "1997-02-02"),
        ("Actuellement, la ligne est fermée.", "TIME", "PRESENT_REF"),
    ],
)
def test_general_french_constructions(text: str, typ: str, value: str) -> None:
    got = _values(text)
    assert got and got[0][1:] == (typ, value), got


@pytest.mark.parametrize(
    "text",
    [
        "Une femme d'une quarantaine d'années a été blessée.",  # an age
        "Le quotidien régional a publié l'enquête.",  # a newspaper
        "La vie quotidienne des habitants a changé.",  # everyday, not every day
        "Le texte revient en seconde lecture.",  # a reading, not a second
    ],
)
def test_no_expression(text: str) -> None:
    assert _values(text) == []


def test_accuracy_floor_on_the_french_timebank_training_folder() -> None:
    if not FR_TRAIN.is_dir():
        pytest.skip(f"{FR_TRAIN} not found (the shared TimeML corpora sit next to the checkout)")
    from timeline.eval.timex import evaluate_timex

    report = evaluate_timex(FR_TRAIN)
    t = report.total
    p, r = t.relaxed / t.predicted, t.relaxed / t.gold
    relaxed_f1 = 2 * p * r / (p + r)
    assert relaxed_f1 >= 0.94
    assert relaxed_f1 * t.value_ok / t.relaxed >= 0.86
