"""The pipeline: load -> temporal -> events -> link -> render.

The cascade for one document (:func:`extract_document`):

1. **load** (``timeline.load``): the file becomes a :class:`~timeline.model.Document` — its
   extracted text (every offset refers to it) and the metadata found in a sidecar
   ``STEM.meta.json``, YAML front matter, HTML meta tags or PDF metadata.
2. **language**: given on the command line, else the sidecar's, else detected from the text.
3. **time expressions** (``timeline.temporal.find``): every time expression with its span and an
   unanchored value.
4. **document date**: given, else the metadata's, else read from the text's header
   ("Bruxelles, le 3 mars 2009") by ``timeline.events.document_date``; never today.
5. **anchoring** (``timeline.temporal.anchor``): relative expressions resolved against it.
6. **events** (``timeline.events.extract_events``): typed, dated events with status, acts,
   procedures, actors and provenance.

For a corpus (:func:`build`): every document is extracted, bad ones reported and skipped, the
events linked across documents into a :class:`~timeline.model.Timeline`
(``timeline.link``) and written out (``timeline.render``), each file atomically.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

from timeline import load as load_stage
from timeline.errors import InputError, TimelineError, UsageError
from timeline.fileio import paused_gc, safe_stem, sweep_temporary_files
from timeline.jsontext import extractions_json
from timeline.model import Document, Extraction, Timeline, Timex

if TYPE_CHECKING:
    from timeline.cache import BuiltRecord, EncodedBuilt, ExtractionCache
    from timeline.fragments import Fragments
    from timeline.link.facts import DocumentFacts
    from timeline.link.shards import DocKeys, JoinState
    from timeline.render import WarmImages
    from timeline.render.imageplan import Plan

#: Seconds one document may take to load and extract before it is reported and skipped.
DEFAULT_TIMEOUT = 120.0
DEFAULT_MAX_BYTES = load_stage.DEFAULT_MAX_BYTES
DEFAULT_MAX_CHARS = load_stage.DEFAULT_MAX_CHARS
#: Address space one document may add to its worker, in bytes (``--max-memory``).
DEFAULT_MAX_MEMORY = 4_000_000_000

#: Metadata date sources that the date printed in the text overrides.
WEAK_DATE_SOURCES = ("pdf-meta",)

#: What ``build`` writes besides the rendered formats: the graph exports and per-document TimeML.
DATA_FORMATS = ("graph", "timeml")

#: The folder ``timeline build`` reads when given no input.
DEFAULT_SOURCES = Path(__file__).resolve().parent.parent / "sources"


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be used, and why (one line)."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What :func:`extract` made of a batch: the extractions in input order, and the failures."""

    extractions: tuple[Extraction, ...]
    failures: tuple[Failure, ...]

    def to_json(self) -> list[dict[str, object]]:
        """The document objects of EVENTS.md, in input order."""
        return [x.to_dict() for x in self.extractions]


class BuildResult:
    """What :func:`build` wrote: the timeline, the documents' extractions (without their
    texts), the failures and the output files.

    A build with its cache does not hold every document's extraction (a rebuild reads back
    only what changed): ``extractions`` then reads them back from the cache file on first
    access (raising :class:`~timeline.errors.TimelineError` when another build changed it
    since). ``documents`` and ``events`` count them without reading them.
    """

    __slots__ = ("_extractions", "_loader", "_sizes", "_timeline", "_timeline_loader",
                 "documents", "events", "failures", "outputs")

    def __init__(
        self,
        timeline: Timeline | None,
        extractions: tuple[Extraction, ...] | None,
        failures: tuple[Failure, ...],
        outputs: tuple[Path, ...],
        *,
        documents: int | None = None,
        events: int | None = None,
        loader: Callable[[], tuple[Extraction, ...]] | None = None,
        timeline_loader: Callable[[], Timeline] | None = None,
        sizes: tuple[int, int, int] | None = None,
    ) -> None:
        if extractions is None and loader is None:
            raise ValueError("a BuildResult needs its extractions or a loader of them")
        if timeline is None and timeline_loader is None:
            raise ValueError("a BuildResult needs its timeline or a loader of it")
        self._timeline = timeline
        self._timeline_loader = timeline_loader
        self._sizes = sizes
        self.failures = failures
        self.outputs = outputs
        self._extractions = extractions
        self._loader = loader
        self.documents: int = len(extractions) if documents is None and extractions is not None else (documents or 0)
        self.events: int = (
            sum(len(x.events) for x in extractions)
            if events is None and extractions is not None
            else (events or 0)
        )

    @property
    def timeline(self) -> Timeline:
        """The linked timeline (a rebuild that wrote nothing reads it back on first access)."""
        if self._timeline is None:
            assert self._timeline_loader is not None
            self._timeline = self._timeline_loader()
        return self._timeline

    @property
    def counts(self) -> tuple[int, int, int]:
        """The timeline's numbers of entries, dossiers and open plans (a rebuild that wrote
        nothing knows them without reading its timeline back)."""
        if self._timeline is None and self._sizes is not None:
            return self._sizes
        tl = self.timeline
        return len(tl.entries), len(tl.dossiers), len(tl.open_plans)

    @property
    def extractions(self) -> tuple[Extraction, ...]:
        """Every document's extraction (without its text), in input order."""
        if self._extractions is None:
            assert self._loader is not None
            self._extractions = self._loader()
        return self._extractions

    def __repr__(self) -> str:
        return (
            f"BuildResult({self.documents} documents, {self.events} events,"
            f" {len(self.timeline.entries)} entries, {len(self.failures)} failures,"
            f" {len(self.outputs)} outputs)"
        )


def _check_date(date: str | None) -> str | None:
    if date is None:
        return None
    import datetime as _dt

    try:
        return _dt.date.fromisoformat(date).isoformat()
    except ValueError:
        raise UsageError(f"--date {date!r} is not a date of the form YYYY-MM-DD") from None


def anchor_document(
    document: Document, *, date: str | None = None, language: str | None = None
) -> tuple[Document, list[Timex]]:
    """Settle a document's language and own date, and find its anchored time expressions.

    Steps 2 to 5 of the cascade: ``date`` and ``language`` override the document's metadata,
    which overrides detection. Returns the document with both fields set, and its timexes.
    """
    from timeline import events as events_stage
    from timeline import temporal

    date = _check_date(date)
    lang = language or document.language or load_stage.detect_language(document.text) or "en"
    found = temporal.find(document.text, lang)
    dct = date or document.date
    if not date and dict(document.provenance).get("date", "").startswith(WEAK_DATE_SOURCES):
        # A PDF's creation stamp is near, not at, the document's date: its text says better.
        dct = events_stage.document_date(document.text, lang, found) or dct
    elif not dct:
        dct = events_stage.document_date(document.text, lang, found)
    timexes = temporal.anchor(found, dct, document.text)
    if lang == document.language and dct == document.date:
        return document, timexes  # what its metadata said (a frozen Document: no copy needed)
    return replace(document, language=lang, date=dct), timexes


def extract_document(
    document: Document, *, date: str | None = None, language: str | None = None
) -> Extraction:
    """Find the events of one loaded document.

    ``date`` and ``language`` override what the document's metadata says and what would be
    detected. Relative expressions are anchored to the document's date, never to today.
    """
    from timeline import events as events_stage

    doc, timexes = anchor_document(document, date=date, language=language)
    events = events_stage.extract_events(doc, timexes)
    return Extraction(document=doc, events=tuple(events), timexes=tuple(timexes))


def tag_path(
    path: str | Path,
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
) -> str:
    """The document at ``path`` as TimeML: its text with TIMEX3 tags, its date as DCT.

    A ``.tml`` input keeps its text unchanged, and its own DCT unless ``date`` is given.
    """
    from timeline.timeml import to_timeml

    document = load_stage.load_document(path, use_sidecar=use_sidecar)
    doc, _ = anchor_document(document, date=date, language=language)
    return to_timeml(doc.text, _timeml_timexes(doc), doc.date)


def _timeml_timexes(doc: Document) -> list[Timex]:
    """The document's timexes as TimeML wants them: a range as its two ends."""
    from timeline import temporal

    return temporal.tag(doc.text, doc.language or "en", doc.date, split_ranges=True)


def extract_path(
    path: str | Path,
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
) -> Extraction:
    """Load one file and find its events (raises :class:`~timeline.errors.InputError`)."""
    document = load_stage.load_document(path, use_sidecar=use_sidecar)
    return extract_document(document, date=date, language=language)


@dataclass(frozen=True, slots=True)
class _Task:
    """One document to extract, as sent to a worker process (picklable)."""

    path: str
    data: bytes | None  # standard input, read by the parent
    date: str | None
    language: str | None
    use_sidecar: bool
    timeout: float | None = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_CHARS
    max_memory: int | None = DEFAULT_MAX_MEMORY
    warm: bool = True  # warm up the process first (see :func:`warm_up`)


_WARM = False


def warm_up() -> None:
    """Load the rules every document needs once per process.

    The language detector is not built here: most documents name their language (a sidecar,
    ``--language``) and building it costs about half a CPU-second per process; a document that
    needs it builds it once, within its time limit (minutes by default).
    """
    global _WARM
    if not _WARM:
        _WARM = True
        from timeline import temporal

        temporal.find("3 March 2009", "en")


#: The document a worker started early builds (:func:`_prewarm`): the text :func:`warm_up`
#: uses, its language told by front matter, as a sidecar tells most documents'. Told only to
#: the extraction (``_Task.language``), the loader would detect it: the language detector
#: built for nothing (0.22 CPU-s, up to 0.7 s wall, the half of a prewarm; it read "fr").
_PREWARM_TEXT = b"---\nlanguage: en\n---\n3 March 2009\n"


def _prewarm() -> None:
    """What a worker started before the build knows its documents loads first
    (:meth:`~timeline.parallel.WorkerPool.prestart`): the build of a short English document
    (:data:`_PREWARM_TEXT`) loads the modules, the link rules of every language and the
    English rules, about all the first document of a rebuild costs."""
    _build_one(_BuildJob(_Task("-", _PREWARM_TEXT, None, "en", False, None), True))


class _TimeLimit(BaseException):
    """Raised by the alarm when a document exceeds its time limit.

    A BaseException, so that no ``except Exception`` on the way (a PDF page reader's, say)
    swallows it.
    """


#: whether an alarm now stops the document: cleared before the timer is, so that an alarm that
#: fires while the outcome is being returned (a race under load) cannot escape ``_run_task``
_ARMED = False


def _on_alarm(signum: int, frame: object) -> None:
    if _ARMED:
        raise _TimeLimit


def _timed_out(task: _Task) -> Failure:
    return Failure(
        task.path,
        f"gave up after {task.timeout:g} s (the per-document time limit; raise it with --timeout)",
    )


#: (process id, descriptor) of this process's ``/proc/self/statm``, kept open: each document
#: then costs one ``pread`` instead of an open, a text read and a close (about 0.2 ms a
#: document, 5 % of extracting the 1,000-document corpus). ``/proc/self`` is resolved when
#: opened, so a forked worker opens its own instead of reading its parent's (the inherited
#: descriptor is left open: closing a number that something else may have reused is worse).
_STATM: tuple[int, int] | None = None


