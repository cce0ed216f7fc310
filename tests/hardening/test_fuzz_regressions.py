"""Regression tests for what ``scripts/fuzz.py`` found (seed 1), each with its shrunk input.

A finding in a stage still being edited by its owner is marked ``xfail(strict=True)`` with the
reason: the mark comes off when the fix lands (a strict xfail that passes fails the suite, so the
fix cannot go unnoticed). Findings in ``timeline/link`` or ``timeline/safety`` are fixed.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from timeline.errors import InputError
from timeline.load import load_document
from timeline.model import Document
from timeline.pipeline import extract_document


class _TooSlow(BaseException):
    """Raised by the alarm (a BaseException, so no ``except Exception`` in the code swallows it)."""


@contextmanager
def _limit(seconds: float) -> Iterator[None]:
    def _ring(_signum: int, _frame: object) -> None:
        raise _TooSlow(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("text", "language", "date"),
    [
        ("tomorrow", "en", "9999-12-31"),
        ("morgen", "nl", "9999-12-31"),  # fuzz finding 6
        ("yesterday", "en", "0001-01-01"),
        ("mercredi", "fr", "0001-01-01"),  # fuzz finding 11 (anchoring.py _weekday)
    ],
)
def test_relative_expression_at_the_edge_of_the_calendar(text: str, language: str, date: str) -> None:
    """Fixed in temporal (cdd4dca): the value is left unresolved instead of OverflowError."""
    extraction = extract_document(Document(path="edge.txt", text=text), language=language, date=date)
    assert all(t.start < t.end for t in extraction.timexes)


# fuzz finding 3 (file-html, 971 bytes shrunk to 48): a C0 control character before a script.
HOSTILE_HTML = bytes.fromhex(
    "13ed9f9ef3b6bcb4f39f98803c7363726970743ee2808bc2adc483efbbbff0aa8b8dc794"
    "3c2f7363726970743ee28099"
)


def test_html_with_a_control_character_loads_or_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(HOSTILE_HTML)
    try:
        load_document(path, use_sidecar=False)
    except InputError:
        pass


PDF_FINDING = Path(__file__).with_name("data") / "fuzz-pypdf-attributeerror.pdf"


def test_damaged_pdf_is_refused_with_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(PDF_FINDING.read_bytes())
    try:
        load_document(path, use_sidecar=False)
    except InputError:
        pass


# fuzz findings 4, 5, 7-9: one long line dense with dates and month words of many languages.
DENSE_UNIT = (
    "freitag\u0434\u0435\u043ddzie\u0144noiemJ\xfalamonate&#0;.-2010/0064(COD)1\x006Wrze\u015bnia"
    "6czwartym9HEIN\xc4febrerotoukojan88/.Mittwoch2009 .Listopadziem\xe5nader"
)


def test_a_long_sentence_full_of_dates_stays_within_the_time_bound() -> None:
    extract_document(Document(path="w.txt", text="On 3 May 2009 it was adopted."), language="el")
    text = (DENSE_UNIT * (20_000 // len(DENSE_UNIT) + 1))[:20_000]
    started = time.perf_counter()
    with _limit(2.0 + len(text) / 50_000 + 0.5):
        extraction = extract_document(Document(path="d.txt", text=text), language="el", date="2000-02-29")
    assert time.perf_counter() - started < 2.0 + len(text) / 50_000
    assert all(text[t.start : t.end] == t.text for t in extraction.timexes)


def test_many_short_dated_sentences_stay_linear() -> None:
    extract_document(Document(path="w.txt", text="Le 3 mars 2009."), language="fr")
    text = "Le 3 mars 2009, la Commission a adopté. " * 2000  # 80,000 characters
    started = time.perf_counter()
    with _limit(2.0 + len(text) / 50_000 + 1.0):
        extraction = extract_document(Document(path="m.txt", text=text), language="fr", date="2009-03-04")
    assert time.perf_counter() - started < 2.0 + len(text) / 50_000
    assert extraction.events
