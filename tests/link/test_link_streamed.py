"""Linking a part a group of documents at a time gives exactly the part linked at once.

:func:`timeline.link.linker.link_part_streamed` reads a part's documents through a loader, a
group at a time, twice when its events are more than it may hold (the second time each
group's records are let go once its items are made). Its timeline must be
:func:`timeline.link.link`'s byte for byte (timeline.json): held on the dev gold (with and
without the CELEX numbers of acts named by title, so that titles and misprints resolve), the
bundled sources, and generated corpora; and the loader must be called as promised.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from link_helpers import gold_extractions
from test_link_shards import _corpus, _stems

from timeline import link, pipeline
from timeline.link import linker, shards
from timeline.link.facts import DocumentFacts, document_facts, without_text
from timeline.model import Extraction

SOURCES = Path(__file__).resolve().parents[2] / "sources"


def _streamed(
    extractions: list[Extraction], group: int, hold: int
) -> tuple[str, list[list[str]]]:
    """timeline.json of the corpus linked by link_part_streamed, and the loader's calls."""
    facts = {x.document.path: document_facts(x) for x in extractions}
    # what the build holds: records without their texts (the facts stand for them)
    slim = {x.document.path: without_text(x) for x in extractions}
    calls: list[list[str]] = []

    def load(paths: list[str]) -> tuple[list[Extraction], dict[str, DocumentFacts]]:
        calls.append(list(paths))
        return [slim[p] for p in reversed(paths)], {p: facts[p] for p in paths}

    part = linker.link_part_streamed(list(slim), load, group=group, hold=hold)
    return link.timeline_to_json(linker.combine([part])), calls


def _check(extractions: list[Extraction]) -> None:
    whole = link.timeline_to_json(link.link(extractions))
    paths = sorted(x.document.path for x in extractions)
    groups = [paths[i : i + 3] for i in range(0, len(paths), 3)]
    # every group read twice: the records are let go between the passes
    got, calls = _streamed(extractions, group=3, hold=0)
    assert got == whole
    assert calls == (groups + groups if any(x.events for x in extractions) else groups)
    # held: read once
    got, calls = _streamed(extractions, group=3, hold=1 << 30)
    assert got == whole and calls == groups


@pytest.mark.parametrize("drop_celex", [False, True], ids=["gold", "titles-only"])
def test_dev_gold_streamed_equals_whole(dev_dir: Path, drop_celex: bool) -> None:
    _check(gold_extractions(dev_dir, _stems(dev_dir), drop_celex=drop_celex))


def test_sources_streamed_equals_whole() -> None:
    _check(list(pipeline.extract([SOURCES], exclude=("README.md",)).extractions))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_corpus())
def test_generated_corpora_streamed_equal_whole(corpus: list[Extraction]) -> None:
    _check(corpus)


def test_link_sharded_reads_a_large_shard_a_group_at_a_time(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard of more than STREAM_DOCS documents is read in groups of at most that many."""
    xs = gold_extractions(dev_dir, _stems(dev_dir))
    facts = {x.document.path: document_facts(x) for x in xs}
    slim = {x.document.path: without_text(x) for x in xs}
    keys = {p: shards.doc_keys(slim[p], facts[p]) for p in slim}
    largest = max(len(s) for s in shards.partition(keys.values()))
    assert largest > 2
    monkeypatch.setattr(linker, "STREAM_DOCS", 2)
    monkeypatch.setattr(linker, "HOLD_EVENTS", 0)
    sizes: list[int] = []

    def load(paths: list[str]) -> tuple[list[Extraction], dict[str, DocumentFacts]]:
        sizes.append(len(paths))
        return [slim[p] for p in paths], {p: facts[p] for p in paths}

    got = shards.link_sharded(keys, load)
    assert link.timeline_to_json(got) == link.timeline_to_json(link.link(xs))
    assert max(sizes) == 2 and sum(sizes) > len(xs)  # groups of two, large shards read twice
