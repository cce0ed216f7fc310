"""Dossiers, selection and the bundled story told as one dossier."""

from __future__ import annotations

import pytest
from link_helpers import doc, event, extraction

from timeline.errors import UsageError
from timeline.link import link, select


def test_unconnected_acts_make_separate_dossiers_and_acts_without_celex_follow_their_document():
    a = extraction(
        doc("a.txt", reference="32011L0093"),
        event("adoption", "2011-12-13", acts=(("32011L0093", "x"),)),
        event("meeting", "2011-11-01", acts=((None, "a workshop"),)),
    )
    b = extraction(doc("b.txt"), event("adoption", "2016-04-27", acts=(("32016R0679", "y"),)))
    tl = link([a, b])
    assert len(tl.dossiers) == 2
    meeting = next(e for e in tl.entries if e.type == "meeting")
    adoption = next(e for e in tl.entries if e.date == "2011-12-13")
    assert meeting.dossier == adoption.dossier
    assert select(tl, act="32016R0679").entries[0].date == "2016-04-27"
    with pytest.raises(UsageError, match="no dossier matches --act"):
        select(tl, act="32099L0001")


def test_bundled_story_is_one_dossier(bundled_timeline) -> None:
    tl = bundled_timeline
    main = next(d for d in tl.dossiers if "32011L0093" in d.acts)
    for celex in ("32004F0068", "52009PC0135", "52010PC0094"):
        assert celex in main.acts
    assert {"2009/0049(CNS)", "2010/0064(COD)"} <= set(main.procedures)
    entries = {e.id: e for e in tl.entries}
    held = [entries[i] for i in main.entries]
    facts = {(e.date, e.type) for e in held}
    for fact in [
        ("2003-12-22", "adoption"),
        ("2009-03-25", "proposal"),
        ("2010-03-29", "proposal"),
        ("2011-12-13", "adoption"),
        ("2011-12-17", "publication"),
        ("2013-12-18", "transposition_deadline"),
    ]:
        assert fact in facts, fact
    # IP/09/342 belongs to it (its plan and what it reports)
    assert any(s.reference == "IP/09/342" for e in held for s in e.sources)
    # dates in order
    from timeline.link.dates import sort_key

    keys = [sort_key(e.date or e.earliest) for e in held]
    assert keys == sorted(keys)


def test_select_by_act_procedure_and_dossier_name(bundled_timeline) -> None:
    by_act = select(bundled_timeline, act="Directive 2011/93/EU")
    by_proc = select(bundled_timeline, procedure="2010/0064 (COD)")
    assert by_act.entries == by_proc.entries
    name = by_act.dossiers[0].name
    assert by_act.title == name
    assert select(bundled_timeline, dossier=name.split()[0]).entries  # a word of its name
    assert select(bundled_timeline, dossier=by_act.dossiers[0].id).entries == by_act.entries
    ids = {e.id for e in by_act.entries}
    assert all(e.realised_by in ids for e in by_act.entries if e.realised_by)


def test_graph_of_a_selection_holds_only_its_documents(bundled_gold, bundled_timeline) -> None:
    from timeline.link import build_graph

    part = select(bundled_timeline, act="31997F0154")
    g = build_graph(bundled_gold, part)
    docs = {n for n, d in g.nodes(data=True) if d["kind"] == "document"}
    assert docs == {f"doc:{d.path}" for d in part.documents}
    assert "act:32011L0093" not in g


def test_dossier_without_an_act_title_is_named_after_its_procedure_file() -> None:
    oeil = extraction(
        doc(
            "oeil.txt",
            reference="2022/0155(COD)",
            title="2022/0155(COD) Combating child sexual abuse online",
        ),
        event("proposal", "2022-05-11", acts=(("52022PC0209", "COM(2022)0209"),)),
    )
    (dossier,) = link([oeil]).dossiers
    assert dossier.name.endswith("— Combating child sexual abuse online")
    assert dossier.procedures == ("2022/0155(COD)",)
