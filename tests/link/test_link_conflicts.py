"""Date conflicts: sources disagreeing on the date of a once-only event are kept and flagged."""

from __future__ import annotations

import json

from link_helpers import doc, event, extraction

from timeline.link import link, timeline_to_json


def _two_dates():
    a = extraction(doc("a.txt"), event("publication", "2011-12-17", acts=(("32011L0093", "x"),)))
    b = extraction(doc("b.txt"), event("publication", "2011-12-17", acts=(("32011L0093", "x"),)))
    c = extraction(doc("c.txt"), event("publication", "2011-12-18", acts=(("32011L0093", "x"),)))
    return [a, b, c]


def test_conflicting_dates_are_one_entry_flagged_with_each_sources_date() -> None:
    tl = link(_two_dates())
    (entry,) = tl.entries
    assert entry.conflict
    assert entry.date == "2011-12-17"  # what most sources say
    assert (entry.earliest, entry.latest) == ("2011-12-17", "2011-12-18")
    assert {s.document: s.date for s in entry.sources} == {
        "a.txt": "2011-12-17",
        "b.txt": "2011-12-17",
        "c.txt": "2011-12-18",
    }
    assert tl.extra["conflicts"][entry.id] == {
        "2011-12-17": ["a.txt", "b.txt"],
        "2011-12-18": ["c.txt"],
    }
    out = json.loads(timeline_to_json(tl))
    assert out["entries"][0]["dates_by_source"] == {
        "2011-12-17": ["a.txt", "b.txt"],
        "2011-12-18": ["c.txt"],
    }


def test_repeatable_events_on_other_dates_are_not_a_conflict() -> None:
    a = extraction(doc("a.txt"), event("opinion", "2010-09-02", acts=(("52010PC0094", "x"),)))
    b = extraction(doc("b.txt"), event("opinion", "2010-09-15", acts=(("52010PC0094", "x"),)))
    tl = link([a, b])
    assert len(tl.entries) == 2
    assert not any(e.conflict for e in tl.entries)


def test_no_conflict_in_the_bundled_gold(bundled_timeline) -> None:
    assert not any(e.conflict for e in bundled_timeline.entries)


def test_an_event_naming_other_acts_too_is_not_a_conflicting_statement() -> None:
    fd = extraction(doc("fd.txt"), event("publication", "2004-01-20", acts=(("32004F0068", "fd"),)))
    opinion = extraction(
        doc("eesc.txt"),
        event("publication", "2011-02-15", acts=(("32004F0068", "fd"), ("52010PC0094", "com"))),
    )
    tl = link([fd, opinion])
    assert len(tl.entries) == 2 and not any(e.conflict for e in tl.entries)


def test_a_document_dated_step_of_another_act_is_not_a_conflicting_statement() -> None:
    fd = extraction(
        doc("fd.txt", reference="32004F0068", date="2004-01-20"),
        event("publication", "2004-01-20", acts=(("32004F0068", "fd"),)),
    )
    opinion = extraction(
        doc("eesc.txt", reference="2011/C 48/24", date="2011-02-15"),
        event("publication", "2011-02-15", acts=(("32004F0068", "fd"),)),
    )
    tl = link([fd, opinion])
    assert len(tl.entries) == 2 and not any(e.conflict for e in tl.entries)
