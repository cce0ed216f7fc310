"""German time expressions as KRAUTS (It-TimeML for German) annotates them, in running text:
the extent leaves out a leading preposition ("am", "im", "um", "vor", "seit").

The rule examples in ``timeline/resources/de/temporal.toml`` are run by ``test_rules.py``; these
tests check whole sentences (several expressions, their extents, types and anchoring), and that
the accuracy on the KRAUTS training folder does not fall below the floor reached in session 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.temporal import tag

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
KRAUTS_TRAIN = SHARED / "timeml" / "de-krauts-train"

DCT = "2014-12-16"  # a Tuesday


def _found(text: str, dct: str = DCT) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in tag(text, "de", dct, split_ranges=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "vor" is a signal: the extent is the duration ("vor zwei Jahren" -> P2Y)
        (
            "So geschehen vor zwei Jahren auf dem Oktoberfest.",
            [("zwei Jahren", "DURATION", "P2Y")],
        ),
        (
            "Vor wenigen Tagen wurde der Kalender vorgestellt.",
            [("wenigen Tagen", "DURATION", "PXD")],
        ),
        # vague durations
        ("Mugnano arbeitet seit Jahren beim Verein.", [("Jahren", "DURATION", "PXY")]),
        (
            "In den vergangenen Jahren kamen viele Menschen.",
            [("den vergangenen Jahren", "DURATION", "PXY")],
        ),
        # ages are not durations
        ("Wählen dürfen Jugendliche ab 16 Jahren.", []),
        ("Der 47-jährige Mann wohnt in der Nachbarschaft.", []),
        # heute: the day, or the present in general
        ("Die Kommission hat heute beschlossen, den Plan vorzulegen.", [("heute", "DATE", DCT)]),
        ("Davon zehre Deutschland auch heute noch.", [("heute", "DATE", "PRESENT_REF")]),
        ("die Grundsätze des heutigen Gesetzes", [("heutigen", "DATE", "PRESENT_REF")]),
        # a list of days before their month: each day its own expression
        (
            "Aufführungen am 3., 4. und 5. Oktober 2012, jeweils 20 Uhr.",
            [
                ("3.", "DATE", "2012-10-03"),
                ("4", "DATE", "2012-10-04"),
                ("5. Oktober 2012", "DATE", "2012-10-05"),
                ("20 Uhr", "TIME", "2012-10-05T20:00"),
            ],
        ),
        # a clock time without "Uhr", but not a sum
        (
            "Um 9 Uhr startet die Qualifikation, um 12.15 bestreiten die Schnellsten das Finale.",
            [("9 Uhr", "TIME", f"{DCT}T09:00"), ("12.15", "TIME", f"{DCT}T12:15")],
        ),
        ("Der Preis stieg um 2.50 Euro.", []),
        # counts, not years
        ("Dazu sind sprich rund 1200 Unterschriften nötig.", []),
        (
            "Davon starben 1700 im vergangenen Jahr.",
            [("vergangenen Jahr", "DATE", "2013")],
        ),
        # months of the year before, this year, the next
        (
            "Die Mure ging im August vorigen Jahres ab.",
            [("im August vorigen Jahres", "DATE", "2013-08")],
        ),
        ("Der Sitz zieht ab Juli dieses Jahres um.", [("Juli dieses Jahres", "DATE", "2014-07")]),
        # sets
        (
            "Flohmarkt jeden letzten Samstag im Monat.",
            [("jeden letzten Samstag im Monat", "SET", "P1M")],
        ),
        ("Die Wahl findet alle fünf Jahre statt.", [("alle fünf Jahre", "SET", "P5Y")]),
        ("zur jährlichen Frühjahrstagung", [("jährlichen", "SET", "P1Y")]),
        # centuries and decades
        (
            "in der ersten Hälfte des 15. Jahrhunderts",
            [("in der ersten Hälfte des 15. Jahrhunderts", "DATE", "14")],
        ),
        ("Ende der 90er Jahre", [("Ende der 90er Jahre", "DATE", "199")]),
        ("in den sechziger Jahren", [("den sechziger Jahren", "DATE", "196")]),
    ],
)
def test_german_sentence(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(text) == expected


def test_time_takes_the_day_named_before() -> None:
    found = _found("Am morgigen Sonntag ist der Markt von 8.30 bis 12 Uhr offen.")
    assert found[0] == ("Am morgigen Sonntag", "DATE", "2014-12-17")


def test_krauts_train_floor() -> None:
    """Relaxed F1 and value F1 on de-krauts-train stay at least at session 2's level."""
    if not KRAUTS_TRAIN.is_dir():
        pytest.skip(f"KRAUTS training folder not found at {KRAUTS_TRAIN}")
    from timeline.eval.timex import evaluate_timex

    figures = evaluate_timex(KRAUTS_TRAIN, language="de").figures()
    assert figures["relaxed_f1"] >= 0.925, figures
    assert figures["value_f1"] >= 0.78, figures
