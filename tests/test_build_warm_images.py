"""A build with two jobs draws its images in the processes it forked at its start
(``render.start_warm_images``): the files are those a build without the cache writes, cold and
after documents are added; a rebuild whose images are current draws nothing."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from pathlib import Path

import pytest

from timeline import pipeline, render
from timeline.cache import FILENAME

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import dev_texts, synthetic_corpus, write_corpus  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork here"
)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(FILENAME)
    }


def test_warm_images_in_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = synthetic_corpus(dev_texts(DEV), 22, seed=7)
    docs, extra = tmp_path / "docs", tmp_path / "extra"
    write_corpus(texts[:20], docs)
    write_corpus(texts[20:], extra)
    asked: list[tuple[str, ...]] = []
    draw = render.WarmImages.draw

    def counted(self, plan, outdir, formats):  # type: ignore[no-untyped-def]
        asked.append(tuple(formats))
        return draw(self, plan, outdir, formats)

    monkeypatch.setattr(render.WarmImages, "draw", counted)
    out = tmp_path / "out"

    def same_as_plain(name: str) -> None:
        plain = tmp_path / name
        pipeline.build([docs], plain, use_cache=False, jobs=1)
        got, want = _files(out), _files(plain)
        assert sorted(got) == sorted(want)
        for file in want:
            assert got[file] == want[file], file

    pipeline.build([docs], out, jobs=2)
    assert asked == [("png", "svg", "pdf")]
    same_as_plain("plain-cold")

    asked.clear()
    pipeline.build([docs], out, jobs=2)  # nothing changed: nothing drawn
    assert asked == []

    for p in sorted(extra.iterdir()):
        shutil.copy(p, docs)
    pipeline.build([docs], out, jobs=2)
    assert asked == [("png", "svg", "pdf")]  # the subtitle counts the entries, at least
    same_as_plain("plain-added")
