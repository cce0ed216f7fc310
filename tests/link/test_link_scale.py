"""Linking at scale: facts stand for the texts, and lookups stay indexed.

A build drops each text once its facts are read (``timeline.link.facts``); linking and the
graph given the facts must equal what they give reading the texts. Title lookups, plans and
merges are indexed; these tests hold the indexes to the results of plain comparisons.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import link, pipeline
from timeline.link import acts
from timeline.link.facts import (
    document_facts,
    facts_from_json,
    facts_to_json,
    without_text,
)

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="module")
def extractions() -> tuple:
    return pipeline.extract([SOURCES], exclude=("README.md",)).extractions


def test_facts_stand_for_the_texts(extractions: tuple) -> None:
    facts = {
        x.document.path: facts_from_json(facts_to_json(document_facts(x))) for x in extractions
    }
    slim = [without_text(x) for x in extractions]
    assert all(x.document.text == "" and not x.timexes for x in slim)
    full = link.link(extractions)
    thin = link.link(slim, facts)
    assert link.timeline_to_json(thin) == link.timeline_to_json(full)
    assert link.graph_to_json(link.build_graph(slim, thin, facts)) == link.graph_to_json(
        link.build_graph(extractions, full)
    )
    # the bundled corpus resolves acts by title and states relations: the facts carry them
    assert full.extra["relations"] and any(f.mentions for f in facts.values())


def test_facts_json_round_trip_refuses_another_version(extractions: tuple) -> None:
    data = facts_to_json(document_facts(extractions[0]))
    assert facts_from_json(data) == document_facts(extractions[0])
    with pytest.raises(ValueError):
        facts_from_json({**data, "version": -1})


def _plain_resolve(index: acts.TitleIndex, subject: str, floor: float) -> list[int]:
    return [
        i
        for i, t in enumerate(index.titles)
        if acts.similarity(subject, t.subject, floor) >= floor
    ]


def test_title_candidates_are_those_a_full_scan_finds(extractions: tuple) -> None:
    index = acts.TitleIndex.from_extractions(extractions)
    assert len(index.titles) > 5
    for known in index.titles:
        for subject in (known.subject, known.subject[:-3], known.subject + " et al"):
            got = set(index._candidates(subject, acts.TITLE_THRESHOLD, whole=False))
            assert got == set(_plain_resolve(index, subject, acts.TITLE_THRESHOLD)), subject


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("directive on combating sexual abuse", "directive on combating sexual abuse of"),
        ("abcdefgh", "hgfedcba"),
        ("framework decision", "framework decisions"),
        ("", "x"),
    ],
)
def test_similarity_bound_never_changes_a_score(a: str, b: str) -> None:
    from difflib import SequenceMatcher

    exact = SequenceMatcher(None, a, b, autojunk=False).ratio() if a != b else 1.0
    for floor in (0.0, 0.5, 0.9):
        got = acts.similarity(a, b, floor)
        assert got == (exact if exact >= floor or floor == 0.0 else got)
        if exact >= floor:
            assert got == exact
