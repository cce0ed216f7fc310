"""A rebuild that adds documents to a shard whose linked part's state is kept links them against
the state (``shards.RELINK_MIN_DOCS`` made small here); added, removed and edited documents give
the outputs of a build without the cache."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from timeline import pipeline
from timeline.cache import FILENAME
from timeline.link import linker, shards

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import dev_texts, synthetic_corpus, write_corpus  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"
FORMATS = ["summary", "csv"]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(FILENAME) and p.parent.name != "timeml"
    }


def _same_as_plain(docs: Path, out: Path, tmp: Path) -> None:
    plain = tmp / f"plain-{len(list(tmp.iterdir()))}"
    pipeline.build([docs], plain, formats=FORMATS, use_cache=False)
    got, want = _files(out), _files(plain)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name


def test_added_removed_edited_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not DEV.is_dir():
        pytest.skip("no dev corpus")
    monkeypatch.setattr(shards, "RELINK_MIN_DOCS", 3)
    calls: list[bool] = []
    relink = linker.relink_part

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        part = relink(*a, **k)
        calls.append(part is not None)
        return part

    monkeypatch.setattr(linker, "relink_part", counted)
    docs = tmp_path / "docs"
    texts = synthetic_corpus(dev_texts(DEV), 40, seed=7)
    write_corpus(texts, docs)
    out = tmp_path / "out"
    pipeline.build([docs], out, formats=FORMATS)
    assert calls == []

    # a copy of a document of the largest shard, one date moved: it joins that shard
    keys = {k.path: k for k in (pipeline._slim_of(s).keys for s in _slims(out))}
    largest = max(shards.partition(keys.values()), key=len)
    assert len(largest) >= 6
    original = Path(sorted(largest)[1])
    added = docs / ("zz-added-" + original.name)
    added.write_text(original.read_text(encoding="utf-8").replace("20", "19", 1), encoding="utf-8")
    shutil.copy(original.with_suffix("").with_suffix(".meta.json"),
                added.with_suffix("").with_suffix(".meta.json"))
    pipeline.build([docs], out, formats=FORMATS)
    assert calls == [True]  # linked against the stored state
    _same_as_plain(docs, out, tmp_path)

    # removed, then edited: the shard is linked whole (no stored state is a subset of it)
    calls.clear()
    added.unlink()
    pipeline.build([docs], out, formats=FORMATS)
    _same_as_plain(docs, out, tmp_path)
    edited = Path(sorted(largest)[2])
    edited.write_text(edited.read_text(encoding="utf-8").replace("20", "19", 1), encoding="utf-8")
    pipeline.build([docs], out, formats=FORMATS)
    _same_as_plain(docs, out, tmp_path)
    assert not any(calls)


def _slims(out: Path) -> list[bytes]:
    import sqlite3

    with sqlite3.connect(out / FILENAME) as db:
        return [row[0] for row in db.execute("SELECT slim FROM built")]
