"""The event stage grows linearly with the text (issue 8): no step copies or rescans the rest of
the document for each date. Growth ratios, not timings: eight times the text may cost about
eight times as much, far from the sixty-four times of a quadratic step."""

from __future__ import annotations

import time
from collections.abc import Callable

from timeline.events.dates import _nonempty_lines_before, find_document_date
from timeline.events.split import split_units
from timeline.model import Timex


def _event_log(n: int) -> tuple[str, list[Timex]]:
    """An event log of ``n`` records, each a date alone on its line, with its timexes."""
    parts = ["Procedure file\n"]
    spans: list[Timex] = []
    pos = len(parts[0])
    for i in range(n):
        date = f"{1 + i % 28:02d}/{1 + i % 12:02d}/20{10 + i % 10}"
        value = f"20{10 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        spans.append(Timex(pos, pos + len(date), date, "DATE", value))
        record = f"{date}\nCommittee referral announced in Parliament\n\nA few words on it.\n\n"
        parts.append(record)
        pos += len(record)
    return "".join(parts), spans


def _cost(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def test_document_date_grows_linearly() -> None:
    small, small_tx = _event_log(150)
    large, large_tx = _event_log(1200)
    ratio = _cost(lambda: find_document_date(large, "en", large_tx)) / _cost(
        lambda: find_document_date(small, "en", small_tx)
    )
    assert ratio < 20, f"8x the text cost {ratio:.1f}x"


def test_split_units_grows_linearly() -> None:
    small, small_tx = _event_log(150)
    large, large_tx = _event_log(1200)
    spans_small = [(t.start, t.end) for t in small_tx]
    spans_large = [(t.start, t.end) for t in large_tx]
    ratio = _cost(lambda: split_units(large, spans_large)) / _cost(
        lambda: split_units(small, spans_small)
    )
    assert ratio < 20, f"8x the text cost {ratio:.1f}x"


def test_header_line_count_matches_splitlines() -> None:
    pieces = ["a", " ", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\t", "x"]
    texts = ["".join(pieces[(i * 7 + k * 3) % len(pieces)] for k in range(i % 13)) for i in range(300)]
    for text in texts:
        for pos in range(len(text) + 1):
            want = sum(1 for line in text[:pos].splitlines() if line.strip())
            assert _nonempty_lines_before(text, pos) == want
            assert min(_nonempty_lines_before(text, pos, 2), 3) == min(want, 3)
