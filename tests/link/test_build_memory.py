"""A build of a corpus too large to keep its writers' fragments writes the same files.

Above :data:`timeline.pipeline.HOLD_FRAGMENTS` events the writers get a memo that keeps
nothing (``Fragments(remember=False)``): held, the fragments grow with the output (about 5 KB
per event). The files must be the bytes a build that keeps them writes, and the cache must
hold no fragment afterwards (those an earlier build stored are dropped).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import pipeline
from timeline.cache import ExtractionCache
from timeline.fragments import Fragments
from timeline.link import linker
from timeline.render import MEMO_FORMATS, render

SOURCES = Path(__file__).resolve().parents[2] / "sources"
#: every writer with a memo, the graph and timeline.json (no image: they take no memo)
FORMATS = ["graph", *MEMO_FORMATS]


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(out.iterdir())
        if p.is_file() and p.name != ".timeline-cache.sqlite"
    }


def _fragment_rows(out: Path) -> list[str]:
    with ExtractionCache(out / ".timeline-cache.sqlite") as cache:
        return sorted(cache.memo.items_under(pipeline.FRAGMENTS_PREFIX))


def test_large_build_keeps_no_fragments_and_writes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "kept"
    pipeline.build([SOURCES], kept, formats=FORMATS, jobs=1)
    assert _fragment_rows(kept)  # a small corpus keeps its fragments
    monkeypatch.setattr(pipeline, "HOLD_FRAGMENTS", 0)
    monkeypatch.setattr(linker, "HOLD_EVENTS", 0)  # the large-corpus path throughout
    large = tmp_path / "large"
    result = pipeline.build([SOURCES], large, formats=FORMATS, jobs=1)
    assert result.events > 0
    assert _files(large) == _files(kept)
    assert _fragment_rows(large) == []
    # a corpus grown past the limit drops the fragments its earlier builds stored
    (kept / "timeline.html").unlink()  # an output to write again: the build links
    pipeline.build([SOURCES], kept, formats=FORMATS, jobs=1)
    assert _fragment_rows(kept) == []
    assert _files(kept) == _files(large)


def test_fragments_that_remember_nothing_make_the_same_bytes(tmp_path: Path) -> None:
    timeline = pipeline.build([SOURCES], tmp_path / "b", formats=["csv"], jobs=1).timeline
    keeping, forgetting = Fragments(), Fragments(remember=False)
    render(timeline, tmp_path / "keep", list(MEMO_FORMATS), memo=keeping)
    render(timeline, tmp_path / "forget", list(MEMO_FORMATS), memo=forgetting)
    assert _files(tmp_path / "forget") == _files(tmp_path / "keep")
    assert keeping.store and keeping.used and keeping.made
    assert not forgetting.store and not forgetting.used and not forgetting.made
    assert forgetting.hits == 0 and forgetting.misses >= len(keeping.made)
