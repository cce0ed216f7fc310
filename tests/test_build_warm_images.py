"""A build with two jobs draws its images in a process it forked at its start
(``render.start_warm_images``): the files are those a build without the cache writes, cold and
after documents are added; a rebuild whose images are current leaves them alone.

The builds run from the command line: a fresh process, where no thread runs (a warm process
is forked only then; this test process may hold a session fixture's threads)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from built_files import output_files as _files

from timeline import pipeline

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import dev_texts, synthetic_corpus, write_corpus  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"
IMAGES = ("timeline.png", "timeline.svg", "timeline.pdf")

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork here"
)


def _build(docs: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "build", str(docs), "-o", str(out), "--jobs", "2"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr


def test_warm_images_in_a_build(tmp_path: Path) -> None:
    texts = synthetic_corpus(dev_texts(DEV), 22, seed=7)
    docs, extra = tmp_path / "docs", tmp_path / "extra"
    write_corpus(texts[:20], docs)
    write_corpus(texts[20:], extra)
    out = tmp_path / "out"

    def same_as_plain(name: str) -> None:
        plain = tmp_path / name
        pipeline.build([docs], plain, use_cache=False, jobs=1)
        got, want = _files(out), _files(plain)
        assert sorted(got) == sorted(want)
        for file in want:
            assert got[file] == want[file], file

    def stamps() -> dict[str, int]:
        return {n: (out / n).stat().st_mtime_ns for n in IMAGES}

    _build(docs, out)
    same_as_plain("plain-cold")
    drawn = stamps()
    _build(docs, out)  # nothing changed: the images stay
    assert stamps() == drawn
    for p in sorted(extra.iterdir()):
        shutil.copy(p, docs)
    _build(docs, out)
    assert all(t != drawn[n] for n, t in stamps().items())  # their entries join drawn lanes
    same_as_plain("plain-added")
