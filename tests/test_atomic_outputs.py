"""Killing `timeline build` at any moment leaves the previous outputs or the complete new ones."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parent.parent / "sources"
NEW = ["ip-09-342-fr", "celex-52009pc0135-en", "celex-52010pc0094-en", "celex-32011l0093-en"]


def _build(inputs: list[Path], out: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "timeline", "build", "-q", "--no-cache", "-j", "1", "-o", str(out),
         *map(str, inputs)],
        check=True, env=env, capture_output=True,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_kill_at_any_moment_leaves_old_or_new_outputs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for stem in NEW:
        shutil.copy(SOURCES / f"{stem}.txt", docs)
    old_out, new_out = tmp_path / "old", tmp_path / "new"
    _build([docs / "ip-09-342-fr.txt"], old_out)
    started = time.monotonic()
    _build([docs], new_out)
    duration = time.monotonic() - started
    old, new = _snapshot(old_out), _snapshot(new_out)
    assert old.keys() == new.keys()
    assert any(old[name] != new[name] for name in old)

    for fraction in (0.3, 0.6, 0.9):
        out = tmp_path / f"killed-{fraction}"
        shutil.copytree(old_out, out)
        proc = subprocess.Popen(
            [sys.executable, "-m", "timeline", "build", "-q", "--no-cache", "-j", "1",
             "-o", str(out), str(docs)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        time.sleep(duration * fraction)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        after = _snapshot(out)
        for name in old:
            assert after[name] in (old[name], new[name]), f"{name} half-written at {fraction}"
        # The next build sweeps what the killed one left behind and completes.
        _build([docs], out)
        assert _snapshot(out) == new
