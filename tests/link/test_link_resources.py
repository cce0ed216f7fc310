"""Every rule of links.toml runs its own examples and negatives."""

from __future__ import annotations

import pytest

from timeline.link import resources
from timeline.link.acts import fill_celex as fill
from timeline.link.acts import find_acts, find_procedures, find_relations, normalize, parse_title
from timeline.model import Document

RES = resources.load()
OWN = "39999X9999"  # a stand-in for the act whose title a cue stands in


@pytest.mark.parametrize(
    ("rule", "text", "celex"),
    [(r, t, c) for r in RES.acts for t, c in r.examples],
    ids=lambda v: v.name if isinstance(v, resources.ActRule) else None,
)
def test_act_examples(rule: resources.ActRule, text: str, celex: str) -> None:
    # the rule itself reads it (another language's identical rule may win the span in find_acts)
    assert celex in [fill(rule.celex, m) for m in rule.pattern.finditer(text)]
    assert celex in [m.celex for m in find_acts(text)]


@pytest.mark.parametrize(
    ("rule", "text"),
    [(r, t) for r in RES.acts for t in r.negatives],
    ids=lambda v: v.name if isinstance(v, resources.ActRule) else None,
)
def test_act_negatives(rule: resources.ActRule, text: str) -> None:
    assert all(m.rule != rule.name for m in find_acts(text))


@pytest.mark.parametrize(
    ("rule", "text", "target"),
    [(r, t, c) for r in RES.relations for t, c in r.examples],
    ids=lambda v: v.name if isinstance(v, resources.RelationRule) else None,
)
def test_relation_examples(rule: resources.RelationRule, text: str, target: str) -> None:
    rels = find_relations(Document(path="x", text=text), own=OWN)
    expected = (target, rule.relation, OWN) if rule.inverse else (OWN, rule.relation, target)
    assert any(
        (r.source, r.relation, r.target) == expected and r.rule == rule.name for r in rels
    ), rels


@pytest.mark.parametrize(
    ("rule", "text"),
    [(r, t) for r in RES.relations for t in r.negatives],
    ids=lambda v: v.name if isinstance(v, resources.RelationRule) else None,
)
def test_relation_negatives(rule: resources.RelationRule, text: str) -> None:
    rels = find_relations(Document(path="x", text=text), own=OWN)
    assert all(r.rule != rule.name for r in rels)


@pytest.mark.parametrize(
    ("language", "title", "subject", "proposal"),
    [(t.language, *ex) for t in RES.titles for ex in t.examples],
)
def test_title_examples(language: str, title: str, subject: str, proposal: bool) -> None:
    parsed = parse_title(title, language)
    assert parsed.subject == normalize(subject)
    assert parsed.proposal is proposal


@pytest.mark.parametrize(("text", "celex"), RES.common_examples["celex"])
def test_celex_examples(text: str, celex: str) -> None:
    assert celex in [m.celex for m in find_acts(text)]


@pytest.mark.parametrize(
    ("text", "ref"),
    [ex for name, exs in RES.common_examples.items() if name != "celex" for ex in exs],
)
def test_procedure_examples(text: str, ref: str) -> None:
    assert ref in [p for _, _, p in find_procedures(text)]


def test_every_language_has_relation_cues_and_titles() -> None:
    for lang in RES.languages:
        assert any(r.name.startswith(f"{lang}:") for r in RES.relations), lang
        assert any(t.language == lang and t.subject is not None for t in RES.titles), lang


def test_no_overlapping_mentions() -> None:
    text = "repealing Council Framework Decision 2004/68/JHA and Council Decision 2000/375/JHA"
    found = find_acts(text)
    assert [m.celex for m in found] == ["32004F0068", "32000D0375"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
