"""Merging by blocks and sweeps gives the components that pairing every two items gives.

``linker._merge`` never goes through the pairs of items (quadratic when thousands of events
share an act, a document reference or a main act); these tests hold it to the plain
definition: two items of one type are one event when ``linker._mergeable`` says so, and
entries are the connected components of that relation. Items are drawn from small pools of
acts, procedures, documents, dates (days, months, years, quarters, text dates, none),
statuses and labels, so that every branch of ``_same_subject`` and of ``_mergeable`` meets.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.link import linker
from timeline.model import ActRef, Document, Event, Source

DATES = [
    None, "2011", "2011-12", "2011-12-13", "2011-12-14", "2011-Q4", "2011-H2", "2012",
    "2012-01-05", "2010", "XXXX-03-03", "2011-SU",
]
ACTS = ["32011L0093", "32004F0068", "52010PC0094"]
PROCS = ["2010/0064(COD)", "2009/0049(CNS)"]
LABELS = [
    "directive on combating sexual abuse", "directive on combating sexual abuses",
    "framework decision on terrorism",
]
TYPES = ["adoption", "proposal", "deadline", "consultation"]
STATUSES = ["past", "planned", "ongoing"]


def _subsets(pool: list[str], most: int = 2) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(pool), max_size=most)


@st.composite
def _item(draw: st.DrawFn, index: int) -> linker._Item:
    date = draw(st.sampled_from(DATES))
    doc_date = draw(st.sampled_from([None, "2011-12-13", "2012-01-05"]))
    path = draw(st.sampled_from(["a.txt", "b.txt", "c.txt", "d.txt"]))
    reference = draw(st.sampled_from([None, "COM(2010) 94", "32011L0093"]))
    keys = draw(_subsets(ACTS))
    ordered = sorted(keys)
    primary = ordered[0] if ordered else None
    own = draw(st.sampled_from([None, *ACTS]))
    doc = Document(path=path, text="", date=doc_date, reference=reference)
    acts = tuple(ActRef(k, k, None, None) for k in ordered)
    event = Event(
        date=date, precision="day", earliest=None, latest=None,
        status=draw(st.sampled_from(STATUSES)), type=draw(st.sampled_from(TYPES)),
        acts=acts, procedures=(), actors=(), summary="", timex=None,
    )
    ids = {f"path:{path}"} | ({f"ref:{reference.lower()}"} if reference else set())
    if own:
        ids.add(f"act:{own}")
    source = Source(path, reference, None, None, "", (0, 0), None, None, date)
    return linker._Item(
        index, event, doc, acts, frozenset(keys), draw(_subsets(PROCS)), frozenset(ids),
        tuple(sorted(draw(_subsets(LABELS)))), source, primary, own,
        draw(st.sampled_from([None, "d-1", "d-2"])),
    )


@st.composite
def _items(draw: st.DrawFn) -> list[linker._Item]:
    n = draw(st.integers(min_value=0, max_value=30))
    return [draw(_item(i)) for i in range(n)]


def _partition(uf: linker._UnionFind, n: int) -> list[list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        out[uf.find(i)].append(i)
    return sorted(out.values())


def _by_pairs(items: list[linker._Item]) -> list[list[int]]:
    uf = linker._UnionFind(len(items))
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if linker._mergeable(a, b)[0]:
                uf.union(a.index, b.index)
    return _partition(uf, len(items))


@settings(max_examples=100, deadline=None)
@given(_items())
def test_blocks_merge_what_pairs_merge(items: list[linker._Item]) -> None:
    linker._mark_sole(items)
    expected = _by_pairs(items)
    uf = linker._UnionFind(len(items))
    linker._merge(items, linker._label_families(items), uf)
    assert _partition(uf, len(items)) == expected


@settings(max_examples=60, deadline=None)
@given(_items())
def test_sole_is_every_date_of_the_group_meeting(items: list[linker._Item]) -> None:
    linker._mark_sole(items)
    for a in items:
        if not (a.primary and a.event.date):
            assert a.sole
            continue
        group = [
            b for b in items
            if b.primary == a.primary and b.event.type == a.event.type and b.event.date
            and a.doc_ids & b.doc_ids
        ]
        assert a.sole == all(linker.dates.overlap(a.event.date, b.event.date) for b in group)


def test_sweep_work_grows_linearly() -> None:
    """Thousands of items of one act, one reference and one main act (the long synthetic
    documents' case): one sweep each, no pair enumeration; 10x the items is < 30x the unions."""
    import datetime

    calls = []

    class Counting(linker._UnionFind):
        def union(self, i: int, j: int) -> None:
            calls[-1] += 1
            super().union(i, j)

    for n in (300, 3000):
        members = []
        for i in range(n):
            first = datetime.date(2011, 1, 1).toordinal() + (i * 7) % 365
            last = first + (0 if i % 3 else 364)  # days and whole years, overlapping a lot
            members.append((first, last, i, 0))
        members.sort()
        calls.append(0)
        linker._sweep(members, linker._BY_ACT, Counting(n))
    assert calls[1] < 30 * calls[0]
    assert calls[1] < 3 * 3000
