"""How long ``timeline.html`` takes to open in headless Chromium, at 1,000 / 5,000 / 10,000 entries.

The page is opened from disk (``file://``) in Debian's chromium, driven by Playwright, with the
flags this machine needs (no sandbox as root, no GPU, no background networking). One figure per
page and run: **open s**, from navigation start to the page being usable, i.e. the later of the
load event's end and the ``timeline-ready`` performance mark that ``page.js`` sets once the
filters are built and the chart is drawn. The figure is the median of ``--runs`` runs, each in a
fresh browser context. Beside it: the CPU time the renderer processes used from navigation to
usable (from /proc; unlike wall time, it barely moves with other load on a shared machine),
and the page size.

The timelines are synthetic but made of real entries: the dev corpus (../shared/corpus/dev) is
extracted and linked once, then copied with every year shifted by -5..+5 (fixed seed) and fresh
ids, documents and sources, until there are ``n`` entries; the dossiers stay the same, as when
a corpus grows by more documents of the same files. ``--docs N`` instead builds the timeline
end to end from ``bench/speed.py``'s synthetic corpus of N documents (slow: extraction).

    python bench/page.py                      # 1,000 / 5,000 / 10,000 entries, 3 runs each
    python bench/page.py --sizes 5000 --runs 5
    python bench/page.py --keep out/          # also keep the pages
    python bench/page.py --write              # also write bench/results/page.md
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timeline.model import Document, Dossier, Entry, Source, Timeline  # noqa: E402

DEV = ROOT / ".." / "shared" / "corpus" / "dev"
RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = Path("/usr/bin/chromium")
#: The flags Chromium needs on this machine (see /work/.library/env/machines/python.md):
#: root without a sandbox, no GPU, and no background connections the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_MARK = "timeline-ready"
_YEAR = re.compile(r"^\d{4}")


def _shift(date: str | None, years: int) -> str | None:
    if not date or not _YEAR.match(date):
        return date
    shifted = f"{int(date[:4]) + years:04d}{date[4:]}"
    if shifted[4:10] == "-02-29":  # not every year has one
        shifted = shifted[:8] + "28" + shifted[10:]
    return shifted


def grow(base: Timeline, n: int, seed: int = 0) -> Timeline:
    """``base`` copied (years shifted, ids and documents renamed) until it has ``n`` entries."""
    if not base.entries:
        raise ValueError("the base timeline has no entries")
    entries: list[Entry] = []
    documents: list[Document] = []
    members: dict[str, list[str]] = {d.id: [] for d in base.dossiers}
    dossier_of = {e: d.id for d in base.dossiers for e in d.entries}
    open_plans: list[str] = []
    copy = 0
    while len(entries) < n:
        rng = random.Random(f"{seed}:{copy}")
        years = rng.randint(-5, 5)
        tag = f"c{copy:04d}"

        def doc(path: str, tag: str = tag) -> str:
            return f"{tag}/{path}"

        for d in base.documents:
            documents.append(replace(d, path=doc(d.path), text="", date=_shift(d.date, years)))
        for e in base.entries:
            if len(entries) >= n:
                break
            sources = tuple(
                replace(s, document=doc(s.document), date=_shift(s.date, years)) for s in e.sources
            )
            entries.append(
                replace(
                    e,
                    id=f"{e.id}-{tag}",
                    date=_shift(e.date, years),
                    earliest=_shift(e.earliest, years),
                    latest=_shift(e.latest, years),
                    sources=sources,
                    realised_by=f"{e.realised_by}-{tag}" if e.realised_by else None,
                    realises=f"{e.realises}-{tag}" if e.realises else None,
                )
            )
            if e.id in dossier_of:
                members[dossier_of[e.id]].append(entries[-1].id)
        open_plans += [f"{p}-{tag}" for p in base.open_plans]
        copy += 1
    ids = {e.id for e in entries}
    entries = [
        replace(
            e,
            realised_by=e.realised_by if e.realised_by in ids else None,
            realises=e.realises if e.realises in ids else None,
        )
        for e in entries
    ]
    dossiers = tuple(
        Dossier(d.id, d.name, d.acts, d.procedures, tuple(members[d.id])) for d in base.dossiers
    )
    return Timeline(
        entries=tuple(entries),
        dossiers=dossiers,
        documents=tuple(documents),
        open_plans=tuple(p for p in open_plans if p in ids),
        title=f"{base.title} ({n} entries, synthetic)",
    )


def dev_timeline(dev: Path = DEV) -> Timeline:
    """The dev corpus extracted and linked (the base that :func:`grow` copies)."""
    from timeline import link, pipeline

    result = pipeline.extract([dev])
    return link.link(result.extractions)


def corpus_timeline(docs: int, seed: int = 0) -> Timeline:
    """A timeline built end to end from ``bench/speed.py``'s synthetic corpus of ``docs`` texts."""
    from bench.speed import dev_texts, synthetic_corpus, write_corpus
    from timeline import link, pipeline

    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        write_corpus(synthetic_corpus(dev_texts(), docs, seed), Path(tmp))
        result = pipeline.extract([tmp], jobs=os.cpu_count() or 1)
        return link.link(result.extractions)


