"""Linking shards in a forked process (``link_sharded(..., jobs=2)``) gives the same timeline
and the same memo as linking them all here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from link_helpers import gold_extractions

from timeline import link, parallel
from timeline.link import shards
from timeline.link.facts import document_facts, without_text
from timeline.model import Extraction


def _setup(dev_dir: Path) -> tuple[dict, dict, dict, dict]:
    stems = sorted(p.stem for p in dev_dir.glob("*.txt"))
    xs = gold_extractions(dev_dir, stems)
    facts = {x.document.path: document_facts(x) for x in xs}
    slim = {x.document.path: without_text(x) for x in xs}
    keys = {p: shards.doc_keys(slim[p], facts[p]) for p in slim}
    versions = {p: f"v1-{p}" for p in slim}
    return slim, facts, keys, versions


def _loader(slim: dict, facts: dict, loaded: list[tuple[int, str]]):  # type: ignore[no-untyped-def]
    def load(paths: list[str]) -> tuple[list[Extraction], dict]:
        loaded.extend((os.getpid(), p) for p in paths)
        return [slim[p] for p in paths], {p: facts[p] for p in paths}

    return load


def test_share_gives_the_largest_shard_to_this_process() -> None:
    found = [("a",) * 10, ("b",) * 2, ("c",) * 6, ("d",) * 3, ("e",)]
    away = shards._share(found, [0, 1, 2, 3, 4])
    assert 0 not in away and away == sorted(away)
    here = sum(len(found[i]) for i in range(5) if i not in away)
    there = sum(len(found[i]) for i in away)
    assert abs(here - there) <= 2  # 10 + 1 here, 6 + 3 + 2 there (greedy)
    assert shards._share(found, [2]) == []  # one shard: nothing to share
    assert shards._share(found, [1, 3]) == [1]  # only shards to link are shared


def test_forked_link_equals_linking_here(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slim, facts, keys, versions = _setup(dev_dir)
    here_loaded: list[tuple[int, str]] = []
    memo_here: dict[str, bytes] = {}
    here = shards.link_sharded(
        keys, _loader(slim, facts, here_loaded), memo=memo_here, versions=versions
    )
    monkeypatch.setattr(shards, "PARALLEL_LINK_DOCS", 0)
    forks: list[int] = []
    real = parallel.fork_call

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        forks.append(1)
        return real(*a, **k)

    monkeypatch.setattr(parallel, "fork_call", counted)
    both_loaded: list[tuple[int, str]] = []
    memo_both: dict[str, bytes] = {}
    both = shards.link_sharded(
        keys, _loader(slim, facts, both_loaded), memo=memo_both, versions=versions, jobs=2
    )
    assert forks == [1]  # a second process did link some shards
    assert link.timeline_to_json(both) == link.timeline_to_json(here)
    assert memo_both == memo_here  # the same parts kept, byte for byte
    # every document loaded once, and only by this process (the forked one inherits its share)
    assert sorted(p for _, p in both_loaded) == sorted(slim)
    assert {pid for pid, _ in both_loaded} == {os.getpid()}


def test_no_fork_links_everything_here(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slim, facts, keys, versions = _setup(dev_dir)
    whole = link.timeline_to_json(link.link(list(slim.values()), facts))
    monkeypatch.setattr(shards, "PARALLEL_LINK_DOCS", 0)
    monkeypatch.setattr(parallel, "fork_call", lambda *a, **k: None)
    memo: dict[str, bytes] = {}
    got = shards.link_sharded(keys, _loader(slim, facts, []), memo=memo, versions=versions, jobs=2)
    assert link.timeline_to_json(got) == whole
    assert sum(k.startswith(shards.PART_PREFIX) for k in memo) == len(shards.partition(keys.values()))


def test_a_failed_fork_is_linked_here(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slim, facts, keys, versions = _setup(dev_dir)
    whole = link.timeline_to_json(link.link(list(slim.values()), facts))
    monkeypatch.setattr(shards, "PARALLEL_LINK_DOCS", 0)

    def broken() -> list[bytes]:
        raise OSError("the forked process died")

    monkeypatch.setattr(parallel, "fork_call", lambda *a, **k: broken)
    got = shards.link_sharded(keys, _loader(slim, facts, []), jobs=2)
    assert link.timeline_to_json(got) == whole


def test_joins_made_ahead_give_the_same_shards(dev_dir: Path) -> None:
    slim, facts, keys, versions = _setup(dev_dir)
    docs = [keys[p] for p in sorted(keys)]
    whole = shards.JoinState()
    expected = shards.partition(docs, whole)
    ahead = shards.JoinsAhead()
    for n in range(0, len(docs), 5):  # in batches, as a build's documents arrive
        ahead.add(docs[n : n + 5])
    compared = ahead.state.compared
    assert compared > 0
    assert shards.partition(docs, ahead.state) == expected
    assert ahead.state.compared == compared  # partition found every join made
    # half ahead, the rest compared by partition: the same shards again
    half = shards.JoinsAhead()
    half.add(docs[: len(docs) // 2])
    assert shards.partition(docs, half.state) == expected
    # the state made ahead is kept in the memo (a rebuild reads it)
    memo: dict[str, bytes] = {}
    got = shards.link_sharded(
        keys, _loader(slim, facts, []), memo=memo, versions=versions, state=ahead.state
    )
    assert shards.STATE_KEY in memo
    assert link.timeline_to_json(got) == link.timeline_to_json(
        link.link(list(slim.values()), facts)
    )
