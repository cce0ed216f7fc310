"""Spanish news: a hand-annotated TimeML set (tests/temporal/data/es) and TimeML conventions.

The set (16 documents, 185 expressions) is news-style Spanish written for these tests and annotated after the Spanish TimeML
guidelines (Saurí, Saquete & Pustejovsky 2010): the article belongs to the extent, prepositions
do not, "hace dos años" is a DATE, clock times take the day named last. Half of the documents
are spaced as texts rebuilt from tokens ("el lunes , 3 de marzo", "las 10.30 horas .").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.eval.timex import evaluate_timex
from timeline.temporal import tag

DATA = Path(__file__).resolve().parent / "data" / "es"


def test_spanish_news_set_scores() -> None:
    report = evaluate_timex(DATA, language="es")
    f = report.figures()
    assert report.total.gold >= 180
    assert f["relaxed_f1"] >= 0.97, report.format(verbose=True)
    assert f["value_f1"] >= 0.93, report.format(verbose=True)


def _spans(text: str, dct: str = "2000-03-15") -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in tag(text, "es", dct)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # tokenised spacing: a space before every comma and full stop
        (
            "llegó el lunes , 3 de marzo de 2008 , a Madrid",
            ("el lunes , 3 de marzo de 2008", "DATE", "2008-03-03"),
        ),
        ("se reunirán a las 10.30 horas .", ("las 10.30 horas", "TIME", "2000-03-15T10:30")),
        ("lo dijo ( en 1998 ) .", ("1998", "DATE", "1998")),
        # the preposition stays outside, the article inside
        ("desde el 1 de enero", ("el 1 de enero", "DATE", "2000-01-01")),
        ("a finales de abril", ("finales de abril", "DATE", "2000-04")),
        ("durante tres meses", ("tres meses", "DURATION", "P3M")),
        # "hace" belongs to the date it builds
        ("empezó hace dos años", ("hace dos años", "DATE", "1998")),
        ("en los últimos años", ("los últimos años", "DURATION", "PXY")),
        ("cada año", ("cada año", "SET", "P1Y")),
        ("la semana pasada", ("la semana pasada", "DATE", "2000-W10")),
        ("ayer por la tarde", ("ayer por la tarde", "TIME", "2000-03-14TAF")),
        ("actualmente", ("actualmente", "DATE", "PRESENT_REF")),
        ("a mediados de los noventa", ("mediados de los noventa", "DATE", "199")),
    ],
)
def test_spanish_timeml_conventions(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _spans(text), _spans(text)


def test_spanish_weekday_follows_the_tense() -> None:
    # 2000-03-15 is a Wednesday
    assert _spans("El Consejo aprobará el lunes el proyecto.")[0][2] == "2000-03-20"
    assert _spans("El Consejo aprobó el lunes el proyecto.")[0][2] == "2000-03-13"


def test_spanish_time_of_day_takes_the_day_named() -> None:
    got = _spans("La reunión será el 25 de marzo a las 18.00 horas.")
    assert ("las 18.00 horas", "TIME", "2000-03-25T18:00") in got
    # "de hoy" names the anchor's day even after another day
    got = _spans("Viajará el domingo. A partir de las 15.00 horas de hoy habrá controles.")
    assert ("las 15.00 horas de hoy", "TIME", "2000-03-15T15:00") in got