def _fallback_timeline() -> Timeline:
    """A small base when ../shared is absent: 24 entries in 3 dossiers with one source each."""
    types = ["proposal", "opinion", "adoption", "publication", "entry_into_force", "deadline"]
    entries = []
    for i in range(24):
        date = f"{2010 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        quote = f"On {date} the institution number {i} took a step described at some length here."
        src = Source(f"doc{i % 8}.txt", f"REF {i}", "en", None, quote, (0, len(quote)), date, (3, 13), date)
        entries.append(
            Entry(f"f{i:03d}", date, "day", None, None, "planned" if i % 7 == 0 else "past",
                  types[i % len(types)], f"Step {i} of dossier {i % 3}", (), (), ("Council",), (src,),
                  dossier=f"d{i % 3}")
        )
    dossiers = tuple(
        Dossier(f"d{k}", f"Dossier {k}", (), (), tuple(e.id for e in entries if e.dossier == f"d{k}"))
        for k in range(3)
    )
    docs = tuple(Document(f"doc{k}.txt", "", title=f"Document {k}", language="en") for k in range(8))
    return Timeline(tuple(entries), dossiers, docs, title="Fallback timeline")


# --- measuring -------------------------------------------------------------------------------


def _renderer_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's Chromium renderers (Linux /proc).

    Wall-clock figures swing with other work on a shared machine; the renderer's own CPU time
    mostly does not. Returns 0.0 where /proc is not there.
    """
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        stats[pid] = fields
        children.setdefault(int(fields[1]), []).append(pid)
    total = 0.0
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        # Not the browser's own WebUI renderer (headless Chromium preloads its omnibox popup).
        if b"--type=renderer" in cmdline and b"--top-chrome-webui" not in cmdline:
            total += (int(stats[pid][11]) + int(stats[pid][12])) / tick
    return total


def _launch(pw: Any) -> Any:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run .ci/install-browser as root")
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def _open_once(browser: Any, html: Path, timeout: float) -> tuple[float, float]:
    """(seconds to usable, renderer CPU seconds) for one fresh browser context."""
    # A page whose script sets no mark (an older page.js) is ready at its load event.
    marked = READY_MARK in html.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        cpu = _renderer_cpu()
        page.goto(html.as_uri(), wait_until="load", timeout=timeout * 1000)
        end = time.monotonic() + timeout
        script = (
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            f" const m = performance.getEntriesByName('{READY_MARK}');"
            " return [n ? n.loadEventEnd : 0, m.length ? m[0].startTime : -1]; })()"
        )
        load, ready = page.evaluate(script)
        while (load <= 0 or (marked and ready < 0)) and time.monotonic() < end:
            page.wait_for_timeout(10)
            load, ready = page.evaluate(script)
        if marked and ready < 0:
            raise RuntimeError(f"{html}: no {READY_MARK!r} mark after {timeout} s")
        return max(load, ready) / 1000, _renderer_cpu() - cpu
    finally:
        context.close()


def page_open_stats(html: Path, runs: int = 3, timeout: float = 120.0) -> tuple[float, float]:
    """Median (open seconds, renderer CPU seconds) over ``runs`` fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _launch(pw)
        try:
            samples = [_open_once(browser, html, timeout) for _ in range(max(1, runs))]
        finally:
            browser.close()
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
    )


def page_open_seconds(html: Path, runs: int = 3) -> float:
    """Median seconds from navigation start until ``html`` is usable in headless Chromium.

    Usable: the load event has ended and ``page.js`` has set its ``timeline-ready`` mark
    (filters built, chart drawn). Each run opens the page in a fresh browser context.
    """
    return page_open_stats(html, runs)[0]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000", help="entry counts")
    ap.add_argument("--runs", type=int, default=3, help="runs per page (the median is shown)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--docs", default="", help="instead: build from N synthetic documents (N,M,...)")
    ap.add_argument("--keep", type=Path, help="keep the pages in this folder")
    ap.add_argument("--write", action="store_true", help="also write bench/results/page.md")
    args = ap.parse_args(argv)

    from timeline.render.html import render_html

    if args.docs:
        timelines = [(f"{int(d):,} docs", corpus_timeline(int(d), args.seed)) for d in args.docs.split(",")]
    else:
        if DEV.is_dir():
            base, origin = dev_timeline(), "the dev corpus"
        else:
            base, origin = _fallback_timeline(), "a built-in base (no ../shared)"
        print(f"base: {len(base.entries)} entries from {origin}", file=sys.stderr)
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        timelines = [("copies", grow(base, n, args.seed)) for n in sizes]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    cmd = "python bench/page.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    lines = [
        "## The HTML page opened in headless Chromium",
        "",
        f"Command: `{cmd.strip()}`. Machine: {os.cpu_count()} cores, load average {load}"
        f" (1/5/15 min) at start; median of {args.runs} runs, each in a fresh browser context;"
        " Debian's Chromium, headless, via Playwright. Open s: navigation start to usable (load"
        " event and the page's `timeline-ready` mark); renderer CPU s: the page's renderer"
        " process over the same span (robust to other load). The blank row is an empty page:"
        " what the browser alone costs under the same load.",
        "",
        "| timeline | entries | dossiers | page KB | open s (to usable) | renderer CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)

    def row(text: str) -> None:
        lines.append(text)
        print(text, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        blank = folder / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title><p>blank</p>\n", encoding="utf-8")
        seconds, busy = page_open_stats(blank, args.runs)
        row(f"| blank page | 0 | 0 | 0 | {seconds:.2f} | {busy:.2f} |")
        for what, timeline in timelines:
            path = folder / f"timeline-{len(timeline.entries)}.html"
            path.write_text(render_html(timeline), encoding="utf-8")
            seconds, busy = page_open_stats(path, args.runs)
            row(f"| {what} | {len(timeline.entries):,} | {len(timeline.dossiers)} |"
                f" {path.stat().st_size / 1000:,.0f} | {seconds:.2f} | {busy:.2f} |")
    lines += ["", f"Load average at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}."]
    print("\n".join(lines[-2:]))
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "page.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
