"""Reading the EVENTS.md contract back into model objects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from link_helpers import doc, event, extraction

from timeline.errors import GoldError
from timeline.link import extraction_from_dict, link
from timeline.model import EVENT_TYPES

TEXT = "Brussels, 3 March 2009\n\nThe Commission adopted the plan today. It will act soon."


def test_round_trip_through_to_dict_and_spans_found_in_text() -> None:
    d = {
        "document": {
            "path": "x.txt",
            "title": "T",
            "language": "en",
            "date": "2009-03-03",
            "reference": "IP/09/1",
        },
        "events": [
            {
                "date": "2009-03-03",
                "precision": "day",
                "earliest": None,
                "latest": None,
                "status": "past",
                "type": "adoption",
                "acts": [{"celex": None, "label": "plan"}],
                "procedures": [],
                "actors": ["European Commission"],
                "summary": "adopted",
                "timex": {"text": "today", "value": "2009-03-03"},
            }
        ],
    }
    x = extraction_from_dict(d, text=TEXT)
    (e,) = x.events
    assert TEXT[e.timex.start : e.timex.end] == "today"
    lo, hi = e.sentence_span
    assert TEXT[lo:hi] == "The Commission adopted the plan today."
    again = x.to_dict()
    assert again["document"]["reference"] == "IP/09/1"
    assert again["events"][0]["timex"]["span"] == [e.timex.start, e.timex.end]


def test_not_a_document_object_is_a_gold_error() -> None:
    with pytest.raises(GoldError):
        extraction_from_dict({"events": []})
    with pytest.raises(GoldError, match="no 'type'"):
        extraction_from_dict({"document": {"path": "a"}, "events": [{"date": None}]})


_dates = st.sampled_from(
    [
        None,
        "2009",
        "2009-03",
        "2009-03-03",
        "2009-03-25",
        "2010-Q1",
        "2011-H2",
        "2009-W12",
        "XXXX-03-03",
    ]
)
_acts = st.sampled_from(
    [(), (("32004F0068", "fd"),), (("32011L0093", "dir"),), ((None, "a coalition"),)]
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(EVENT_TYPES[:6]),
            _dates,
            _acts,
            st.sampled_from(["past", "planned"]),
        ),
        max_size=12,
    )
)
def test_every_event_is_a_source_of_exactly_one_entry(rows) -> None:
    docs: dict[int, list] = {}
    for d, etype, date, acts, status in rows:
        docs.setdefault(d, []).append(
            event(
                etype,
                date,
                acts=acts,
                status=status,
                earliest="2009-01-01" if date is None else None,
            )
        )
    xs = [extraction(doc(f"d{i}.txt"), *evs) for i, evs in sorted(docs.items())]
    tl = link(xs)
    assert link(list(reversed(xs))) == tl  # input order does not matter
    assert sum(len(e.sources) for e in tl.entries) == len(rows)
    assert len({e.id for e in tl.entries}) == len(tl.entries)
    ids = {e.id for e in tl.entries}
    assert set(tl.open_plans) <= ids
    for e in tl.entries:
        if e.earliest and e.latest:
            assert e.earliest <= e.latest
        assert e.realised_by is None or e.realised_by in ids
