"""Stage 5: render a linked :class:`~timeline.model.Timeline` into the files people read and reuse.

One module per kind of output, each the only place its library is imported:

    html.py        timeline.html    one self-contained page (no network), list first, canvas timeline
    image.py       timeline.png/.svg/.pdf   matplotlib, byte-identical between runs
    tabular.py     events.csv       one row per entry and source, spreadsheet-safe
    ics.py         deadlines.ics    planned events and deadlines as all-day events (icalendar)
    timelinejs.py  timelinejs.json  TimelineJS3 format
    summary.py     summary.md       a short overview

:func:`render` writes the requested formats with :func:`timeline.fileio.write_atomic` and returns
the paths written. Output depends only on the timeline: no clock, sorted everything.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import UsageError
from timeline.fileio import paused_gc, write_atomic, write_atomic_pieces
from timeline.fragments import Fragments
from timeline.model import Timeline

if TYPE_CHECKING:
    from timeline.render.imageplan import Plan

#: Every format :func:`render` knows, in the order they are written.
FORMATS: tuple[str, ...] = ("html", "png", "svg", "pdf", "csv", "ics", "timelinejs", "summary")

#: The formats drawn by matplotlib, from one figure.
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

#: The file each format writes into the output folder.
FILENAMES: dict[str, str] = {
    "html": "timeline.html",
    "png": "timeline.png",
    "svg": "timeline.svg",
    "pdf": "timeline.pdf",
    "csv": "events.csv",
    "ics": "deadlines.ics",
    "timelinejs": "timelinejs.json",
    "summary": "summary.md",
}

__all__ = [
    "FILENAMES", "FORMATS", "MEMO_FORMATS", "WarmImages", "render", "start_images",
    "start_warm_images",
]


#: The formats written from per-entry fragments a :class:`~timeline.fragments.Fragments` memoises.
MEMO_FORMATS: tuple[str, ...] = ("html", "csv", "ics", "timelinejs")


def _renderer(fmt: str) -> Callable[..., str | bytes]:
    """The function producing one format; imported late so matplotlib loads only when needed."""
    if fmt == "html":
        from timeline.render.html import render_html

        return render_html
    if fmt in ("png", "svg", "pdf"):
        from timeline.render.image import render_image

        return lambda timeline: render_image(timeline, fmt)
    if fmt == "csv":
        from timeline.render.tabular import render_csv

        return render_csv
    if fmt == "ics":
        from timeline.render.ics import render_ics

        return render_ics
    if fmt == "timelinejs":
        from timeline.render.timelinejs import render_timelinejs

        return render_timelinejs
    if fmt == "summary":
        from timeline.render.summary import render_summary

        return render_summary
    raise UsageError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")


def _pieces(fmt: str) -> Callable[[Timeline, Fragments], Iterable[bytes]]:
    """The function giving one format of :data:`MEMO_FORMATS` with a memo, in pieces of bytes
    (streamed into the file: never the whole text in memory)."""
    if fmt == "html":
        from timeline.render.html import html_pieces

        return html_pieces
    if fmt == "csv":
        from timeline.render.tabular import csv_pieces

        return csv_pieces
    if fmt == "ics":
        from timeline.render.ics import ics_pieces

        return ics_pieces
    from timeline.render.timelinejs import timelinejs_pieces

    return timelinejs_pieces


def render(
    timeline: Timeline,
    outdir: Path,
    formats: Sequence[str] | None = None,
    *,
    jobs: int = 1,
    memo: Fragments | None = None,
) -> list[Path]:
    """Write ``formats`` (all of :data:`FORMATS` when None) of ``timeline`` into ``outdir``.

    With ``memo`` (kept by the caller between builds), the formats of :data:`MEMO_FORMATS`
    re-encode only the entries they have not written before (:mod:`timeline.fragments`); the
    files are the same bytes.

    With ``jobs`` > 1 (and where processes can be forked) the images are drawn in a child
    process while this one writes the other formats, and with ``jobs`` > 2 the PNG apart from
    the SVG and PDF: the same files, in less wall-clock time. Raises
    :class:`~timeline.errors.UsageError` for an unknown format, before writing anything.
    Returns the paths written, sorted.
    """
    wanted = list(FORMATS) if formats is None else list(dict.fromkeys(f.strip().lower() for f in formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(
            f"unknown output format{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(FORMATS)}"
        )
    outdir = Path(outdir)
    images = [f for f in IMAGE_FORMATS if f in wanted]
    others = [f for f in FORMATS if f in wanted and f not in IMAGE_FORMATS]
    groups = [images] if images else []
    if jobs > 2 and len(images) > 1:
        groups = [images[:1], images[1:]]  # the PNG alone: it takes as long as SVG and PDF
    if jobs < 2 or not groups or "fork" not in multiprocessing.get_all_start_methods():
        return sorted(_write(timeline, outdir, [*images, *others], memo))
    global _SHARED
    from concurrent.futures import ProcessPoolExecutor

    _SHARED = timeline  # the forked workers inherit it: nothing to pickle
    try:
        with ProcessPoolExecutor(
            max_workers=min(len(groups), jobs - 1), mp_context=multiprocessing.get_context("fork")
        ) as pool:
            futures = [pool.submit(_write_shared, outdir, group) for group in groups]
            written = _write(timeline, outdir, others, memo)
            for future in futures:
                written.extend(future.result()[0])
    finally:
        _SHARED = None
    return sorted(written)


#: The timeline :func:`render` hands to the worker processes it forks.
_SHARED: Timeline | None = None


def start_images(
    timeline: Timeline,
    outdir: Path,
    formats: Sequence[str] | None = None,
    *,
    jobs: int = 2,
    also: Sequence[str] = (),
    memo: Fragments | None = None,
    first: Callable[[], list[Path]] | None = None,
    then: Callable[[], object] | None = None,
    collect: Callable[[object], None] | None = None,
) -> Callable[[], list[Path]] | None:
    """Start drawing the image formats among ``formats`` (all when None) in forked processes,
    as :func:`render` does with ``jobs`` > 1, so that the caller writes other files meanwhile.

    ``also`` names other formats (of :data:`FORMATS`, not images) the last process writes
    after its images, so that the caller's share and the images take about as long; with
    ``memo`` it writes them from the fragments ``memo`` held when the process started, and
    the fragments it makes and uses are merged into ``memo`` when its work is collected.

    With no image among ``formats``, one process writes ``also`` alone (a rebuild whose
    images are current spreads its writers over two cores so).

    ``first``, when given, runs in the last process before its files, and the paths it
    returns are among those written: the caller's own writers moved there (a build's
    ``timeline.json``, written through ``memo`` as ``also`` is, so that both processes take
    about as long). It is never run when this returns None.

    ``then``, when given, runs in the last process after its files (on what it inherited),
    and its value (picklable) is handed to ``collect`` when the work is collected: the caller
    moves work of its own there (a build's stored timeline, encoded while it writes the graph).

    Returns a function that waits for the images (and ``also``) and gives the paths written
    (call it once, also when the caller fails: it stops the processes), or None when nothing
    was started (neither an image nor ``also`` wanted, ``jobs`` < 2 or no fork):
    :func:`render` then draws them itself, and the caller writes ``also``.
    """
    global _SHARED, _SHARED_MEMO, _SHARED_FIRST, _SHARED_THEN
    wanted = list(FORMATS) if formats is None else [f.strip().lower() for f in formats]
    images = [f for f in IMAGE_FORMATS if f in wanted]
    extra = [f for f in FORMATS if f in also and f not in IMAGE_FORMATS]
    if jobs < 2 or not (images or extra) or "fork" not in multiprocessing.get_all_start_methods():
        return None
    from concurrent.futures import ProcessPoolExecutor

    groups = [images[:1], images[1:]] if jobs > 2 and len(images) > 1 else [images]
    groups[-1] = [*groups[-1], *extra]
    _SHARED = timeline  # the forked workers inherit it: nothing to pickle
    _SHARED_MEMO = memo
    _SHARED_FIRST = first
    _SHARED_THEN = then
    pool = ProcessPoolExecutor(
        max_workers=min(len(groups), jobs - 1), mp_context=multiprocessing.get_context("fork")
    )
    try:
        futures = [
            pool.submit(_write_shared, Path(outdir), group, i == len(groups) - 1)
            for i, group in enumerate(groups)
        ]
    except BaseException:
        pool.shutdown(cancel_futures=True)
        _SHARED = _SHARED_MEMO = _SHARED_FIRST = _SHARED_THEN = None
        raise

    def wait() -> list[Path]:
        global _SHARED, _SHARED_MEMO, _SHARED_FIRST, _SHARED_THEN
        try:
            written: list[Path] = []
            for future in futures:
                paths, made, used, hits, located, value = future.result()
                written.extend(paths)
                if memo is not None:
                    memo.merge(made, used, hits, located)
                if value is not None and collect is not None:
                    collect(value)
            return sorted(written)
        finally:
            pool.shutdown(cancel_futures=True)
            _SHARED = _SHARED_MEMO = _SHARED_FIRST = _SHARED_THEN = None

    return wait


#: The fragments memo :func:`start_images` hands to the process it forks.
_SHARED_MEMO: Fragments | None = None
#: What :func:`start_images`'s last process writes before its files (its ``first``).
_SHARED_FIRST: Callable[[], list[Path]] | None = None
#: What :func:`start_images`'s last process runs after its files (its ``then``).
_SHARED_THEN: Callable[[], object] | None = None


def _write_shared(
    outdir: Path, formats: list[str], last: bool = False
) -> tuple[list[Path], dict[str, bytes], set[str], int, dict[str, Any], object]:
    """:func:`_write` in a forked worker, on the timeline (and memo) it inherited, after
    :data:`_SHARED_FIRST` in the ``last`` process; returns the paths written and, with a memo,
    the fragments made (key -> bytes), the keys used, the number of fragments found and where
    the fragments lie in the files written (:attr:`~timeline.fragments.Fragments.located`;
    else empty), and in the ``last`` process the value of :data:`_SHARED_THEN` (else None)."""
    assert _SHARED is not None
    memo = _SHARED_MEMO
    first = _SHARED_FIRST if last else None
    if memo is None:
        paths = [*(first() if first else ()), *_write(_SHARED, outdir, formats)]
        return paths, {}, set(), 0, {}, _SHARED_THEN() if last and _SHARED_THEN else None
    before = memo.hits
    made_before = set(memo.made)
    located_before = set(memo.located)
    paths = [*(first() if first else ()), *_write(_SHARED, outdir, formats, memo)]
    made = {k: memo.store[k] for k in memo.made if k not in made_before}
    located = {k: v for k, v in memo.located.items() if k not in located_before}
    value = _SHARED_THEN() if last and _SHARED_THEN else None
    return paths, made, memo.used, memo.hits - before, located, value


def _write(
    timeline: Timeline, outdir: Path, formats: Sequence[str], memo: Fragments | None = None
) -> list[Path]:
    """Write each of ``formats`` (known ones) into ``outdir``; the images from one figure."""
    written: list[Path] = []
    images: dict[str, bytes] = {}
    for fmt in FORMATS:
        if fmt in formats and memo is not None and fmt in MEMO_FORMATS:
            with paused_gc():
                target = outdir / FILENAMES[fmt]
                written.append(write_atomic_pieces(target, memo.tracked(target, _pieces(fmt)(timeline, memo))))
        elif fmt in formats:
            with paused_gc():
                if fmt in IMAGE_FORMATS:
                    if not images:  # one layout for every image format asked for
                        from timeline.render.image import render_images

                        images = render_images(timeline, [f for f in IMAGE_FORMATS if f in formats])
                    data: str | bytes = images.pop(fmt)
                else:
                    data = _renderer(fmt)(timeline)
            written.append(write_atomic(outdir / FILENAMES[fmt], data))
    return written


#: Most items a plan may draw for :class:`WarmImages` to save the PNG apart from the SVG and
#: PDF, in a copy of its process forked once the figure is laid out (so the copy lays nothing
#: out again): at 10,000 documents (9,427 items) drawing the three took 4.6-4.9 CPU-s in one
#: process and 3.8-4.7 in two (12.4-12.8 s wall against 13.7-13.8 at load 11); a copy forked
#: before the layout, as before, took 5.2. So every plan is split.
SPLIT_ITEMS = 1_000_000


class WarmImages:
    """A process forked before a build's own work, which imports matplotlib and its backends
    (about 1.3 CPU-s) while the build extracts and links, then draws the images of the plan it
    is handed (:meth:`draw`) and writes them while the build writes the rest: the images, the
    longest writer of a rebuild, start at once and warm. Once the figure is laid out, a copy
    of the process (:data:`SPLIT_ITEMS`) saves the PNG while it saves the SVG and PDF. Made
    by :func:`start_warm_images`; call :meth:`stop` in every case
    (it ends a process never asked to draw).

    Until it is handed a plan the process runs only on CPU time nobody else wants (Linux
    ``SCHED_IDLE``, where this process may give it its normal policy back: ``idle``): most
    rebuilds find their images current and end it unused, and its import then took nothing
    from the link, the writers or another program. :meth:`draw` and :meth:`stop` give it the
    normal policy back (an idle process may not get to run, not even to end, while the
    machine is busy)."""

    def __init__(self, process: Any, conn: Any, idle: bool = False) -> None:
        self._process = process
        self._conn = conn
        self.idle = idle  # whether the process runs SCHED_IDLE (until draw or stop)
        self.split = False  # whether the last plan handed over is drawn by two processes

    def _normal(self) -> None:
        """Give the process the normal scheduling policy back (when it was made idle)."""
        if self.idle and self._process is not None:
            self.idle = not _set_policy(self._process.pid, idle=False)

    def draw(self, plan: Plan, outdir: Path, formats: Sequence[str]) -> None:
        """Hand ``plan`` (:func:`~timeline.render.imageplan.plan` of the timeline) to the
        process, which writes ``formats`` (image formats) of it into ``outdir``."""
        images = [f for f in IMAGE_FORMATS if f in formats]
        items = sum(len(drawn) for _, drawn in plan.placed)
        self.split = len(images) > 1 and items <= SPLIT_ITEMS
        self._normal()  # the images are now part of the build's work
        self._conn.send((plan.plain(), Path(outdir), images, self.split))

    def wait(self) -> list[Path]:
        """The paths the process wrote, once it is done (sorted); raises what drawing
        raised."""
        try:
            paths, error = self._conn.recv()
        except EOFError:
            raise RuntimeError("the image process ended without drawing") from None
        finally:
            self.stop()
        if error is not None:
            raise error
        return sorted(paths)

    def stop(self) -> None:
        """End the process (at once when never asked to draw, or when done)."""
        self._normal()  # else it may wait long for a CPU to end on
        process, self._process = self._process, None
        if process is None:
            return
        self._conn.close()
        if process.is_alive():
            process.kill()  # importing or waiting: nothing of it is needed
        process.join()


def start_warm_images(idle: bool = True) -> WarmImages | None:
    """Fork a :class:`WarmImages` process, or None where processes cannot be forked here (or
    by a daemonic process) or a thread runs (a fork copies no thread but the caller's, and a
    lock another thread holds would stay held in the copy). With ``idle`` False it runs as
    any process from the start (the caller knows it will draw: a first build)."""
    import threading

    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
        or multiprocessing.current_process().daemon  # may not start processes
    ):
        return None
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    process = context.Process(
        target=_serve_images, args=(there, here), name="timeline-images", daemon=True
    )
    try:
        process.start()
    except OSError:  # no process to spare: the images are drawn as without it
        here.close()
        there.close()
        return None
    there.close()
    pid = process.pid
    if not (idle and pid is not None and _may_renice() and _set_policy(pid, idle=True)):
        return WarmImages(process, here)
    if not _set_policy(pid, idle=False):
        # idle for good (a user namespace may show the capability without granting it): not
        # a process to wait for
        process.kill()
        process.join(1.0)
        here.close()
        return None
    # the way back works: idle until draw or stop
    return WarmImages(process, here, idle=_set_policy(pid, idle=True))


def _set_policy(pid: int, *, idle: bool) -> bool:
    """Make process ``pid`` run only on otherwise idle CPU (Linux ``SCHED_IDLE``) or give it
    the normal policy back; whether that was done (False where the platform has no such
    policy, the process is gone or this one may not)."""
    import os

    policy = getattr(os, "SCHED_IDLE" if idle else "SCHED_OTHER", None)
    if policy is None or not hasattr(os, "sched_setscheduler"):
        return False
    try:
        os.sched_setscheduler(pid, policy, os.sched_param(0))
    except OSError:
        return False
    return True


def _may_renice() -> bool:
    """Whether this process may give a process of its own that runs ``SCHED_IDLE`` the normal
    policy back (Linux allows it with CAP_SYS_NICE, or a RLIMIT_NICE of at least 20): only then
    is the warm process made idle, since an idle process that may not leave it could wait for
    a CPU for as long as the machine is busy."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NICE)[0]
        if soft == resource.RLIM_INFINITY or soft >= 20:
            return True
    except (ImportError, AttributeError, OSError, ValueError):
        pass
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> 23 & 1)  # CAP_SYS_NICE
    except (OSError, ValueError, IndexError):
        pass
    return False


