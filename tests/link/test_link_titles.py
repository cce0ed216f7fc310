"""Acts known by title only are resolved to CELEX through titles seen elsewhere in the corpus."""

from __future__ import annotations

from link_helpers import doc, event, extraction, gold_extractions

from timeline.link import link
from timeline.link.acts import TitleIndex

SUMMARY_FR = (
    "ACTE\nDécision-cadre 2004/68/JAI du Conseil du 22 décembre 2003 relative à la lutte contre "
    "l'exploitation sexuelle des enfants et la pédopornographie.\nSYNTHÈSE\n"
)
PROPOSAL_FR_TITLE = (
    "Proposition de décision-cadre du Conseil relative à la lutte contre l'exploitation "
    "sexuelle des enfants et la pédopornographie"
)
LABEL = (
    "décision-cadre du Conseil relative à la lutte contre l’exploitation sexuelle des "
    "enfants et la pédopornographie"
)


def _corpus(label: str = LABEL):
    summary = extraction(doc("summary-fr.txt", SUMMARY_FR, language="fr"))
    proposal = extraction(
        doc(
            "com-2000-854-fr.txt",
            PROPOSAL_FR_TITLE,
            language="fr",
            reference="52000PC0854(02)",
            title=PROPOSAL_FR_TITLE,
        )
    )
    press = extraction(
        doc("press-fr.txt", language="fr", date="2009-03-03"),
        event("proposal", None, acts=((None, label),), status="planned", earliest="2009-03-03"),
    )
    return [summary, proposal, press]


def test_title_only_act_gets_the_celex_of_the_act_not_of_its_proposal() -> None:
    tl = link(_corpus())
    (entry,) = tl.entries
    assert [a.celex for a in entry.acts] == ["32004F0068"]
    (match,) = tl.extra["title_matches"]
    assert match["celex"] == "32004F0068"
    assert match["matched_document"] == "summary-fr.txt"
    assert match["document"] == "press-fr.txt"
    assert match["score"] >= 0.9


def test_proposal_title_resolves_to_the_proposal() -> None:
    index = TitleIndex.from_extractions(_corpus())
    match = index.resolve(PROPOSAL_FR_TITLE.replace("'", "’"), "fr")
    assert match is not None and match.celex == "52000PC0854(02)"


def test_unknown_or_short_titles_stay_unresolved() -> None:
    index = TitleIndex.from_extractions(_corpus())
    assert index.resolve("directive relative à la protection des données", "fr") is None
    assert index.resolve("coalition financière européenne", "fr") is None


def test_proposal_for_relation_from_matching_titles() -> None:
    rels = link(_corpus()).extra["relations"]
    assert ("52000PC0854", "proposal_for", "32004F0068") in {
        (r["source"], r["relation"], r["target"]) for r in rels
    }


def test_bundled_plan_resolves_without_the_annotators_celex(dev_dir) -> None:
    xs = gold_extractions(dev_dir, drop_celex=True)
    tl = link(xs)
    matches = [m for m in tl.extra["title_matches"] if m["document"] == "ip-09-342-fr.txt"]
    assert [m["celex"] for m in matches] == ["32004F0068"]
    plan = next(
        e
        for e in tl.entries
        if e.status == "planned" and any(s.document == "ip-09-342-fr.txt" for s in e.sources)
    )
    assert plan.delay_days == 22


def test_title_match_shows_in_the_graph() -> None:
    from timeline.link import build_graph

    xs = _corpus()
    g = build_graph(xs, link(xs))
    concerns = [
        d
        for _, v, k, d in g.edges(keys=True, data=True)
        if k == "concerns" and v == "act:32004F0068"
    ]
    assert concerns and concerns[0]["resolved_by"] == "title"
    assert concerns[0]["matched_document"] == "summary-fr.txt"