def _address_space() -> int | None:
    """The virtual memory this process maps now, in bytes (Linux), or None when unknown."""
    import os

    global _STATM
    try:
        pid = os.getpid()
        if _STATM is None or _STATM[0] != pid:
            _STATM = (pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
        pages = int(os.pread(_STATM[1], 64, 0).split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _limit_memory(extra: int | None) -> tuple[int, int] | None:
    """Cap this process's address space at what it maps now plus ``extra`` bytes.

    Returns the previous (soft, hard) limits to restore, or None when no limit was set (no
    ``extra``, not Linux, or the system refuses). The cap is measured from the current use, so
    the rules and models a worker loaded before the document do not count against it.
    """
    if not extra:
        return None
    import resource

    used = _address_space()
    if used is None:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        return None  # a tighter limit is already in force
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return soft, hard


def _run_task(task: _Task) -> Extraction | Failure:
    """Load and extract one document; a bad input or a bug becomes a Failure, never a raise.

    In a main thread (serial runs and pool workers) the document gets ``task.timeout`` seconds
    of wall-clock time, enforced by an alarm signal, and ``task.max_memory`` bytes of address
    space on top of what the process held before it (``RLIMIT_AS``), so one pathological
    document cannot stall or swamp a batch. Threads (a Dask worker's) share their process:
    there neither limit applies.
    """
    import signal
    import threading

    global _ARMED
    if task.warm:
        warm_up()  # loading models and rules once per process is not the document's time
    main_thread = threading.current_thread() is threading.main_thread()
    alarm = bool(task.timeout) and main_thread
    previous = None
    restore = _limit_memory(task.max_memory) if main_thread else None
    if alarm:
        previous = signal.getsignal(signal.SIGALRM)
        if previous is not _on_alarm:  # else installed for the whole batch (_alarm_handler)
            signal.signal(signal.SIGALRM, _on_alarm)
        _ARMED = True
        # repeated every 0.1 s until cancelled: an alarm that lands in a weakref or GC callback
        # is swallowed there ("Exception ignored in ..."), and the next one stops the document
        signal.setitimer(signal.ITIMER_REAL, float(task.timeout or 0), 0.1)
    try:
        outcome = _attempt(task)
        _ARMED = False
    except _TimeLimit:  # the alarm landed after the document, while its outcome was made
        _ARMED = False  # first: a signal handler runs only at calls and backward jumps
        outcome = _timed_out(task)
    finally:
        _ARMED = False
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if previous is not _on_alarm:
                signal.signal(signal.SIGALRM, previous)
        if restore is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, restore)
    return outcome


@contextlib.contextmanager
def _alarm_handler() -> Iterator[None]:
    """:func:`_on_alarm` installed for a batch run in this process's main thread, so that
    :func:`_run_task` does not install and restore it around each document (two system calls
    and their enum conversions, about 20 microseconds a document); restored after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, previous)


def _run_task_collected(task: _Task) -> Extraction | Failure:
    """:func:`_run_task`, then the young generations collected: a serial run pauses the
    cyclic collector (its full collections walk every extraction kept so far: 1 of 43 CPU-s
    at 10,000 documents), so what a document leaves in cycles (a PDF reader's objects) is
    collected here, after each document, walking only what is new since the last."""
    import gc

    outcome = _run_task(task)
    gc.collect(1)
    return outcome


def _attempt(task: _Task) -> Extraction | Failure:
    """:func:`_run_task`'s work, under its limits: the document's extraction or its failure."""
    try:
        if task.data is not None:
            document = load_stage.load_bytes(task.data, path=task.path, max_bytes=task.max_bytes)
        else:
            document = load_stage.load_document(
                task.path, use_sidecar=task.use_sidecar, max_bytes=task.max_bytes,
                max_chars=task.max_chars,
            )
        return extract_document(document, date=task.date, language=task.language)
    except _TimeLimit:
        return _timed_out(task)
    except MemoryError:
        limit = f"{task.max_memory / 1e6:g} MB" if task.max_memory else "the machine's"
        return Failure(
            task.path,
            f"over the memory limit ({limit} per document; raise it with --max-memory)",
        )
    except InputError as exc:
        return Failure(exc.path, exc.problem)
    except TimelineError as exc:
        return Failure(task.path, str(exc))
    except Exception as exc:  # a bug on one document must not sink the batch
        return Failure(task.path, f"internal error ({type(exc).__name__}: {exc})")


def _cache_key(task: _Task) -> str | None:
    """The cache key of a task: its bytes, its sidecar's, its options and the engine.

    None when the file cannot be judged here (missing, not a plain file, over ``max_bytes``,
    growing while read): the worker then reports the problem. Plain ``os`` calls, one ``fstat``
    per file: a rebuild computes this for every document of the corpus.
    """
    import os

    from timeline.cache import cache_key

    content: bytes | None = task.data
    sidecar: bytes | None = None
    if content is None:
        try:
            content = _read_plain_file(task.path, task.max_bytes)
            if content is None:
                return None
            if task.use_sidecar:
                folder, name = os.path.split(task.path)
                side = os.path.join(folder, name.rsplit(".", 1)[0] + ".meta.json")
                try:
                    sidecar = _read_plain_file(side, None)
                except FileNotFoundError:
                    pass
                if sidecar is not None:
                    sidecar = sidecar[:1_000_000]
        except OSError:
            return None  # the worker reports the problem
    options = {"path": task.path, "date": task.date, "language": task.language,
               "sidecar": task.use_sidecar, "max_bytes": task.max_bytes,
               "max_chars": task.max_chars}
    return cache_key(content, sidecar, options)


def _read_plain_file(path: str, limit: int | None) -> bytes | None:
    """The bytes of a plain file, or None when it is something else (a folder, a pipe) or
    over ``limit`` bytes, before or while it is read."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a pipe must not block
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        size = info.st_size
        parts = [os.read(fd, size + 1)]  # reading more than st_size shows a growing file
        got = len(parts[0])
        while got <= size and parts[-1]:
            parts.append(os.read(fd, size + 1 - got))
            got += len(parts[-1])
        if got > size:
            return None  # growing while we look: let the worker judge it
        return b"".join(parts)
    finally:
        os.close(fd)


def extract(
    inputs: Sequence[str | Path],
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    jobs: int = 1,
    cache: ExtractionCache | None = None,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
) -> ExtractResult:
    """Extract the events of every input file or folder, in input order.

    A file that cannot be read is recorded in ``failures`` and skipped; the others are still
    processed. ``jobs`` > 1 runs extraction on that many processes, ``dask_address`` on a Dask
    cluster; either way the result equals a serial run. With a ``cache``, documents whose bytes,
    options and engine version were seen before are not extracted again.
    ``progress(done, total)`` is called as documents are extracted. A document over
    ``max_bytes``, whose text is over ``max_chars``, taking more than ``timeout`` seconds or
    more than ``max_memory`` bytes of memory (on top of what its worker held before it) is
    reported and skipped. Raises
    :class:`~timeline.errors.UsageError` for a malformed ``date``.
    """
    from timeline.parallel import MIN_TASKS_FOR_POOL, run_tasks

    date = _check_date(date)
    slots: list[Extraction | Failure | None] = []
    pending: list[tuple[int, _Task, str | None]] = []
    for item in load_stage.iter_inputs(
        [str(i) for i in inputs], include=include, exclude=exclude, follow_symlinks=follow_symlinks
    ):
        if isinstance(item, InputError):
            slots.append(Failure(item.path, item.problem))
            continue
        data = None
        if str(item) == "-":
            import sys

            data = sys.stdin.buffer.read()
        task = _Task(
            str(item), data, date, language, use_sidecar, timeout, max_bytes, max_chars,
            max_memory,
        )
        key = _cache_key(task) if cache is not None else None
        hit = cache.get(key) if cache is not None and key is not None else None
        slots.append(hit)
        if hit is None:
            pending.append((len(slots) - 1, task, key))
    tasks = [t for _, t, _ in pending]
    if len(tasks) < MIN_TASKS_FOR_POOL:
        # a handful of documents (one file): no warming up for a language they may not use
        # (English's rules for a French file, about 0.05 CPU-s); the rules load on first use
        tasks = [replace(t, warm=False) for t in tasks]
    here = not dask_address and (jobs <= 1 or len(tasks) < MIN_TASKS_FOR_POOL)
    with paused_gc() if here else contextlib.nullcontext(), (
        _alarm_handler() if here else contextlib.nullcontext()
    ):
        results = run_tasks(
            _run_task_collected if here else _run_task, tasks, jobs=jobs,
            dask_address=dask_address, progress=progress,
        )
    for (index, _, key), result in zip(pending, results, strict=True):
        slots[index] = result
        if cache is not None and key is not None and isinstance(result, Extraction):
            cache.put(key, result)
    extractions = tuple(s for s in slots if isinstance(s, Extraction))
    failures = tuple(s for s in slots if isinstance(s, Failure))
    return ExtractResult(extractions, failures)


_P = ParamSpec("_P")


def _rebuilding_damaged_cache(run: Callable[_P, BuildResult]) -> Callable[_P, BuildResult]:
    """:func:`build`, run again once without its cache file when SQLite finds that file
    damaged on a read (the build opens it without a whole-file check): a damaged cache is
    rebuilt, never trusted, and costs a cold build only when it is damaged."""
    import inspect

    signature = inspect.signature(run)

    @wraps(run)
    def rebuilding(*args: _P.args, **kwargs: _P.kwargs) -> BuildResult:
        from timeline.cache import FILENAME, is_damage

        try:
            return run(*args, **kwargs)
        except Exception as exc:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            if not is_damage(exc) or not bound.arguments["use_cache"]:
                raise
            Path(bound.arguments["outdir"], FILENAME).unlink(missing_ok=True)
        return run(*args, **kwargs)

    return rebuilding


@_rebuilding_damaged_cache
def build(
    inputs: Sequence[str | Path] | None = None,
    outdir: str | Path = "output",
    *,
    formats: Sequence[str] | None = None,
    act: str | None = None,
    procedure: str | None = None,
    dossier: str | None = None,
    date: str | None = None,
    language: str | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    follow_symlinks: bool = False,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
) -> BuildResult:
    """Extract, link and render a corpus (the bundled ``sources/`` when ``inputs`` is empty).

    Writes ``events.json`` (the extract output), ``timeline.json``, ``graph.graphml``,
    ``graph.json`` and the rendered formats (all by default) into ``outdir``, each atomically.
    Extractions are cached in ``outdir/.timeline-cache.sqlite`` unless ``use_cache`` is False,
    so a rebuild after adding one document extracts only that one. Raises
    :class:`NothingUsableError` when no input gives a usable document.
    """
    from timeline import link, render
    from timeline.cache import FILENAME, ExtractionCache

    wanted = None if formats is None else [f.strip().lower() for f in formats]
    known = (*render.FORMATS, *DATA_FORMATS)
    unknown = [f for f in wanted or () if f not in known]
    if unknown:
        raise UsageError(
            f"unknown output format(s) {', '.join(map(repr, unknown))}; choose from"
            f" {', '.join(known)}"
        )
    sources = list(inputs) if inputs else [DEFAULT_SOURCES]
    # The bundled folder documents itself in a README that is not one of its documents.
    exclude = () if inputs else ("README.md",)
    out = Path(outdir)
    sweep_temporary_files(out)
    want_timeml = wanted is None or "timeml" in wanted
    fresh = use_cache and not (out / FILENAME).exists()
    warm: WarmImages | None = None  # the images' process, once the build will draw
    warm_drawing = False
    # unchecked: a damaged page raises on read, and the build starts again without the file
    cache = ExtractionCache(out / FILENAME, check=False) if use_cache else None
    if cache is not None and cache.rebuilt is not None:
        fresh = True  # a damaged or foreign file was replaced by an empty one
    events_json = _StreamedFile(out / "events.json")
    found_current: list[tuple[Callable[[], Timeline], int, tuple[int, int, int]]] = []

    def settled(probe: _Corpus) -> bool:
        """Whether every output made of ``probe`` (a rebuild's documents, all as they were)
        is current, and its TimeML files those the last complete build left."""
        assert cache is not None
        outputs = _Outputs(cache, out, probe, wanted, (act, procedure, dossier), fresh)
        current = outputs.current()
        if current is None or cache.memo.get(SETTLED_KEY) != _settled_mark(outputs, probe):
            return False
        found_current.append(current)
        return True

    try:
        try:
            corpus = _extract_streaming(
                sources, out / "timeml" if want_timeml else None, cache=cache,
                events_json=events_json, date=date, language=language, exclude=exclude,
                jobs=jobs, dask_address=dask_address, progress=progress, timeout=timeout,
                max_bytes=max_bytes, max_chars=max_chars, follow_symlinks=follow_symlinks,
                max_memory=max_memory, keep=cache is None, fresh=fresh,
                settled=settled if cache is not None and not fresh else None,
            )
            if cache is not None:
                cache.flush()  # what was extracted is kept, whatever happens next
            if not corpus.keys:
                raise NothingUsableError(corpus.failures)
            outputs = _Outputs(cache, out, corpus, wanted, (act, procedure, dossier), fresh)
            current = found_current[0] if found_current else outputs.current()
            if current is not None:  # every output is what this build would write: kept
                events_json.discard()
                if cache is not None and not found_current:  # checked one by one: settled
                    cache.memo[SETTLED_KEY] = _settled_mark(outputs, corpus)
                stored, count, sizes = current
                return BuildResult(
                    None,
                    None,
                    corpus.failures,
                    _sorted_paths({*outputs.paths, *corpus.timeml}),
                    documents=len(corpus.keys),
                    events=count,
                    loader=partial(_read_back, out / FILENAME, corpus),
                    timeline_loader=stored,
                    sizes=sizes,
                )
            if jobs > 1 and (wanted is None or any(f in render.IMAGE_FORMATS for f in wanted)):
                # forked now (no worker nor thread runs): it imports matplotlib while this
                # process links, not while the workers extract (nor at all when every output
                # is current), on CPU time nobody else wants until it is handed a plan (most
                # rebuilds find the images current and end it unused: WarmImages)
                # (idle only where the images may be current: not in a first build, whose
                # large links keep both cores busy)
                warm = render.start_warm_images(
                    idle=cache is not None and not fresh and all(
                        (out / render.FILENAMES[f]).exists() for f in render.IMAGE_FORMATS
                    )
                )
            linked = _link_corpus(corpus, cache, jobs)
            if cache is not None:
                # the linked parts (pickled, about a tenth of a KB per event) stored now, not
                # held among the pending rows while the outputs are written
                cache.flush()
            timeline = linked.timeline
            if act or procedure or dossier:
                timeline = link.select(timeline, act=act, procedure=procedure, dossier=dossier)
            written: list[Path] = [events_json.commit()]
            render_formats = (
                None if wanted is None else [f for f in wanted if f in render.FORMATS]
            )
            pictures = _CurrentImages(cache, out, timeline, render_formats)
            render_formats = pictures.to_draw
            written.extend(pictures.kept)
            if warm is not None:  # the images first: drawn by the warm process at once
                render_formats, warm_drawing = _draw_warm(
                    warm, pictures, timeline, out, render_formats
                )
            memo = _PersistedFragments(cache, remember=linked.events <= HOLD_FRAGMENTS)
            if linked.events > HOLD_FRAGMENTS:
                # a large corpus: what linking freed goes back to the system before the
                # writers are forked (each forked process's resident size starts at this one's)
                _trim_heap()
            # the images (the longest writer) drawn in forked processes while this one
            # writes the rest
            images = None
            encoded: list[object] = []  # the stored timeline, when the other process made it
            beside: tuple[str, ...] = ()
            if render_formats is None or render_formats:
                drawn = [
                    f for f in (render_formats or render.FORMATS) if f in render.IMAGE_FORMATS
                ]
                beside = BESIDE_IMAGES if drawn else BESIDE_NO_IMAGES
                if memo.fragments is not None and memo.fragments.remember and jobs > 1:
                    # each entry's digest made once, before the fork: both processes' writers
                    # ask for every one (12,000 entries: about 0.1 CPU-s each time)
                    for entry in timeline.entries:
                        memo.fragments.entry_key(entry)
                with paused_gc():  # the forked processes inherit it paused, as in render
                    images = render.start_images(
                        timeline, out, render_formats, jobs=jobs, memo=memo.fragments,
                        also=[f for f in beside if f in (render_formats or render.FORMATS)],
                        # timeline.json there too (0.2-0.3 CPU-s at 10,000 documents): this
                        # process makes and writes the graph, the longer share
                        first=partial(_write_timeline_json, timeline, out, memo),
                        # the stored timeline encoded there too (0.25-0.4 CPU-s at 10,000
                        # documents), while this process writes the graph
                        then=outputs.encoder(timeline, linked.events),
                        collect=encoded.append,
                    )
            if images is not None:
                render_formats = [
                    f for f in (render_formats or render.FORMATS)
                    if f not in render.IMAGE_FORMATS and f not in beside
                ]
            try:
                _write_rest(
                    timeline, linked, out, wanted, render_formats, jobs, memo, written,
                    timeline_json=images is None,
                )
                # what the writers made and keep (about 150,000 tuples, lists and dicts at
                # 10,000 documents) walked by no collection of the build's end: the first
                # ones after the writers' pause took about 0.1 CPU-s
                _settle_gc()
                if images is None:
                    outputs.keep(timeline, linked.events)
                if images is not None and cache is not None:
                    # this process's fragments stored while the images are still drawn
                    memo.save(final=False)
                    cache.flush()
            finally:
                try:
                    if images is not None:
                        written.extend(images())
                finally:
                    if warm_drawing:
                        assert warm is not None
                        written.extend(warm.wait())
            if images is not None:
                outputs.keep_encoded(encoded, timeline, linked.events)
            pictures.record(written)
            memo.save()
            outputs.record(written)
            if cache is not None:  # what a rebuild finding all as it was checks (settled)
                cache.memo[SETTLED_KEY] = _settled_mark(outputs, corpus)
        finally:
            if cache is not None:
                cache.close()
    finally:
        events_json.discard()
        if warm is not None:
            warm.stop()
    written.extend(corpus.timeml)
    return BuildResult(
        timeline,
        linked.held,
        corpus.failures,
        _sorted_paths(set(written)),
        documents=len(corpus.keys),
        events=linked.events,
        loader=None if linked.held is not None else partial(_read_back, out / FILENAME, corpus),
    )


def _draw_warm(
    warm: WarmImages,
    pictures: _CurrentImages,
    timeline: Timeline,
    out: Path,
    render_formats: list[str] | None,
) -> tuple[list[str] | None, bool]:
    """Hand the images among ``render_formats`` (None: all) to the warm process; returns the
    formats left to write and whether it draws (when it has nothing to draw it is stopped)."""
    from timeline import render
    from timeline.render.imageplan import plan

    asked = render_formats if render_formats is not None else list(render.FORMATS)
    drawn = [f for f in asked if f in render.IMAGE_FORMATS]
    if not drawn:
        warm.stop()
        return render_formats, False
    warm.draw(pictures.plan or plan(timeline), out, drawn)
    return [f for f in asked if f not in render.IMAGE_FORMATS], True


def _sorted_paths(paths: Iterable[Path]) -> tuple[Path, ...]:
    """``tuple(sorted(paths))`` by each path's parts, without ``PurePath.__lt__`` (about a
    second of comparisons for the 10,000 TimeML files of a corpus)."""
    return tuple(sorted(paths, key=lambda p: p.parts))


@dataclass(frozen=True, slots=True)
class _Linked:
    """The corpus linked, and what the graph needs of its documents: ``extractions`` and
    ``facts`` are every document's in full (the plain path) or slim ones (each document
    without events, and facts holding only the procedures its head names: all the graph reads
    besides the timeline). ``held`` is every extraction when they were all read, else None."""

    timeline: Timeline
    extractions: Sequence[Extraction]
    facts: dict[str, DocumentFacts]
    held: tuple[Extraction, ...] | None
    events: int


def _link_corpus(corpus: _Corpus, cache: ExtractionCache | None, jobs: int = 1) -> _Linked:
    """Link the corpus: with a cache, shard by shard (:func:`~timeline.link.shards.
    link_sharded`), reading back only the records of shards whose documents changed and
    taking the others' linked parts from the cache's memo; without, all in memory. With
    ``jobs`` > 1 a large link is shared with a forked process (``link_sharded``'s ``jobs``)."""
    from timeline import link
    from timeline.link import linker
    from timeline.link.facts import DocumentFacts
    from timeline.link.shards import PART_PREFIX, doc_keys, link_sharded

    paths = [p for p, _ in corpus.keys]
    if cache is None or len(set(paths)) != len(paths) or len(corpus.slims) != len(paths):
        with paused_gc():
            extractions, facts = corpus.load(cache)
            timeline = link.link(extractions, facts)
        held = tuple(extractions)
        return _Linked(timeline, held, facts, held, sum(len(x.events) for x in held))
    slims: dict[str, _Slim] = {}
    unread: list[str] = []
    for path, data in zip(paths, corpus.slims, strict=True):
        known = corpus.read_slims.get(path)
        if known is not None:
            slims[path] = known
            continue
        try:
            slims[path] = _slim_of(data)
        except ValueError:
            unread.append(path)
    if unread:  # no sound slim row (damaged, or made by an older build): from the record
        xs, fs = corpus.load(cache, unread)
        for x in xs:
            f = fs[x.document.path]
            slims[x.document.path] = _Slim(doc_keys(x, f), f.head_procedures, len(x.events))
    versions = dict(zip(paths, corpus.versions, strict=True))
    memo = _LinkMemo(cache)
    everything: dict[str, Extraction] = {}
    every_fact: dict[str, DocumentFacts] = {}
    few = sum(s.events for s in slims.values()) <= linker.HOLD_EVENTS
    if not few:
        # a corpus of more events is linked in this process alone: the shards a forked
        # process links are read whole before it starts (link_sharded's jobs), which would
        # hold about half of the records at once
        jobs = 1
    if not any(k.startswith(PART_PREFIX) for k in memo) and few:
        # nothing linked before (a first build): every shard is linked, and one bulk read
        # of every record costs half of one read per shard (a corpus of more events is read
        # a group at a time, see linker.link_part_streamed)
        xs, every_fact = corpus.load(cache)
        everything = {x.document.path: x for x in xs}
        del xs

    def load(group: list[str]) -> tuple[list[Extraction], dict[str, DocumentFacts]]:
        if everything and all(p in everything for p in group):
            return [everything.pop(p) for p in group], {p: every_fact.pop(p) for p in group}
        return corpus.load(cache, group)

    # the graph reads each document's metadata (the timeline's documents: every document's)
    # and the procedures its head names
    facts = {
        p: DocumentFacts(p, (), (), (), (), slims[p].heads, ()) for p in paths
    }
    events = sum(s.events for s in slims.values())
    handed = _HandedKeys({p: slims[p].keys for p in paths})
    # the shard keys (about 0.4 MB per MB of long documents' text) are held only by
    # ``handed`` from now on, which lets each go once the partition has read it
    slims.clear()
    corpus.read_slims.clear()
    if not few:  # the records a cold extraction decoded and freed: back to the system
        _trim_heap()
    with paused_gc():
        timeline = link_sharded(
            handed, load, memo=memo, versions=versions, jobs=jobs,
            state=corpus.joins if not any(k.startswith(PART_PREFIX) for k in memo) else None,
        )
        extractions = [Extraction(d, (), ()) for d in timeline.documents]
        _settle_gc()
    return _Linked(timeline, extractions, facts, None, events)


def _trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; nothing
    where there is none): a large build frees hundreds of megabytes of records and rows
    that the allocator would otherwise keep resident (10 MB of long documents: 72 -> 49 MB
    after the extraction, in 7 ms)."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


class _HandedKeys(Mapping[str, "DocKeys"]):
    """The documents' shard keys handed to :func:`~timeline.link.shards.link_sharded`, which
    reads them once, through :meth:`values` (its partition): each is let go as it is given,
    so that none is held while the shards are linked (a large shard's link is the build's
    peak of memory). Read twice, the second reading finds none."""

    def __init__(self, keys: dict[str, DocKeys]) -> None:
        self._keys = keys

    def __getitem__(self, path: str) -> DocKeys:
        return self._keys[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def values(self) -> Iterator[DocKeys]:  # type: ignore[override]  # read once, let go
        keys, self._keys = self._keys, {}
        while keys:
            yield keys.popitem()[1]


def _settle_gc() -> None:
    """Move every object the collector tracks out of its generations (:func:`gc.freeze`), so
    that turning it on again walks none of what linking made and keeps.

    The collector is paused while linking (:func:`~timeline.fileio.paused_gc`); every object
    made meanwhile that lives on (the timeline, the slim rows, the decoded parts: millions at
    10,000 documents) is then young, and the first collections after the pause walked them
    all three times over (young, middle, then the full one they trigger): about 0.3-0.5 CPU-s
    of a one-added rebuild at 10,000 documents, for next to no garbage: reference counting
    frees what linking lets go, and a collection after it finds about 500 unreachable objects
    (closures of nested functions), which the freeze keeps. Frozen objects are still freed by
    reference counting; forked writers inherit them frozen (their pages stay shared).
    """
    import gc

    gc.freeze()


class _LinkMemo(MutableMapping[str, bytes]):
    """The part of the cache's memo a sharded link uses (its keys start with ``link-``), read
    in one go; changes go to the cache's memo. Iterating sees only these keys, not the
    writers' fragments."""

    PREFIX = "link-"

    def __init__(self, cache: ExtractionCache) -> None:
        self._memo = cache.memo
        self._data = self._memo.items_under(self.PREFIX)

    def __getitem__(self, key: str) -> bytes:
        return self._data[key]

    def __setitem__(self, key: str, value: bytes) -> None:
        if not key.startswith(self.PREFIX):
            raise KeyError(key)
        self._data[key] = value
        self._memo[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._memo.drop([key])

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


def _read_back(path: Path, corpus: _Corpus) -> tuple[Extraction, ...]:
    """Every document's extraction read back from the cache file at ``path`` (what
    :attr:`BuildResult.extractions` reads after a cached build)."""
    from timeline.cache import ExtractionCache

    with ExtractionCache(path) as cache:
        if cache.rebuilt:
            raise TimelineError(f"{path}: the cache was replaced since the build ({cache.rebuilt})")
        extractions, _ = corpus.load(cache)
    return tuple(extractions)


#: The formats the process drawing the images writes after them (when the images are drawn in
#: a process of their own): with them it takes about as long as this process takes for
#: ``timeline.json``, the graph, the page and the CSV (10,000 documents: about 9 CPU-s each).
BESIDE_IMAGES = ("ics", "timelinejs", "summary")
#: What another process writes when no image is drawn (a rebuild whose images are current),
#: while this one writes ``timeline.json`` and the graph (10,000 documents: about 2.5 and
#: 3.5 CPU-s).
BESIDE_NO_IMAGES = ("html", "csv", "ics", "timelinejs", "summary")

#: The cache memo's keys of where the writers' fragments lie start with this: one row per
#: output file written from fragments (``fragments-in/NAME``), giving the file's stat
#: signature and size and each fragment's key, offset and length in it. A rebuild reads the
#: fragments back from the files the last build wrote (one read of each file, its signature
#: unchanged) instead of a store of their own: session 8 kept 141 MB of fragments in the
#: cache besides the 160 MB of outputs at 10,000 documents, and reading them took 0.7-1.0
#: CPU-s, writing them back 0.3.
FRAGMENTS_PREFIX = "fragments-in/"
#: Where older builds kept the fragments themselves (deleted when found): session 4's one row
#: per fragment, sessions 5-8's buckets of fragments.
_OLD_FRAGMENTS_PREFIXES = ("fragment:", "fragments/")
#: Bump when what :meth:`_PersistedFragments.save` writes changes.
FRAGMENTS_VERSION = 1
#: Whether a cached build keeps the writers' fragments in its cache.
PERSIST_FRAGMENTS = True
#: Above this many events a build neither holds nor keeps the writers' fragments (about 5 KB
#: per event, the size of the outputs): a rebuild of such a corpus writes every entry again.
HOLD_FRAGMENTS = 50_000


class _PersistedFragments:
    """The writers' :class:`~timeline.fragments.Fragments`, its store read back from the
    output files the last build wrote, where the cache's memo says each fragment lies
    (:data:`FRAGMENTS_PREFIX`); :meth:`save` records where this build's writers put them. A
    file whose signature or size is not the one recorded, or a row damaged or foreign, gives
    no fragment (they are made again). Without a cache, none (a memo that lives one build
    only costs its digests).

    Without ``remember`` (a corpus of more than :data:`HOLD_FRAGMENTS` events) the writers get
    a memo that keeps nothing (``Fragments(remember=False)``: they still stream their files),
    and what an earlier build recorded is dropped."""

    def __init__(self, cache: ExtractionCache | None, remember: bool = True) -> None:
        from timeline.fragments import Fragments

        self.cache = cache
        self.fragments: Fragments | None = None
        self.saved: set[str] = set()  # the files whose fragments' places are stored
        if cache is None or not PERSIST_FRAGMENTS:
            return
        for prefix in _OLD_FRAGMENTS_PREFIXES:  # an older build's (an index range: cheap)
            cache.memo.drop_under(prefix)
        if not remember:
            cache.memo.drop_under(FRAGMENTS_PREFIX)
            self.fragments = Fragments(remember=False)
            return
        store: dict[str, bytes] = {}
        self.fragments = Fragments(store)
        self.fragments.locate = True
        # each file's fragments read when a writer first asks for them, by the process that
        # writes it (a forked writer reads its files' while this one reads its own; a file
        # not written is not read): about 200,000 fragments at 10,000 documents
        out = cache.path.parent
        for key, data in sorted(cache.memo.items_under(FRAGMENTS_PREFIX).items()):
            name = key[len(FRAGMENTS_PREFIX) :]
            self.fragments.sources[name] = partial(_fragments_in, out, name, data, store)

    def save(self, final: bool = True) -> None:
        """Record in the cache where the fragments lie in each file written through the memo
        since the last save (``final``: every writer done; before, the files this process
        wrote while another still writes)."""
        if self.cache is None or self.fragments is None or not self.fragments.remember:
            return
        import pickle
        from array import array

        out = self.cache.path.parent
        for name, (keys, offsets, lengths, size) in sorted(self.fragments.located.items()):
            if name in self.saved:
                continue
            self.saved.add(name)
            row = FRAGMENTS_PREFIX + name
            signature = _plain_signature(out / name)
            if signature is None or not signature.startswith(f"{size}:") or any(
                "\x00" in k for k in keys
            ):
                self.cache.memo.drop([row])
                continue
            self.cache.memo[row] = pickle.dumps(
                (
                    FRAGMENTS_VERSION, signature, size, "\x00".join(keys),
                    array("q", offsets).tobytes(), array("q", lengths).tobytes(),
                ),
                protocol=pickle.HIGHEST_PROTOCOL,
            )


def _fragments_in(out: Path, name: str, data: bytes, store: dict[str, bytes]) -> bool:
    """Add to ``store`` the fragments the row ``data`` (see :meth:`_PersistedFragments.save`)
    places in the output file ``name`` of ``out``, cut from the file's bytes read once;
    False (nothing added) when the row is not sound or the file not the one it was recorded
    of (another signature or size, not a plain file): its fragments are made again, and the
    row replaced when the file is written."""
    import os
    from array import array
    from operator import add

    from timeline.link.shards import plain_loads

    if not name or name in (".", "..") or "/" in name or "\x00" in name:
        return False
    try:
        version, signature, size, keys, offsets, lengths = plain_loads(data)
        if (
            version != FRAGMENTS_VERSION or type(signature) is not str or type(size) is not int
            or type(keys) is not str or type(offsets) is not bytes or type(lengths) is not bytes
        ):
            return False
        starts, sizes = array("q"), array("q")
        starts.frombytes(offsets)
        sizes.frombytes(lengths)
    except Exception:  # damaged or foreign
        return False
    names = keys.split("\x00") if keys else []
    if not (len(names) == len(starts) == len(sizes)):
        return False
    if names and (min(starts) < 0 or min(sizes) < 0 or max(map(add, starts, sizes)) > size):
        return False
    try:
        fd = os.open(out / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if _signature(info) != signature or info.st_size != size:
            return False
        with os.fdopen(os.dup(fd), "rb") as handle:
            content = handle.read(size + 1)
    except OSError:
        return False
    finally:
        os.close(fd)
    if len(content) != size:
        return False
    # copies (bytes, which the collector does not track), not views of the content
    with paused_gc():
        store.update(
            zip(names, map(content.__getitem__, map(slice, starts, map(add, starts, sizes))), strict=True)
        )
    return True


class _Outputs:
    """Whether a cached build's outputs are all current, and what makes them so.

    Every output (``events.json``, ``timeline.json``, the graph exports and the rendered
    formats) is made of the documents (their paths in input order and what each one is: its
    cache key, which covers its bytes, its sidecar, the options and the engine), the
    selection (``--act``, ``--procedure``, ``--dossier``), the formats asked for, the engine
    version and ``SOURCE_DATE_EPOCH`` (the calendar's stamp): :attr:`digest` hashes them all.
    A build records each output's stat signature with that digest (in the cache's ``written``
    table, under ``output:NAME``) and keeps its timeline in the memo (``build:timeline``).
    :meth:`current` gives that timeline back when every output this build would write still
    has its recorded signature and digest: the build then links and writes nothing.
    """

    PREFIX = "output:"
    KEY = "build:timeline"
    #: What a rebuild finding every output current reads instead of the whole stored
    #: timeline (7 MB at 10,000 documents: 0.2-0.3 CPU-s to read): its digest, number of
    #: events, numbers of entries, dossiers and open plans, and the stored row's length and
    #: CRC-32 (the head of that row, and of no other).
    HEAD_KEY = "build:timeline-head"

    def __init__(
        self,
        cache: ExtractionCache | None,
        out: Path,
        corpus: _Corpus,
        wanted: list[str] | None,
        selection: tuple[str | None, ...],
        fresh: bool,
    ) -> None:
        import hashlib
        import os

        from timeline import render
        from timeline.cache import engine_version

        self.cache = cache
        self.store = cache.path if cache is not None else out
        self.fresh = fresh
        names = ["events.json", "timeline.json"]
        if wanted is None or "graph" in wanted:
            names += ["graph.graphml", "graph.json"]
        names += [
            render.FILENAMES[f] for f in render.FORMATS if wanted is None or f in wanted
        ]
        self.paths = [out / n for n in names]
        self.digest = ""
        if cache is None:
            return
        digest = hashlib.sha256()
        head = (
            engine_version(), selection, sorted(names), os.environ.get("SOURCE_DATE_EPOCH"),
            len(corpus.keys),
        )
        digest.update(json.dumps(head).encode())
        for (path, _), version in zip(corpus.keys, corpus.versions, strict=True):
            digest.update(f"\x1e{path}\x1f{version}".encode("utf-8", "surrogatepass"))
        self.digest = digest.hexdigest()

    def current(self) -> tuple[Callable[[], Timeline], int, tuple[int, int, int]] | None:
        """A loader of the timeline, the number of events, and the timeline's numbers of
        entries, dossiers and open plans, of the build that wrote every output, when each one
        is still the file it wrote and was made of what this build would make it of; else
        None (a first build, a change, a file replaced or gone, no sound stored timeline)."""
        if self.cache is None or self.fresh:
            return None
        from timeline.cache import read_timeline_sized

        recorded = self.cache.written([self.PREFIX + target.name for target in self.paths])
        for target in self.paths:
            signature = _plain_signature(target)
            if signature is None or recorded.get(self.PREFIX + target.name) != (
                signature, self.digest
            ):
                return None
        data = self.cache.memo.get(self.KEY)
        if data is None:
            return None
        head = self._head(data)
        if head is not None:  # the stored timeline is read when asked for, not now
            events, sizes = head

            def make() -> Timeline:
                digest, _events, _sizes, made = read_timeline_sized(data)
                if digest != self.digest:
                    raise ValueError("made of other documents")
                return made()
        else:  # no head, or not this row's (an older build's cache): the row read now
            try:
                digest, events, sizes, make = read_timeline_sized(data)
            except ValueError:
                return None
            if digest != self.digest:
                return None

        def load() -> Timeline:
            with paused_gc():  # the collector would walk the new objects again and again
                try:
                    return make()
                except ValueError as exc:
                    raise TimelineError(
                        f"{self.store}: the timeline stored by the last build is not one ({exc});"
                        " build again with --no-cache"
                    ) from None

        return load, events, sizes

    def keep(self, timeline: Timeline, events: int) -> None:
        """Store the build's timeline and number of events (about 0.3 CPU-s at 10,000
        documents): what :meth:`current` gives back once :meth:`record` has run."""
        if self.cache is None:
            return
        encode = self.encoder(timeline, events)
        assert encode is not None
        if not self._store_file(encode(), timeline, events):  # the file changed meanwhile
            from timeline.cache import encode_timeline

            data = encode_timeline(self.digest, events, timeline)
            self.cache.memo[self.KEY] = data
            self._store_head(len(data), zlib.crc32(data), timeline, events)

    def _store_file(
        self, encoded: tuple[str, int, int], timeline: Timeline, events: int
    ) -> bool:
        """Keep the encoded timeline the file ``encoded`` names (its path, length and CRC-32)
        and its head (:data:`HEAD_KEY`); the file is removed. False when it was not stored
        (not of that length)."""
        assert self.cache is not None
        path, length, crc = encoded
        try:
            stored = self.cache.put_memo_file(self.KEY, path, length, crc)
        finally:
            Path(path).unlink(missing_ok=True)
        if stored:
            self._store_head(length, crc, timeline, events)
        return stored

    def _store_head(self, length: int, crc: int, timeline: Timeline, events: int) -> None:
        """Keep the head row (:data:`HEAD_KEY`) of the stored timeline of ``length`` bytes and
        CRC-32 ``crc``."""
        import pickle

        assert self.cache is not None
        sizes = (len(timeline.entries), len(timeline.dossiers), len(timeline.open_plans))
        self.cache.memo[self.HEAD_KEY] = pickle.dumps(
            (1, self.digest, events, sizes, length, crc)
        )

    def _head(self, data: bytes) -> tuple[int, tuple[int, int, int]] | None:
        """The number of events and sizes the head row gives for ``data`` (the stored
        timeline's row), when it is this build's digest and that row's; else None."""
        from timeline.link.shards import plain_loads

        assert self.cache is not None
        raw = self.cache.memo.get(self.HEAD_KEY)
        if raw is None:
            return None
        try:
            version, digest, events, sizes, length, crc = plain_loads(raw)
        except Exception:  # damaged or foreign
            return None
        if (
            version != 1 or digest != self.digest or type(events) is not int
            or type(sizes) is not tuple or len(sizes) != 3
            or not all(type(n) is int for n in sizes)
            or length != len(data) or crc != zlib.crc32(data)
        ):
            return None
        return events, sizes

    def encoder(self, timeline: Timeline, events: int) -> Callable[[], tuple[str, int, int]] | None:
        """What :meth:`keep` stores, written by the function returned into a temporary file
        beside the cache (run in a forked process that writes other files meanwhile, say),
        which returns the file's path, length and CRC-32 (:meth:`keep_encoded` stores it):
        the stored timeline of a large corpus (about 64 bytes per event) is never whole in
        memory, nor sent back from that process; None without a cache."""
        if self.cache is None:
            return None
        import os
        import tempfile

        from timeline.cache import encode_timeline_to

        digest = self.digest
        folder = self.cache.path.parent

        def encode() -> tuple[str, int, int]:
            # named as the temporary files a killed build leaves, which the next one sweeps
            fd, name = tempfile.mkstemp(prefix=".build-timeline.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as handle, paused_gc():
                    length, crc = encode_timeline_to(handle, digest, events, timeline)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
            return name, length, crc

        return encode

    def keep_encoded(self, encoded: Sequence[object], timeline: Timeline, events: int) -> None:
        """:meth:`keep`, with the file another process wrote (``encoded``: what its
        :meth:`encoder` returned, or nothing when it did not)."""
        if self.cache is None:
            return
        if len(encoded) == 1 and _encoded_file(encoded[0]):
            if self._store_file(encoded[0], timeline, events):  # type: ignore[arg-type]
                return
        self.keep(timeline, events)

    def record(self, written: Sequence[Path]) -> None:
        """Remember the signature and digest of each output this build wrote (among
        ``written``): the outputs are current from now on (the build is done)."""
        if self.cache is not None:
            _record_written(self.cache, self.PREFIX, self.paths, written, self.digest)


def _encoded_file(value: object) -> bool:
    """Whether ``value`` is what :meth:`_Outputs.encoder`'s function returns."""
    return (
        type(value) is tuple and len(value) == 3 and type(value[0]) is str
        and type(value[1]) is int and type(value[2]) is int
    )


def _record_written(
    cache: ExtractionCache, prefix: str, targets: Iterable[Path], written: Sequence[Path], digest: str
) -> None:
    """Keep in ``cache`` the file signature and ``digest`` of each of ``targets`` this build
    wrote (among ``written``), under ``prefix`` and its name."""
    done = set(written)
    for target in targets:
        signature = _plain_signature(target) if target in done else None
        if signature is not None:
            cache.put_written(prefix + target.name, signature, digest)


class _CurrentImages:
    """The image files (PNG, SVG, PDF) a cached build need not draw again: each one's
    signature was recorded (in the cache's ``written`` table, under ``image:NAME``) with the
    digest of what it shows (:meth:`~timeline.render.imageplan.Plan.digest` and the engine
    version), and both are unchanged. ``to_draw`` is the formats to render without them (None:
    all), ``kept`` their paths; :meth:`record` remembers the images this build drew."""

    PREFIX = "image:"

    def __init__(
        self,
        cache: ExtractionCache | None,
        out: Path,
        timeline: Timeline,
        formats: list[str] | None,
    ) -> None:
        from timeline import render

        self.cache = cache
        self.to_draw = formats
        self.kept: list[Path] = []
        self.digest = ""
        self.drawn: list[Path] = []
        self.plan: Plan | None = None  # what the images show, when made to check them
        images = [f for f in (formats or render.FORMATS) if f in render.IMAGE_FORMATS]
        if cache is None or not images:
            return
        import hashlib

        from timeline.cache import engine_version
        from timeline.render.imageplan import plan

        self.plan = plan(timeline)
        self.digest = hashlib.sha256(
            f"{engine_version()}|{self.plan.digest()}".encode()
        ).hexdigest()
        targets = [out / render.FILENAMES[fmt] for fmt in images]
        # the images' rows looked up by name, as _Outputs.current does (not the whole table)
        recorded = cache.written([self.PREFIX + t.name for t in targets])
        for target in targets:
            signature = _plain_signature(target)
            if signature is not None and recorded.get(self.PREFIX + target.name) == (
                signature, self.digest
            ):
                self.kept.append(target)
            else:
                self.drawn.append(target)
        if self.kept:
            kept = {p.name for p in self.kept}
            self.to_draw = [
                f for f in (formats or render.FORMATS) if render.FILENAMES[f] not in kept
            ]

    def record(self, written: Sequence[Path]) -> None:
        """Remember the signature and digest of each image this build drew (among
        ``written``)."""
        if self.cache is not None and self.drawn:
            _record_written(self.cache, self.PREFIX, self.drawn, written, self.digest)



def _write_rest(
    timeline: Timeline,
    linked: _Linked,
    out: Path,
    wanted: list[str] | None,
    render_formats: list[str] | None,
    jobs: int,
    memo: _PersistedFragments,
    written: list[Path],
    *,
    timeline_json: bool = True,
) -> None:
    """Write ``timeline.json`` (unless ``timeline_json`` is False: another process writes
    it, :func:`_write_timeline_json`), the graph exports (unless ``wanted`` leaves them out)
    and ``render_formats`` (None: all), appending each path written to ``written``."""
    from timeline import link, render
    from timeline.link.graph import graph_data

    with paused_gc():
        if timeline_json:
            written.extend(_write_timeline_json(timeline, out, memo))
        if wanted is None or "graph" in wanted:
            fragments = memo.fragments
            graph = graph_data(
                linked.extractions, timeline, linked.facts,
                # the entries' own nodes and edges named by the entries' digests (made once
                # per build for every writer): not digested again for the memo
                entry_key=fragments.entry_key
                if fragments is not None and fragments.remember else None,
            )
            written.append(link.write_graphml(graph, out / "graph.graphml", memo=memo.fragments))
            written.append(link.write_graph_json(graph, out / "graph.json", memo=memo.fragments))
            del graph
        if render_formats is None or render_formats:
            written.extend(
                render.render(timeline, out, render_formats, jobs=jobs, memo=memo.fragments)
            )


def _write_timeline_json(timeline: Timeline, out: Path, memo: _PersistedFragments) -> list[Path]:
    """Write ``out/timeline.json`` through the build's fragments memo; the path written."""
    from timeline.link.export import write_timeline_json

    with paused_gc():
        return [write_timeline_json(timeline, out / "timeline.json", memo=memo.fragments)]


#: Bytes of input a build extracts at once: documents are extracted in batches of about this
#: size, and each text is dropped once its facts and TimeML are written, so memory follows the
#: number of events, not the size of the corpus.
BATCH_BYTES = 64_000_000

#: Bytes of ``events.json`` fragments a build holds before writing them (else one write a
#: batch: a 64 MB batch of long documents held about 90 MB of fragments).
EVENTS_JSON_BYTES = 8_000_000

#: TimeML files written before their data is synced to disk and they are renamed into place.
TIMEML_FLUSH = 1000

#: Documents whose shard-join strings a cold build compares at once while its workers run
#: (:class:`~timeline.link.shards.JoinsAhead`): the last ones are compared when linking.
JOINS_AHEAD_EVERY = 500


@dataclass(frozen=True, slots=True)
class _Corpus:
    """What :func:`build` keeps of its documents, in input order: each one's path and cache
    key, the extractions (without texts) and facts held in memory, the TimeML files written,
    and the failures.

    A document stored in the cache need not be held: :meth:`load` reads documents back in
    bulk, so linking can ask for them a group at a time. ``extractions`` and ``facts`` hold
    every document when the build kept them (``keep``), else only those without a key.
    """

    extractions: tuple[Extraction, ...]
    facts: dict[str, DocumentFacts]
    timeml: tuple[Path, ...]
    failures: tuple[Failure, ...]
    keys: tuple[tuple[str, str | None], ...] = ()
    #: each document's slim row (:class:`_Slim` as JSON) and version (its cache key, or the
    #: hash of its record when it has none), in the order of ``keys``
    slims: tuple[bytes, ...] = ()
    versions: tuple[str, ...] = ()
    #: records of a cold build decoded as they came from the workers (cache key -> record),
    #: each taken out by the first :meth:`load` that asks for it (later ones read the cache)
    decoded: dict[str, tuple[Extraction, DocumentFacts]] = field(default_factory=dict)
    #: the string joins of the shard partition, made while the workers ran (a cold build with
    #: workers: :class:`~timeline.link.shards.JoinsAhead`), else None
    joins: JoinState | None = None
    #: the slim rows read already (with ``joins``), by path: linking need not read them again
    read_slims: dict[str, _Slim] = field(default_factory=dict)
    #: what the TimeML files hold (:func:`_timeml_digest` of their names and hashes)
    timeml_digest: str = ""

    def load(
        self, cache: ExtractionCache | None, paths: Sequence[str] | None = None
    ) -> tuple[list[Extraction], dict[str, DocumentFacts]]:
        """The extractions and facts of ``paths`` (default: every document), in input order:
        those held in memory, the others read back from ``cache`` in one bulk read."""
        held = {x.document.path: x for x in self.extractions}
        wanted = set(paths) if paths is not None else None
        chosen = [(p, k) for p, k in self.keys if wanted is None or p in wanted]
        missing = [k for p, k in chosen if p not in held and k is not None]
        stored = {k: self.decoded.pop(k) for k in missing if k in self.decoded}
        missing = [k for k in missing if k not in stored]
        if missing and cache is None:
            raise TimelineError("the documents are in the cache, and no cache was given")
        if cache is not None and missing:
            stored.update(cache.load_records(missing))
        extractions: list[Extraction] = []
        facts: dict[str, DocumentFacts] = {}
        for path, key in chosen:
            if path in held:
                extractions.append(held[path])
                facts[path] = self.facts[path]
            elif key is not None:
                x, f = stored[key]
                extractions.append(x)
                facts[path] = f
        return extractions, facts


def _batches(
    sources: Sequence[str | Path],
    exclude: Sequence[str],
    follow_symlinks: bool,
    limit: int,
    stats: dict[str, Any] | None = None,
) -> list[list[str | InputError | Failure]]:
    """The inputs in order, cut into runs of about ``limit`` bytes.

    A bad input is reported in its place (an InputError), except a second ``-``, reported
    after its batch (a Failure), as :func:`extract` does. ``stats`` is given each input's
    ``os.stat`` result, by path, so that :meth:`_Keys.key` need not ask again.
    """
    import os

    stat = os.stat
    batches: list[list[str | InputError | Failure]] = [[]]
    batch = batches[-1]
    size = 0
    for item in load_stage.iter_inputs(
        [str(i) for i in sources], exclude=exclude, follow_symlinks=follow_symlinks
    ):
        if type(item) is not str:
            assert isinstance(item, InputError)
            batch.append(Failure(item.path, item.problem) if item.path == "-" else item)
            continue
        if item != "-":
            try:
                info = stat(item)
            except OSError:
                pass
            else:
                size += info.st_size
                if stats is not None:
                    stats[item] = info
        batch.append(item)
        if size >= limit:
            batches.append([])
            batch = batches[-1]
            size = 0
    return [b for b in batches if b]


@dataclass(frozen=True, slots=True)
class _BuildJob:
    """One document a build must extract, and whether its TimeML is wanted (picklable)."""

    task: _Task
    timeml: bool


@dataclass(frozen=True, slots=True)
class _Built:
    """What a worker returns of a document a build extracted: its cache entry, ready to store
    (the record pickled, the ``events.json`` fragment as bytes), and its TimeML file's bytes.
    Only bytes travel back: the build process decodes a record only when it keeps it."""

    entry: EncodedBuilt
    timeml: bytes | None


def _fragment(x: Extraction) -> str:
    """The document's object in ``events.json``, exactly as ``json.dumps`` of the whole list
    with ``indent=2`` writes it (one level in), so the file is these joined by ``,\\n``:
    :func:`~timeline.jsontext.extractions_json` of it alone, without the list's brackets."""
    return extractions_json((x,))[2:-2]


def _build_one(job: _BuildJob) -> _Built | Failure:
    """Extract one document and make all a build keeps of it, on the worker: the facts linking
    reads off the text, its ``events.json`` fragment, its TimeML and its cache entry, so the
    text never travels back to the build process."""
    from timeline.cache import encode_built

    result = _run_task(job.task)
    if isinstance(result, Failure):
        return result
    try:
        record, timeml = _built_of(result, job.timeml)
        return _Built(encode_built(record, timeml, _slim_row(result, record.facts)), timeml)
    except Exception as exc:  # a bug on one document must not sink the batch
        return Failure(job.task.path, f"internal error ({type(exc).__name__}: {exc})")


def _built_of(x: Extraction, want_timeml: bool) -> tuple[BuiltRecord, bytes | None]:
    """The build record of a full extraction, and its TimeML file (None unless wanted)."""
    import hashlib

    from timeline.cache import BuiltRecord
    from timeline.link.facts import document_facts, without_text
    from timeline.timeml import to_timeml

    timeml = None
    if want_timeml:
        doc = x.document
        # a range is split in two as TimeML wants, which needs the text tagged again
        timexes = _timeml_timexes(doc) if _needs_tagging(x) else list(x.timexes)
        timeml = to_timeml(doc.text, timexes, doc.date).encode("utf-8")
    record = BuiltRecord(
        without_text(x),
        document_facts(x),
        _fragment(x).encode("utf-8"),
        None if timeml is None else len(timeml),
        None if timeml is None else hashlib.sha256(timeml).hexdigest(),
    )
    return record, timeml


#: Bump when what a slim row holds changes.
SLIM_VERSION = 1


def _slim_row(x: Extraction, facts: DocumentFacts) -> bytes:
    """What a rebuild reads of a document instead of its record (:class:`_Slim`): its shard
    keys, the procedures its head names and its number of events, as plain data pickled (read
    back by a loader that refuses every class, see :func:`_slim_of`)."""
    import pickle

    from timeline.link.shards import DocKeys, doc_keys

    keys = doc_keys(x, facts)
    data = (
        SLIM_VERSION,
        tuple(getattr(keys, f) for f in DocKeys.__slots__),
        tuple(facts.head_procedures),
        len(x.events),
    )
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True, slots=True)
class _Slim:
    """What a cached build keeps of each document besides its record and reads back for every
    document on a rebuild: its shard keys (linking reads only the records of shards that
    changed), the procedures its head names (the graph) and its number of events."""

    keys: DocKeys
    heads: tuple[str, ...]
    events: int


def _slim_of(data: bytes, shared: dict[tuple[Any, ...], tuple[Any, ...]] | None = None) -> _Slim:
    """A slim row read back (plain data only: no class a cache file names is loaded);
    ValueError when it is not one (damaged, foreign, older).

    With ``shared`` (a cold build's rows, held until linking) its strings are interned and
    its title keys and probes taken from ``shared`` when equal ones were read before: the
    documents of a corpus name the same acts, days and labels, and the rows of a large one
    held apart were its build's largest holding while it extracted (0.46 MB per MB of a long
    -document corpus's text; 0.08 MB so), for about 0.8 CPU-s per 100 MB."""
    from timeline.link.shards import DocKeys, plain_loads

    try:
        version, fields, heads, events = plain_loads(data)
        if version != SLIM_VERSION or type(events) is not int or type(heads) is not tuple:
            raise ValueError("not a slim row")
        if shared is not None:
            fields, heads = _shared_fields(fields, shared), _interned(heads)
        keys = DocKeys(*fields)
        if type(keys.path) is not str or type(keys.keys) is not tuple:
            raise ValueError("not a slim row")
        return _Slim(keys, heads, events)
    except ValueError:
        raise
    except Exception as exc:  # damaged or foreign: read from the record instead
        raise ValueError(f"not a slim row ({type(exc).__name__})") from None


def _interned(strings: Any) -> Any:
    """A tuple of strings with each interned (anything else as it is)."""
    if type(strings) is tuple and all(type(v) is str for v in strings):
        return tuple(map(sys.intern, strings))
    return strings


def _shared_fields(
    fields: Any, shared: dict[tuple[Any, ...], tuple[Any, ...]]
) -> Any:
    """A slim row's :class:`~timeline.link.shards.DocKeys` fields with their strings
    interned and each tuple of title keys or probes (``titles``, ``probes``) the equal one of
    ``shared`` (see :func:`_slim_of`); fields not as expected are left as they are (the
    row's checks then decide)."""
    if type(fields) is not tuple or len(fields) != 10:
        return fields
    path, keys, named, misprints, orphan, days, titles, probes, labels, act_labels = fields
    out: list[Any] = [
        sys.intern(path) if type(path) is str else path,
        _interned(keys), _interned(named), _interned(misprints), orphan, _interned(days),
    ]
    for items in (titles, probes):
        if type(items) is tuple:
            made = []
            for item in items:
                if type(item) is tuple:
                    item = tuple([sys.intern(v) if type(v) is str else v for v in item])
                    item = shared.setdefault(item, item)
                made.append(item)
            items = tuple(made)
        out.append(items)
    out += [_interned(labels), _interned(act_labels)]
    return tuple(out)


#: A file changed less than this many nanoseconds before a build began may change again within
#: the same tick of the file system's clock unseen by its signature: it is hashed, not trusted.
RACY_NS = 2_000_000_000


def _signature(info: Any) -> str:
    """A file's stat signature: what changes when its content may have."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"


def _plain_signature(path: Path) -> str | None:
    """The signature of a plain file (not a link), or None."""
    import os
    import stat

    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _signature(info) if stat.S_ISREG(info.st_mode) else None


class _Keys:
    """The cache keys of a build's inputs: read from the cache's memory of each file's stat
    signature where it can be trusted (see :data:`RACY_NS`), else by hashing the file."""

    def __init__(self, cache: ExtractionCache) -> None:
        from timeline.cache import engine_version

        self.cache = cache
        self.memo = cache.file_keys()
        self.before = cache.clock_ns() - RACY_NS
        self.engine = engine_version()
        self.hashed = 0
        self._options: tuple[object, ...] = ()
        self._suffix = ""

    def known(
        self, path: str, use_sidecar: bool, options: tuple[object, ...], info: Any = None
    ) -> tuple[str | None, str | None]:
        """The key remembered for the file at ``path`` (None unless its signature is the one
        remembered and can be trusted), and its signature to remember a new key by (None when
        it cannot be trusted: changed too recently, not a plain file, unreadable). ``info`` is
        its ``os.stat`` result when the caller has it already (:func:`_batches`); ``options``
        are those of :func:`_cache_key` beside the path."""
        import os
        import stat

        try:
            if info is None:
                info = os.stat(path)
            racy = max(info.st_mtime_ns, info.st_ctime_ns) >= self.before
            side = "-"
            if use_sidecar:
                # the sidecar _cache_key reads: the name's last suffix replaced
                dot = path.rfind(".")
                base = path[:dot] if dot > path.rfind("/") else path
                try:
                    sinfo = os.stat(base + ".meta.json")
                    side = _signature(sinfo)
                    racy = racy or max(sinfo.st_mtime_ns, sinfo.st_ctime_ns) >= self.before
                except FileNotFoundError:
                    pass
        except OSError:
            return None, None
        if racy or not stat.S_ISREG(info.st_mode):
            return None, None
        if options != self._options:
            self._options, self._suffix = options, f"|{json.dumps(options)}|{self.engine}"
        signature = f"{_signature(info)}|{side}{self._suffix}"
        known = self.memo.get(path)
        if known is not None and known[0] == signature:
            return known[1], signature
        return None, signature

    def key(self, task: _Task, info: Any = None) -> str | None:
        """The cache key of ``task``: remembered (:meth:`known`), else its file hashed (and
        remembered when its signature can be trusted)."""
        if task.data is not None:
            self.hashed += 1
            return _cache_key(task)
        options = (task.date, task.language, task.use_sidecar, task.max_bytes, task.max_chars)
        found, signature = self.known(task.path, task.use_sidecar, options, info)
        if found is not None:
            return found
        self.hashed += 1
        key = _cache_key(task)
        if key is not None and signature is not None:
            self.cache.put_file_key(task.path, signature, key)
        return key


def _extract_streaming(
    sources: Sequence[str | Path],
    timeml_dir: Path | None,
    *,
    cache: ExtractionCache | None,
    exclude: Sequence[str],
    follow_symlinks: bool,
    progress: Callable[[int, int], None] | None,
    events_json: _StreamedFile | None = None,
    batch_bytes: int | None = None,
    jobs: int = 1,
    dask_address: str | None = None,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    keep: bool = True,
    fresh: bool = False,
    settled: Callable[[_Corpus], bool] | None = None,
) -> _Corpus:
    """Extract the corpus batch by batch; write each document's ``events.json`` fragment (to
    ``events_json``) and its TimeML, store its entry in the cache, and drop its text (see
    :data:`BATCH_BYTES`).

    The workers do all the per-document work (:func:`_build_one`) and send back bytes. A
    document found in the cache is not read: its key comes from the file's remembered
    signature (:class:`_Keys`), its fragment from the cache, and its TimeML file is left alone
    when its signature (or else its size and hash) is still that recorded. With ``keep`` the
    extractions and facts of every document are returned; without it (and with a cache), only
    their keys: :meth:`_Corpus.load` reads them back when linking needs them.

    ``fresh`` says the cache holds nothing yet (a cold build): no document can be found in
    it, so every document goes to the workers at once and its key (a hash of its file) is
    computed as its result is stored, instead of all keys before the workers start. Its
    records are decoded as they arrive, while the workers go on (linking reads them all: a
    first build links every shard), instead of being read back from the cache.

    ``settled`` is asked, when every input of a corpus of one batch is found by its
    remembered signature and every TimeML file is as recorded, whether the outputs made of
    those documents are all current: a corpus of keys and TimeML files is then returned at
    once (no fragment read, nothing written; see :func:`_settled_corpus`).
    """
    import dataclasses
    import os

    from timeline.cache import BuiltHit, decode_record
    from timeline.link import linker
    from timeline.parallel import MIN_TASKS_FOR_POOL, WorkerPool

    date = _check_date(date)
    if timeml_dir is not None and timeml_dir.is_symlink():
        timeml_dir.unlink()  # replaced by a real folder, never written through
    pool = WorkerPool(jobs, dask_address)
    stats: dict[str, Any] = {}  # each input's os.stat, for its key
    try:
        batches = _batches(sources, exclude, follow_symlinks, batch_bytes or BATCH_BYTES, stats)
    except BaseException:
        pool.close()
        raise
    total = sum(1 for b in batches for i in b if not isinstance(i, Failure))
    done = 0

    def step(n: int, _total: int) -> None:
        if progress:
            progress(done + n, total)

    kept: list[Extraction] = []
    failures: list[Failure] = []
    facts: dict[str, DocumentFacts] = {}
    timeml: list[Path] = []
    order: list[tuple[str, str | None]] = []
    timeml_pairs: list[str] = []  # each TimeML file's name and hash, for _timeml_digest
    slims: list[bytes] = []  # each document's slim row (:class:`_Slim`), in order
    versions: list[str] = []  # what each document is (its cache key, else its record's hash)
    decoded: dict[str, tuple[Extraction, DocumentFacts]] = {}  # a cold build's, by key
    decoded_events = 0  # beyond HOLD_EVENTS, linking reads the records from the cache
    taken: set[str] = set()
    keys = _Keys(cache) if cache is not None else None
    written = cache.written() if cache is not None and timeml_dir is not None else {}

    def recorded(target: Path, sha: str) -> None:
        """Remember the signature of a TimeML file this build wrote."""
        signature = _plain_signature(target)
        if cache is not None and signature is not None:
            cache.put_written(target.name, signature, sha)

    files = _AtomicFiles(recorded)
    want_timeml = timeml_dir is not None
    timeml_prefix = os.path.join(timeml_dir, "") if timeml_dir is not None else ""
    # a TimeML file's path from its plain name (no "/"): pathlib's own way of making a child
    # without parsing it again where this Python has one (a rebuild makes one per document)
    timeml_child: Callable[[str], Path] = getattr(
        timeml_dir, "_make_child_relpath", timeml_dir.joinpath if timeml_dir else Path
    )
    first = True
    held_paused = False
    ahead = None  # the shard joins made while the workers run (a cold build with workers)
    arrived: list[DocKeys] = []  # shard keys of documents not yet given to ``ahead``
    read_slims: dict[str, _Slim] = {}  # the slim rows ``ahead`` read, by path
    shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # their equal title keys, probes
    options = (date, language, use_sidecar, max_bytes, max_chars)  # a key's, beside the path

    def job_of(path: str) -> _BuildJob:
        """The job of extracting the input at ``path`` (made once: ``-`` reads standard
        input)."""
        data = None
        if path == "-":
            import sys

            data = sys.stdin.buffer.read()
        task = _Task(
            path, data, date, language, use_sidecar, timeout, max_bytes, max_chars, max_memory
        )
        return _BuildJob(task, want_timeml)

    with pool, files, contextlib.ExitStack() as holding:
        if keys is not None and not fresh and any(path not in keys.memo for path in stats):
            # an input the cache has never seen (a document added): the worker that will
            # extract it forked now, so that it loads the rules while this process checks the
            # others against the cache, not once that check reaches it (after all of it when
            # the new document is the last of 10,000)
            pool.prestart(_prewarm)
        for batch in batches:
            paths = [i for i in batch if not isinstance(i, Failure)]
            # each input: its path, its job (made only when it is to be extracted) and key
            slots: list[Failure | tuple[str, _BuildJob | None, str | None]] = []
            for item in paths:
                if isinstance(item, InputError):
                    slots.append(Failure(item.path, item.problem))
                    continue
                info = stats.pop(item, None)
                if keys is None or fresh:  # every document is extracted
                    slots.append((item, job_of(item), None))
                    continue
                if item != "-":
                    found = keys.known(item, use_sidecar, options, info)[0]
                    if found is not None:  # the usual case of a rebuild: no job made
                        slots.append((item, None, found))
                        continue
                # a new or changed file, likely to be extracted: a worker forked now loads
                # the rules while this process checks the other documents against the cache
                # (a rebuild that finds every file as it was forks none)
                pool.prestart(_prewarm)
                extract_it = job_of(item)
                slots.append((item, extract_it, keys.key(extract_it.task, info)))
            if (
                settled is not None and len(batches) == 1 and len(paths) == len(batch)
                and all(type(s) is tuple and s[1] is None and s[2] is not None for s in slots)
            ):  # every document as it was: the outputs may all be current
                probe = _settled_corpus(
                    [s for s in slots if type(s) is tuple], timeml_dir, written, timeml_child
                )
                if probe is not None and settled(probe):
                    return probe
            hits: dict[str, BuiltHit] = {}
            if cache is not None and not fresh:
                wanted = [s[2] for s in slots if not isinstance(s, Failure) and s[2] is not None]
                hits = {
                    k: r
                    for k, r in cache.get_hits(wanted).items()
                    if not want_timeml or r.timeml_size is not None
                }
            todo = [
                s[1] or job_of(s[0])
                for s in slots
                if not isinstance(s, Failure) and (s[2] is None or s[2] not in hits)
            ]
            if len(todo) < MIN_TASKS_FOR_POOL:
                # a handful of documents (a rebuild): no warming up for languages they may
                # not use (the rules load on first use); with jobs > 1 they are extracted in
                # another process while this one checks the cached documents
                todo = [dataclasses.replace(j, task=dataclasses.replace(j.task, warm=False))
                        for j in todo]
            elif not pool.runs_here(len(todo)):
                # the link rules (the facts and shard keys each worker reads) made here before
                # the workers are forked: they inherit them instead of each making them, and
                # this process links with them later anyway
                from timeline.link import resources as link_resources

                link_resources.load().compile_all()
            results = pool.imap(_build_one, todo, progress=step)
            if fresh and cache is not None and ahead is None and not pool.runs_here(len(todo)):
                from timeline.link.shards import JoinsAhead

                ahead = JoinsAhead()
            if fresh and todo and not pool.runs_here(len(todo)) and not held_paused:
                # the records decoded here pile up: the cyclic collector would walk them again
                # and again (a third of their decoding); paused once the workers have started,
                # so that they do not inherit it paused
                holding.enter_context(paused_gc())
                held_paused = True

            def _kept(made: _Built | Failure, key: str | None) -> _Built | None:
                """A freshly built document, stored in the cache; None (and the failure
                reported) when it could not be built."""
                if isinstance(made, Failure):
                    failures.append(made)
                    return None
                if cache is not None and key is not None:
                    cache.put_built(key, made.entry)
                return made

            pieces: list[bytes] = []  # this batch's part of events.json
            unwritten = 0  # its bytes not written yet
            held: list[Extraction | None] = []  # this batch's, None until read back
            load_now: list[str] = []  # keys to read back (kept documents from the cache)
            for slot in slots:
                if isinstance(slot, Failure):
                    failures.append(slot)
                    continue
                path, job, key = slot
                if fresh and keys is not None:
                    assert job is not None
                    # while the workers go on with the next ones
                    key = keys.key(job.task, stats.pop(path, None))
                tml: bytes | None = None
                made: _Built | None = None
                if key is not None and key in hits:
                    hit = hits[key]
                    fragment, size, sha = hit.fragment, hit.timeml_size, hit.timeml_sha256
                    slim = hit.slim
                else:
                    made = _kept(next(results), key)
                    if made is None:
                        continue
                    entry = made.entry
                    fragment, size, sha = entry.fragment, entry.timeml_size, entry.timeml_sha256
                    tml = made.timeml
                    slim = entry.slim
                if timeml_dir is not None:
                    name = _stem(path, taken) + ".tml"
                    target = timeml_child(name)
                    if tml is None and not (
                        # the usual case first: the file as this cache wrote or checked it
                        sha is not None and _recorded(timeml_prefix + name, written.get(name), sha)
                    ) and not _unchanged(target, size, sha, written, cache):
                        tml = cache.get_timeml(key) if cache is not None and key else None
                        if tml is None:  # lost from the cache: make it again
                            made = _kept(_build_one(job or job_of(path)), key)
                            if made is None:
                                continue
                            tml = made.timeml
                            entry = made.entry
                            fragment, sha = entry.fragment, entry.timeml_sha256
                    if tml is not None:
                        files.write(target, tml, sha or "")
                    timeml.append(target)
                    timeml_pairs.append(f"{name}\x1f{sha}")
                if events_json is not None:
                    pieces.append(b"[\n" if first else b",\n")
                    pieces.append(fragment)
                    unwritten += len(fragment)
                    if unwritten >= EVENTS_JSON_BYTES:  # long documents: not a batch held
                        events_json.write(b"".join(pieces))
                        pieces.clear()
                        unwritten = 0
                first = False
                order.append((path, key))
                slims.append(slim)
                if key is None and made is not None:  # held, not cached: known by content
                    import hashlib

                    versions.append("record:" + hashlib.sha256(made.entry.record).hexdigest())
                else:
                    versions.append(key or "")
                if made is not None and (keep or key is None or cache is None):
                    x, f = decode_record(made.entry.record)
                    held.append(x)
                    facts[path] = f
                elif keep and key is not None:
                    load_now.append(key)
                    held.append(None)
                elif (
                    fresh and made is not None and key is not None
                    and decoded_events <= linker.HOLD_EVENTS
                ):
                    decoded[key] = record = decode_record(made.entry.record)
                    decoded_events += len(record[0].events)
                if ahead is not None and slim:
                    try:
                        read_slims[path] = read = _slim_of(slim, shared)
                        arrived.append(read.keys)
                        slims[-1] = b""  # read: linking takes it from read_slims
                    except ValueError:
                        pass  # linking reads it from the record, and joins its strings then
                    if len(arrived) >= JOINS_AHEAD_EVERY:
                        ahead.add(arrived)
                        arrived.clear()
            for _ in results:  # never happens: one result per job
                raise AssertionError("a worker result without its document")
            if load_now and cache is not None:
                stored = cache.load_records(load_now)
                pending = iter(load_now)
                for i, one in enumerate(held):
                    if one is None:
                        x, facts_of = stored[next(pending)]
                        held[i] = x
                        facts[x.document.path] = facts_of
            kept.extend(x for x in held if x is not None)
            if events_json is not None:
                events_json.write(b"".join(pieces))  # one write a batch
            failures.extend(i for i in batch if isinstance(i, Failure))
            done += len(paths)
    if events_json is not None:
        events_json.write(b"[]\n" if first else b"\n]\n")
    return _Corpus(
        tuple(kept), facts, tuple(timeml), tuple(failures), tuple(order), tuple(slims),
        tuple(versions), decoded, ahead.state if ahead is not None else None, read_slims,
        _timeml_digest(timeml_pairs),
    )


def _timeml_digest(pairs: Iterable[str]) -> str:
    """A digest of the TimeML files a build leaves (each one's name and content hash)."""
    import hashlib

    return hashlib.sha256("\x1e".join(pairs).encode("utf-8", "surrogatepass")).hexdigest()


#: The memo key of what the last complete build's outputs and TimeML files were made of.
SETTLED_KEY = "build:settled"


def _settled_mark(outputs: _Outputs, corpus: _Corpus) -> bytes:
    """What :data:`SETTLED_KEY` holds for ``outputs`` made of ``corpus``: the outputs' digest
    and :func:`_timeml_digest` of its TimeML files."""
    return f"{outputs.digest}:{corpus.timeml_digest}".encode()


def _settled_corpus(
    slots: Sequence[tuple[str, _BuildJob | None, str | None]],
    timeml_dir: Path | None,
    written: dict[str, tuple[str, str]],
    child: Callable[[str], Path],
) -> _Corpus | None:
    """The corpus of a rebuild that finds every document as it was, made of their keys and
    TimeML files alone, when every TimeML file still has the signature and content recorded
    (one ``lstat`` each); None when one does not (the build then checks them one by one).

    Whether those contents are the ones the documents make is told by
    :data:`SETTLED_KEY`: the last complete build stored the digest of its outputs with
    :func:`_timeml_digest` of its TimeML files, so a file another build wrote since (one
    that stopped before its end) does not pass for current.
    """
    import os

    pairs: list[str] = []
    paths: list[Path] = []
    if timeml_dir is not None:
        prefix = os.path.join(timeml_dir, "")
        taken: set[str] = set()
        for path, _job, _key in slots:
            name = _stem(path, taken) + ".tml"
            known = written.get(name)
            if known is None or not _recorded(prefix + name, known, known[1]):
                return None
            pairs.append(f"{name}\x1f{known[1]}")
            paths.append(child(name))
    keys = tuple((path, key) for path, _job, key in slots)
    return _Corpus(
        (), {}, tuple(paths), (), keys, (), tuple(key or "" for _path, key in keys),
        timeml_digest=_timeml_digest(pairs),
    )


def _needs_tagging(x: Extraction) -> bool:
    """A range among the time expressions: TimeML splits it, so the text is tagged again."""
    return any(t.end_value is not None for t in x.timexes)


#: A document name whose stem :func:`~timeline.fileio.safe_stem` keeps as it is.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z0-9]+")


def _stem(path: str, taken: set[str]) -> str:
    """``safe_stem(path, taken)``, without its Unicode folding and substitutions for the
    usual plain ASCII name (a rebuild asks this of every document)."""
    last = path.rsplit("/", 1)[-1]
    if "\\" in last or not _PLAIN_NAME.fullmatch(last):
        return safe_stem(path, taken)
    stem = last.rsplit(".", 1)[0].rstrip("._-")[:80]
    if not stem or stem in taken:
        return safe_stem(path, taken)
    taken.add(stem)
    return stem


def _unchanged(
    target: Path,
    size: int | None,
    sha256: str | None,
    written: dict[str, tuple[str, str]],
    cache: ExtractionCache | None,
) -> bool:
    """Whether the TimeML file ``target`` holds the content of ``sha256``: its signature is
    the one recorded when that content was written or checked (one ``lstat``), or else its
    size and hash say so (and its signature is recorded for the next build)."""
    if sha256 is None:
        return False
    signature = _plain_signature(target)
    if signature is not None and written.get(target.name) == (signature, sha256):
        return True
    if not _same_file(target, size, sha256):
        return False
    if cache is not None and signature is not None:
        cache.put_written(target.name, signature, sha256)
    return True


def _recorded(path: str, known: tuple[str, str] | None, sha256: str) -> bool:
    """Whether the file at ``path`` is a plain file whose signature and content are ``known``
    (as recorded in the cache's ``written`` table) and that content is ``sha256``: one
    ``lstat``, on a plain string (:func:`_unchanged` without its ``Path``)."""
    import os
    import stat

    if known is None or known[1] != sha256:
        return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and _signature(info) == known[0]


def _same_file(path: Path, size: int | None, sha256: str | None) -> bool:
    """Whether ``path`` is a plain file of ``size`` bytes whose SHA-256 is ``sha256``."""
    import hashlib

    if size is None or sha256 is None:
        return False
    try:
        if path.is_symlink() or path.stat().st_size != size:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


class _AtomicFiles:
    """Many files written atomically at the cost of a few disk syncs instead of one per file.

    Each file goes to a temporary file beside its target; every :data:`TIMEML_FLUSH` files (and
    on leaving the ``with`` block) their data is synced, by several threads at once so the file
    system joins the syncs, and then each is renamed over its target: as with
    :func:`~timeline.fileio.write_atomic`, a file is the previous version or the complete new
    one, never half. On an error, the temporary files are removed. ``done(target, tag)`` is
    called for each file once it is in place, with the tag it was written with.
    """

    def __init__(self, done: Callable[[Path, str], None] | None = None) -> None:
        self._pending: list[tuple[int, str, Path, str]] = []
        self._done = done
        self._folders: set[Path] = set()
        self._count = 0

    def write(self, target: Path, data: bytes, tag: str = "") -> None:
        import os
        import tempfile

        folder = target.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        # a name of our own (the process and a counter), created exclusively with the mode a
        # new file gets (the kernel applies the umask): one system call instead of mkstemp's
        # random names and a chmod
        self._count += 1
        tmp = os.path.join(folder, f".{target.name}.{os.getpid()}-{self._count}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:  # left by a killed run of the same process id
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            os.chmod(tmp, 0o666 & ~_umask())
        self._pending.append((fd, tmp, target, tag))
        os.write(fd, data) if len(data) < 65536 else _write_all(fd, data)
        if len(self._pending) >= TIMEML_FLUSH:
            self.flush()

    def flush(self) -> None:
        import os
        from concurrent.futures import ThreadPoolExecutor

        pending, self._pending = self._pending, []
        try:
            with ThreadPoolExecutor(max_workers=16) as threads:
                list(threads.map(os.fsync, [fd for fd, _, _, _ in pending]))
            for fd, tmp, target, _ in pending:
                os.close(fd)
                fd = -1
                os.replace(tmp, target)
        except BaseException:
            self._pending = pending
            self.discard()
            raise
        if self._done is not None:
            for _, _, target, tag in pending:
                self._done(target, tag)

    def discard(self) -> None:
        import os

        for fd, tmp, _, _ in self._pending:
            try:
                os.close(fd)
            except OSError:
                pass
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._pending = []

    def __enter__(self) -> _AtomicFiles:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.flush()
        else:
            self.discard()


def _write_all(fd: int, data: bytes) -> None:
    import os

    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


class _StreamedFile:
    """An output written piece by piece to a temporary file, then renamed into place.

    :meth:`commit` syncs and renames it (the file is the previous version or the complete new
    one, as with :func:`~timeline.fileio.write_atomic`); :meth:`discard` removes the temporary
    file when the build fails before.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self._handle: Any = None
        self._tmp = ""

    def write(self, data: bytes) -> None:
        if self._handle is None:
            import os
            import tempfile

            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent
            )
            os.chmod(self._tmp, 0o666 & ~_umask())
            self._handle = open(fd, "wb")  # noqa: SIM115
        self._handle.write(data)

    def commit(self) -> Path:
        import os

        if self._handle is None:
            self.write(b"")
        handle, self._handle = self._handle, None
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(self._tmp, self.target)
        return self.target

    def discard(self) -> None:
        import os

        if self._handle is not None:
            self._handle.close()
            self._handle = None
            try:
                os.unlink(self._tmp)
            except OSError:
                pass


class NothingUsableError(TimelineError):
    """No input gave a usable document (exit code 3 on the command line)."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        super().__init__(f"no usable document among the inputs ({len(failures)} failed)")
        self.failures = tuple(failures)
