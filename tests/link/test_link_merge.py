"""Merging: one event told by several documents or languages is one entry with all sources."""

from __future__ import annotations

from link_helpers import doc, event, extraction

from timeline.link import link

EN = "Directive 2011/93/EU of 13 December 2011 on combating child sexual abuse."
FR = "Directive 2011/93/UE du 13 décembre 2011 relative à la lutte contre les abus sexuels."


def test_same_event_in_two_languages_is_one_entry_with_both_sources() -> None:
    x_en = extraction(
        doc("a-en.txt", EN),
        event("adoption", "2011-12-13", acts=(("32011L0093", "Directive 2011/93/EU"),), text=EN),
    )
    x_fr = extraction(
        doc("a-fr.txt", FR, language="fr"),
        event("adoption", "2011-12-13", acts=(("32011L0093", "Directive 2011/93/UE"),), text=FR),
    )
    tl = link([x_en, x_fr])
    assert len(tl.entries) == 1
    entry = tl.entries[0]
    assert {s.document for s in entry.sources} == {"a-en.txt", "a-fr.txt"}
    assert {s.language for s in entry.sources} == {"en", "fr"}
    for s in entry.sources:
        text = EN if s.document == "a-en.txt" else FR
        assert text[s.quote_span[0] : s.quote_span[1]] == s.quote
    assert not entry.conflict


def test_different_types_or_acts_stay_apart() -> None:
    a = extraction(doc("a.txt"), event("adoption", "2011-12-13", acts=(("32011L0093", "x"),)))
    b = extraction(doc("b.txt"), event("publication", "2011-12-13", acts=(("32011L0093", "x"),)))
    c = extraction(doc("c.txt"), event("adoption", "2011-12-13", acts=(("32016R0679", "y"),)))
    assert len(link([a, b, c]).entries) == 3


def test_month_and_day_precision_merge_to_the_precise_date() -> None:
    a = extraction(doc("a.txt"), event("adoption", "2011-12", acts=(("32011L0093", "x"),)))
    b = extraction(doc("b.txt"), event("adoption", "2011-12-13", acts=(("32011L0093", "x"),)))
    (entry,) = link([a, b]).entries
    assert entry.date == "2011-12-13" and entry.precision == "day"
    assert not entry.conflict
    assert sorted(s.date for s in entry.sources) == ["2011-12", "2011-12-13"]


def test_translations_of_one_document_merge_events_without_celex() -> None:
    fr = extraction(
        doc("ip-fr.txt", language="fr", reference="IP/09/342"),
        event("funding", "2009-03-03", acts=((None, "coalition financière européenne"),)),
    )
    de = extraction(
        doc("ip-de.txt", language="de", reference="IP/09/342"),
        event("funding", "2009-03-03", acts=((None, "Europäische Finanzkoalition"),)),
    )
    other = extraction(
        doc("other.txt", language="de"),
        event("funding", "2009-03-03", acts=((None, "Forschungsprogramm"),)),
    )
    tl = link([fr, de, other])
    assert sorted(len(e.sources) for e in tl.entries) == [1, 2]


def test_planned_and_past_statements_of_a_fixed_deadline_merge() -> None:
    a = extraction(
        doc("a.txt", date="2011-12-17"),
        event(
            "transposition_deadline", "2013-12-18", acts=(("32011L0093", "x"),), status="planned"
        ),
    )
    b = extraction(
        doc("b.txt"), event("transposition_deadline", "2013-12-18", acts=(("32011L0093", "x"),))
    )
    (entry,) = link([a, b]).entries
    assert entry.status == "past" and len(entry.sources) == 2


def test_output_does_not_depend_on_input_order() -> None:
    xs = [
        extraction(doc("a.txt"), event("adoption", "2011-12-13", acts=(("32011L0093", "x"),))),
        extraction(doc("b.txt"), event("adoption", "2011-12-13", acts=(("32011L0093", "y"),))),
        extraction(doc("c.txt"), event("proposal", "2010-03-29", acts=(("52010PC0094", "z"),))),
    ]
    assert link(xs) == link(list(reversed(xs)))
    ids = [e.id for e in link(xs).entries]
    assert len(ids) == len(set(ids))


def test_bundled_entries_keep_all_their_sources(bundled_timeline, bundled_gold) -> None:
    # every gold event is a source of exactly one entry
    n_events = sum(len(x.events) for x in bundled_gold)
    assert sum(len(e.sources) for e in bundled_timeline.entries) == n_events
    adoption = [
        e for e in bundled_timeline.entries if e.type == "adoption" and e.date == "2011-12-13"
    ]
    assert len(adoption) == 1
    assert {s.language for s in adoption[0].sources} == {"en", "de", "fr"}
