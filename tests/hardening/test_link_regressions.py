"""Link regressions found while hardening: a conflict's bounds are days, in time order.

The suite's link property test (tests/link/test_link_contract.py) found an entry whose sources
said "2010-Q1" and "2009-W12" getting ``earliest="2010-Q1" > latest="2009-W12"``: the bounds
were the sources' own strings, ordered by first day, and a week (outside the contract) or a
quarter beside a month ("2009-Q2" and "2009-12") does not compare as text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from link_helpers import doc, event, extraction  # noqa: E402

from timeline.link import link  # noqa: E402

ACT = (("32011L0093", "dir"),)


@pytest.mark.parametrize(
    ("dates", "bounds"),
    [
        (("2009-Q2", "2009-12"), ("2009-04-01", "2009-12-31")),
        (("2010-Q1", "2009-W12"), ("2010-01-01", "2010-03-31")),  # a week bounds nothing
        (("2010", "2009-03"), ("2009-03-01", "2010-12-31")),
        (("2011-12-17", "2011-12-18"), ("2011-12-17", "2011-12-18")),
    ],
)
def test_conflict_bounds_are_days_in_time_order(dates: tuple[str, str], bounds: tuple[str, str]) -> None:
    xs = [
        extraction(doc(f"d{i}.txt"), event("publication", d, acts=ACT)) for i, d in enumerate(dates)
    ]
    entries = [e for e in link(xs).entries if e.conflict]
    assert len(entries) == 1, link(xs).entries
    (entry,) = entries
    assert (entry.earliest, entry.latest) == bounds
    assert entry.earliest is not None and entry.latest is not None
    assert entry.earliest <= entry.latest
