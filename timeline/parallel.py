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
        self._early: _EarlyWorker | None = None

    def prestart(self, warm: Callable[[], object]) -> bool:
        """Fork one worker now, which runs ``warm()`` (loads rules) while the caller goes on;
        a later run of fewer than :data:`MIN_TASKS_FOR_POOL` tasks runs on it, warm already
        (a rebuild that adds a document or two; the rules cost about 15 times the extraction
        of one document). Only with ``jobs`` > 1, no Dask, and where processes can be forked;
        returns whether it started (not while another thread runs). A worker never used is
        ended by :meth:`close`, warm or not."""
        import multiprocessing
        import threading

        if (
            self.jobs <= 1 or self.dask_address or self._early is not None
            or self._executor is not None  # the pool runs already
            or "fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon  # may not start processes
            # a fork copies no thread but the caller's: a lock another thread holds (an
            # import's) would stay held in the copy while it warms up
            or threading.active_count() > 1
        ):
            return False
        try:
            self._early = _EarlyWorker(warm)
        except OSError:  # no process to spare: the pool starts when tasks come, as without
            return False
        return True

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
        elif self._early is not None and total < MIN_TASKS_FOR_POOL:
            results = self._early.imap(func, tasks)
        else:
            if self._early is not None:  # more than a handful: the pool's processes do them
                self._early.close()
                self._early = None
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
        if self._early is not None:
            self._early.close()
            self._early = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            self._workers = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _EarlyWorker:
    """One forked process that runs ``warm()`` first, then the tasks it is sent, one at a
    time, in order (:meth:`WorkerPool.prestart`). Plain ``multiprocessing`` with a pipe: no
    thread in this process (a fork made later by the build copies none), and :meth:`close`
    ends it at once, warming up or not."""

    def __init__(self, warm: Callable[[], object]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._conn, there = context.Pipe()
        self._process = context.Process(
            target=_serve_early, args=(there, self._conn, warm), name="timeline-worker",
            daemon=True,
        )
        try:
            self._process.start()
        except BaseException:
            self._conn.close()
            raise
        finally:
            there.close()

    def imap(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """``func(t)`` for each task on the worker, in order: the first task is sent now (it
        runs while the caller goes on), each next one when the one before is taken (the pipe
        never holds two large messages at once)."""
        if not tasks:
            return iter(())
        self._conn.send((func, tasks[0]))
        return self._results(func, tasks)

    def _results(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        for i in range(len(tasks)):
            try:
                ok, value = self._conn.recv()
            except (EOFError, OSError):
                raise RuntimeError(
                    "a worker process ended unexpectedly (killed, or out of memory)"
                ) from None
            if i + 1 < len(tasks):
                self._conn.send((func, tasks[i + 1]))
            if not ok:
                raise value
            yield value

    def close(self) -> None:
        """End the process (it holds nothing to keep)."""
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _serve_early(conn: Any, other: Any, warm: Callable[[], object]) -> None:
    """An :class:`_EarlyWorker` process: warm up, then run each task sent until the pipe
    closes; a task's exception is sent back and raised by the caller."""
    other.close()  # the caller's end of the pipe
    try:
        warm()
    except Exception:  # a warm-up is only a head start: the tasks load what they need
        pass
    while True:
        try:
            func, task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, func(task))
        except Exception as exc:
            reply = (False, exc)
        try:
            conn.send(reply)
        except Exception as exc:  # not picklable: its text
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


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
