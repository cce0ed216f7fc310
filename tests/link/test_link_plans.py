"""Planned -> actual: a plan is realised by the earliest later event of the same type and act."""

from __future__ import annotations

from link_helpers import doc, event, extraction

from timeline.link import link

PLAN_TEXT = "In the short term, the Commission will present a proposal."
PROPOSAL_2009 = (
    "Proposal for a Council Framework Decision on combating the sexual abuse of children, "
    "repealing Framework Decision 2004/68/JHA\n\nBrussels, 25.3.2009\n\nCOM(2009)135 final"
)
PROPOSAL_2010 = (
    "Proposal for a Directive on combating the sexual abuse of children, repealing Framework "
    "Decision 2004/68/JHA\n\nBrussels, 29.3.2010\n\nCOM(2010)94 final"
)


def _corpus():
    plan = extraction(
        doc("press.txt", PLAN_TEXT, date="2009-03-03"),
        event(
            "proposal",
            None,
            acts=(("32004F0068", "the framework decision"),),
            status="planned",
            earliest="2009-03-03",
            text=PLAN_TEXT,
        ),
    )
    p2009 = extraction(
        doc("com-2009-135.txt", PROPOSAL_2009, date="2009-03-25", reference="COM(2009)135 final"),
        event(
            "proposal",
            "2009-03-25",
            acts=(("52009PC0135", "Proposal for a Council Framework Decision"),),
        ),
    )
    p2010 = extraction(
        doc("com-2010-94.txt", PROPOSAL_2010, date="2010-03-29", reference="COM(2010)94 final"),
        event("proposal", "2010-03-29", acts=(("52010PC0094", "Proposal for a Directive"),)),
    )
    return [plan, p2009, p2010]


def test_plan_is_realised_by_the_earliest_related_later_event_with_its_delay() -> None:
    tl = link(_corpus())
    by_date = {e.date: e for e in tl.entries}
    plan = by_date[None]
    actual = by_date["2009-03-25"]
    assert plan.realised_by == actual.id
    assert actual.realises == plan.id
    assert plan.delay_days == 22
    assert tl.open_plans == ()
    assert by_date["2010-03-29"].realises is None


def test_relation_read_from_text_links_the_acts() -> None:
    rels = link(_corpus()).extra["relations"]
    assert {(r["source"], r["relation"], r["target"]) for r in rels} >= {
        ("52009PC0135", "repeals", "32004F0068"),
        ("52010PC0094", "repeals", "32004F0068"),
    }


def test_unrelated_or_earlier_events_do_not_realise_a_plan() -> None:
    plan = extraction(
        doc("press.txt", PLAN_TEXT, date="2009-03-03"),
        event(
            "proposal", None, acts=(("32004F0068", "x"),), status="planned", earliest="2009-03-03"
        ),
    )
    earlier = extraction(
        doc("old.txt"), event("proposal", "2001-02-27", acts=(("32004F0068", "x"),))
    )
    other_type = extraction(
        doc("a.txt"), event("adoption", "2009-05-01", acts=(("32004F0068", "x"),))
    )
    other_act = extraction(
        doc("b.txt"), event("proposal", "2009-05-01", acts=(("32016R0679", "y"),))
    )
    tl = link([plan, earlier, other_type, other_act])
    (p,) = [e for e in tl.entries if e.status == "planned"]
    assert p.realised_by is None
    assert tl.open_plans == (p.id,)


def test_dated_plan_delay_counts_from_the_planned_date() -> None:
    plan = extraction(
        doc("p.txt", date="2010-01-10"),
        event("adoption", "2010-06-01", acts=(("32010L0001", "x"),), status="planned"),
    )
    done = extraction(doc("d.txt"), event("adoption", "2010-06-11", acts=(("32010L0001", "x"),)))
    tl = link([plan, done])
    (p,) = [e for e in tl.entries if e.status == "planned"]
    assert p.delay_days == 10


def test_bundled_ip_09_342_plan_links_to_com_2009_135(bundled_timeline) -> None:
    plans = [
        e
        for e in bundled_timeline.entries
        if e.status == "planned" and any(s.reference == "IP/09/342" for s in e.sources)
    ]
    assert len(plans) == 1
    plan = plans[0]
    actual = next(e for e in bundled_timeline.entries if e.id == plan.realised_by)
    assert actual.type == "proposal" and actual.date == "2009-03-25"
    assert plan.delay_days == 22
