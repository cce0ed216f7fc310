"""The tests of processes forked only where no thread runs (the early worker of
``WorkerPool.prestart``, the warm image process) skip themselves in a test process where a session
fixture (a browser's) left threads running: the full suite's order often does. Here they run in a
fresh pytest process, where no thread runs, and must all pass there, none skipped."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORK_TESTS = ("tests/test_parallel_prestart.py", "tests/render/test_warm_images.py")

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork here"
)


def test_the_fork_tests_pass_in_a_process_without_threads() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *FORK_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = run.stdout[-2000:]
    assert run.returncode == 0, tail
    summary = run.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary), summary
    assert "skipped" not in summary and "deselected" not in summary, tail
