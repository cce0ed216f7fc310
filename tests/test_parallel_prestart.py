"""A worker forked before the build knows its documents (WorkerPool.prestart): it warms up
while the caller goes on, runs a handful of tasks in order, and is ended at once, warm or not."""

from __future__ import annotations

import os
import threading
import time

import pytest

from timeline import parallel
from timeline.parallel import MIN_TASKS_FOR_POOL, WorkerPool


@pytest.fixture(autouse=True)
def _no_thread() -> None:
    if threading.active_count() > 1:  # a session fixture's (a browser's)
        pytest.skip("no early fork while another thread runs (by design)")


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def _fails(n: int) -> int:
    raise ValueError(f"bad task {n}")


def _dies(n: int) -> int:
    os._exit(3)


def _warm_marker() -> None:
    parallel._WARMED_FOR_TEST = True  # type: ignore[attr-defined]


def _has_warm_marker(_n: int) -> bool:
    return bool(getattr(parallel, "_WARMED_FOR_TEST", False))


def _sleep_long() -> None:
    time.sleep(300)


def test_a_handful_of_tasks_runs_on_the_early_worker_in_order() -> None:
    with WorkerPool(jobs=2) as pool:
        assert pool.prestart(_warm_marker)
        tasks = list(range(MIN_TASKS_FOR_POOL - 1))
        results = list(pool.imap(_pid_and_square, tasks))
        assert [r[1] for r in results] == [n * n for n in tasks]
        pids = {r[0] for r in results}
        assert len(pids) == 1 and os.getpid() not in pids  # one other process
        assert list(pool.imap(_has_warm_marker, [0])) == [True]  # it warmed up first
        assert pool._executor is None  # no pool was started for them


def test_more_tasks_end_the_early_worker_and_use_the_pool() -> None:
    with WorkerPool(jobs=2) as pool:
        assert pool.prestart(_warm_marker)
        early = pool._early
        tasks = list(range(MIN_TASKS_FOR_POOL + 2))
        assert [r[1] for r in pool.imap(_pid_and_square, tasks)] == [n * n for n in tasks]
        assert pool._early is None and early is not None and not early._process.is_alive()


def test_an_exception_of_a_task_is_raised_and_a_dead_worker_reported() -> None:
    with WorkerPool(jobs=2) as pool:
        pool.prestart(_warm_marker)
        with pytest.raises(ValueError, match="bad task 1"):
            list(pool.imap(_fails, [1]))
        with pytest.raises(RuntimeError, match="ended unexpectedly"):
            list(pool.imap(_dies, [1]))


def test_closing_ends_a_worker_still_warming_up() -> None:
    pool = WorkerPool(jobs=2)
    assert pool.prestart(_sleep_long)
    process = pool._early._process  # type: ignore[union-attr]
    pool.close()  # does not wait for the warm-up (five minutes)
    assert not process.is_alive() and process.exitcode is not None


def test_no_early_worker_with_one_job_or_dask() -> None:
    assert not WorkerPool(jobs=1).prestart(_warm_marker)
    assert not WorkerPool(jobs=2, dask_address="tcp://127.0.0.1:1").prestart(_warm_marker)


def test_the_prewarm_document_is_english_without_the_language_detector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The document a build's early worker warms up on (pipeline._prewarm) tells its language
    to the loader: building the detector for it cost half the warm-up (and read "fr")."""
    from timeline import pipeline
    from timeline.load import language
    from timeline.model import Extraction

    def no_detector(text: str) -> str | None:
        raise AssertionError(f"language detected for {text!r}")

    monkeypatch.setattr(language, "_detect", no_detector)
    task = pipeline._Task("-", pipeline._PREWARM_TEXT, None, "en", False, None)
    result = pipeline._run_task(task)
    assert isinstance(result, Extraction), result
    assert result.document.language == "en"
    assert [t.value for t in result.timexes] == ["2009-03-03"]
