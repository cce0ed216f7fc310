"""Where extraction runs: in this process, in a pool of local processes, or on a Dask cluster.

This module is the only one that imports ``concurrent.futures`` and ``dask``. Results always come
back in task order, so the output of a parallel or distributed run is byte-identical to a serial
one. Linking and rendering stay local.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many tasks a run is a handful: its processes do not warm up first (see
#: ``timeline.pipeline.warm_up``), they load only what their documents need.
MIN_TASKS_FOR_POOL = 4


def available_cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(
    func: Callable[[T], R],
    tasks: Sequence[T],
    *,
    jobs: int = 1,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[func(t) for t in tasks]``, serially, on ``jobs`` processes, or on a Dask cluster.

    ``func`` must be a module-level function (it is pickled) that never raises for a bad input
    but returns its failure. ``progress(done, total)`` is called as results arrive (in the
    serial and pool cases).
    """
    if len(tasks) < MIN_TASKS_FOR_POOL:
        jobs = 1  # a handful: starting processes would cost more than it saves
    with WorkerPool(jobs, dask_address) as pool:
        return list(pool.imap(func, tasks, progress=progress))


class WorkerPool:
    """Processes kept for several runs of tasks (a build's batches share one pool).

    With ``jobs`` > 1 the processes start with the first run (as many as it has tasks, up to
    ``jobs``) and warm up once (rules, models) for the whole build instead of once per batch.
    A run's tasks are handed to the processes when :meth:`imap` is called, so the caller goes
    on with its own work (a rebuild checks its cached documents) while they run. Used as a
    context manager; :meth:`imap` yields results in task order as they arrive.
    """

    def __init__(self, jobs: int = 1, dask_address: str | None = None) -> None:
        self.jobs = jobs
        self.dask_address = dask_address
        self._executor: Any = None
        self._workers = 0

    def runs_here(self, n: int) -> bool:
        """Whether :meth:`imap` runs ``n`` tasks in this process, one by one as asked."""
        return not self.dask_address and (self.jobs <= 1 or n == 0)

    def imap(
        self,
        func: Callable[[T], R],
        tasks: Sequence[T],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[R]:
        """``func(t)`` for each task, in task order, yielded as soon as it is there; with a
        pool, every task is submitted before this returns."""
        total = len(tasks)
        if self.dask_address:
            return iter(_run_dask(func, tasks, self.dask_address, progress))
        if self.runs_here(total):
            results: Iterator[R] = (func(task) for task in tasks)
        else:
            want = min(self.jobs, total)
            if self._executor is not None and self._workers < want:
                self.close()  # a pool started for a few documents; this run wants more
            if self._executor is None:
                from concurrent.futures import ProcessPoolExecutor

                self._executor = ProcessPoolExecutor(max_workers=want)
                self._workers = want
            chunksize = max(1, min(16, total // (self.jobs * 4)))
            results = self._executor.map(func, tasks, chunksize=chunksize)
        return _counted(results, total, progress)

    def close(self) -> None:
        """Stop the worker processes."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            self._workers = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fork_call(func: Callable[..., R], *args: Any) -> Callable[[], R] | None:
    """Start ``func(*args)`` in one forked process, which sees this process's memory as it is
    now (what it works on can be left in a module global: nothing big is pickled); returns a
    function that waits for the result and gives it (call it once: it also stops the process),
    or None when processes cannot be forked here (the caller then does the work itself).

    ``func`` must be a module-level function and its result picklable.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return None
    from concurrent.futures import ProcessPoolExecutor

    # a fork-context pool starts its process at the first submit: the copy is taken then
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        future = pool.submit(func, *args)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise

    def result() -> R:
        try:
            return future.result()
        finally:
            pool.shutdown(cancel_futures=True)

    return result


def _counted(
    results: Iterator[R], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[R]:
    for done, result in enumerate(results, 1):
        if progress:
            progress(done, total)
        yield result


def _run_dask(
    func: Callable[[T], R],
    tasks: Sequence[T],
    address: str,
    progress: Callable[[int, int], None] | None,
) -> list[R]:
    """Run on an existing Dask distributed cluster as a bag over the tasks (order kept)."""
    try:
        import dask.bag as db
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the install
        from timeline.errors import UsageError

        raise UsageError(
            "--dask needs the dask extra: pip install 'policy-timeline[dask]'"
        ) from exc
    from timeline.errors import UsageError

    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        if not tasks:
            return []
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        bag = db.from_sequence(list(tasks), npartitions=min(len(tasks), workers * 4))
        results = list(bag.map(func).compute(scheduler=client.get))
    finally:
        client.close()
    if progress:
        progress(len(results), len(results))
    return results