def _serve_images(conn: Any, other: Any) -> None:
    """A :class:`WarmImages` process: import matplotlib, then draw the one plan asked for."""
    other.close()  # the build's end of the pipe
    try:  # matplotlib and the backends it loads on a figure's first save, while the build works
        from timeline.render.image import warm_up

        warm_up()
    except Exception:  # pragma: no cover - raised again, and sent, when drawing
        pass
    try:
        plain, outdir, formats, split = conn.recv()
    except (EOFError, OSError):
        return
    try:
        conn.send((_draw_plan(plain, outdir, formats, split), None))
    except BaseException as exc:  # sent, raised by the build's wait
        try:
            conn.send(([], exc))
        except Exception:  # not picklable: its text
            conn.send(([], RuntimeError(f"{type(exc).__name__}: {exc}")))


def _draw_plan(
    plain: tuple[Any, ...], outdir: Path, formats: list[str], split: bool
) -> list[Path]:
    """Draw and write ``formats`` of the plan given as :meth:`Plan.plain` data; with ``split``,
    the figure is laid out once, then the first format saved in a forked copy of this process
    (no thread runs here) while this one saves the others. Returns the paths written."""
    import os

    from timeline.render.image import laid_out
    from timeline.render.imageplan import Plan

    def write(save: Callable[[str], bytes], group: list[str]) -> list[Path]:
        return [write_atomic(outdir / FILENAMES[f], save(f)) for f in group]

    with paused_gc(), laid_out(Plan.of_plain(plain), formats) as save:
        if not split or len(formats) < 2:
            return write(save, formats)
        try:
            pid = os.fork()
        except OSError:
            return write(save, formats)
        if pid == 0:  # the copy: saves the first format, and its exit status says how it went
            code = 1
            try:
                write(save, formats[:1])
                code = 0
            finally:
                os._exit(code)
        try:
            written = write(save, formats[1:])
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0:  # raises what the copy met, or saves it here
            return [*write(save, formats[:1]), *written]
        return [outdir / FILENAMES[formats[0]], *written]
