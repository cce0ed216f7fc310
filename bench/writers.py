"""CPU seconds of each output writer of ``timeline build`` on one linked corpus.

Usage, after a build of the corpus into OUT (so its extraction cache is warm)::

    python bench/writers.py /work/wt/corpus10k /tmp/render-10k [--runs 3] [--pickle FILE]

The corpus is re-read from OUT's cache and linked once (or read from ``--pickle``, written on
the first run); then each writer runs ``--runs`` times on it, writing into a scratch folder,
and the least CPU time (this process and its children) is printed, with the total. The
cyclic garbage collector is left on, as in a build. ``--memo`` adds the writers that take a
``Fragments`` memo: once with an empty memo ("cold", one run), then with the memo the cold
run filled ("warm": a rebuild whose entries are all known), plus the entry digests a memo
computes once per build for every writer.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timeline import link, pipeline, render  # noqa: E402
from timeline.cache import FILENAME, ExtractionCache  # noqa: E402
from timeline.fileio import paused_gc, write_atomic  # noqa: E402
from timeline.fragments import Fragments  # noqa: E402
from timeline.link.graph import graph_data  # noqa: E402


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load(corpus: str, out: Path, saved: Path | None) -> dict[str, object]:
    if saved is not None and saved.is_file():
        with open(saved, "rb") as handle:
            return pickle.load(handle)
    cache = ExtractionCache(out / FILENAME)
    try:
        found = pipeline._extract_streaming(
            [corpus], None, cache=cache, date=None, language=None, exclude=(), jobs=1,
            dask_address=None, progress=None, follow_symlinks=False,
        )
    finally:
        cache.close()
    timeline = link.link(found.extractions, found.facts)
    graph = link.build_graph(found.extractions, timeline, found.facts)
    data = {"extractions": found.extractions, "timeline": timeline, "graph": graph, "facts": found.facts}
    if saved is not None:
        with open(saved, "wb") as handle:
            pickle.dump(data, handle, protocol=5)
    return data


def _one_added(xs: Any, facts: Any, timeline: Any, scratch: Path) -> None:
    """The writers of a build after adding one document (the corpus's last that is a source
    of the timeline), with the memo a build without it filled: each row is one run (a second
    would find everything known). The collector is paused, as ``build`` pauses it there."""
    cited = {s.document for e in timeline.entries for s in e.sources}
    last = next(x.document.path for x in reversed(xs) if x.document.path in cited)
    xs_before = [x for x in xs if x.document.path != last]
    before = link.link(xs_before, {k: v for k, v in (facts or {}).items() if k != last} if facts else None)
    store: dict[str, bytes] = {}
    warm = Fragments(store)
    export = link.export
    link.write_graphml(graph_data(xs_before, before, facts), scratch / "graph.graphml", memo=warm)
    link.write_graph_json(graph_data(xs_before, before, facts), scratch / "graph.json", memo=warm)
    write_atomic(scratch / "timeline.json", export.timeline_json_bytes(before, memo=warm))
    render.render(before, scratch, [f for f in render.FORMATS if f not in render.IMAGE_FORMATS], memo=warm)
    memo = Fragments(store)
    gdata: list[Any] = []
    rows: list[tuple[str, Callable[[], object]]] = [
        ("entry digests", lambda: [memo.entry_key(e) for e in timeline.entries]),
        ("graph_data", lambda: gdata.append(graph_data(xs, timeline, facts))),
        ("graph.graphml", lambda: link.write_graphml(gdata[0], scratch / "graph.graphml", memo=memo)),
        ("graph.json", lambda: link.write_graph_json(gdata[0], scratch / "graph.json", memo=memo)),
        ("timeline.json", lambda: write_atomic(
            scratch / "timeline.json", export.timeline_json_bytes(timeline, memo=memo))),
    ]
    rows += [
        (fmt, lambda fmt=fmt: render.render(timeline, scratch, [fmt], memo=memo))
        for fmt in render.FORMATS
        if fmt not in render.IMAGE_FORMATS
    ]
    rows.append(("memo prune", memo.prune))
    print(f"{len(before.entries)} -> {len(timeline.entries)} entries; one run each, memo from the build without {last}")
    print("| writer | CPU s | wall s | fragments made | fragments reused |\n| --- | ---: | ---: | ---: | ---: |")
    total = 0.0
    for name, fn in rows:
        made, reused = memo.misses, memo.hits
        cpu, wall = _cpu(), time.perf_counter()
        with paused_gc():  # as build() runs the graph and the writers
            fn()
        spent = _cpu() - cpu
        total += spent
        print(f"| {name} | {spent:.2f} | {time.perf_counter() - wall:.2f} | {memo.misses - made} | {memo.hits - reused} |")
    print(f"| **total** | **{total:.2f}** | | {memo.misses} | {memo.hits} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("out", type=Path, help="the folder of a finished build of the corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pickle", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1, help="render()'s jobs, for the last row")
    parser.add_argument("--only", default="", help="comma-separated writer names (e.g. png+svg+pdf)")
    parser.add_argument("--memo", action="store_true", help="also time the memoised writers, cold and warm")
    parser.add_argument("--one-added", action="store_true",
                        help="time the writers of a rebuild after adding one document, through a memo")
    args = parser.parse_args()
    data = _load(args.corpus, args.out, args.pickle)
    timeline, graph, xs = data["timeline"], data["graph"], data["extractions"]
    facts = data.get("facts")
    scratch = Path(tempfile.mkdtemp(prefix="writers-"))
    if args.one_added:
        _one_added(xs, facts, timeline, scratch)
        return
    export = link.export
    gdata = graph_data(xs, timeline, facts)
    memo = Fragments()  # filled by the "memo, cold" rows, then used warm
    writers: list[tuple[str, Callable[[], object]]] = [
        ("build_graph", lambda: link.build_graph(xs, timeline, facts)),
        ("graph_data", lambda: graph_data(xs, timeline, facts)),
        ("events.json", lambda: write_atomic(scratch / "events.json", export.extractions_to_json(xs))),
        ("timeline.json", lambda: write_atomic(scratch / "timeline.json", link.timeline_to_json(timeline))),
        ("graph.graphml", lambda: link.write_graphml(graph, scratch / "graph.graphml")),
        ("graph.json", lambda: link.write_graph_json(graph, scratch / "graph.json")),
        ("graph.graphml from GraphData", lambda: link.write_graphml(gdata, scratch / "graph.graphml")),
        ("graph.json from GraphData", lambda: link.write_graph_json(gdata, scratch / "graph.json")),
        ("png+svg+pdf", lambda: render.render(timeline, scratch, list(render.IMAGE_FORMATS))),
    ]
    writers += [
        (fmt, lambda fmt=fmt: render.render(timeline, scratch, [fmt]))
        for fmt in render.FORMATS
        if fmt not in render.IMAGE_FORMATS
    ]
    if args.memo:
        writers.append(("entry digests (once per build)", lambda: [Fragments().entry_key(e) for e in timeline.entries]))
        [memo.entry_key(e) for e in timeline.entries]  # the digests: the row above
        for when in ("memo cold", "memo warm"):
            writers.append(
                (f"timeline.json, {when}", lambda: write_atomic(
                    scratch / "timeline.json", export.timeline_json_bytes(timeline, memo=memo)))
            )
            writers += [
                (f"{fmt}, {when}", lambda fmt=fmt: render.render(timeline, scratch, [fmt], memo=memo))
                for fmt in render.MEMO_FORMATS
            ]
    if args.only:
        wanted = set(args.only.split(","))
        writers = [(name, fn) for name, fn in writers if name in wanted]
    print(f"{len(timeline.entries)} entries, {len(xs)} documents; least of {args.runs} runs")
    print("| writer | CPU s | wall s |\n| --- | ---: | ---: |")
    total = 0.0
    for name, fn in writers:
        best = (float("inf"), 0.0)
        for _ in range(1 if "memo cold" in name else args.runs):
            cpu, wall = _cpu(), time.perf_counter()
            fn()
            best = min(best, (_cpu() - cpu, time.perf_counter() - wall))
        total += best[0]
        print(f"| {name} | {best[0]:.2f} | {best[1]:.2f} |")
    print(f"| **total** | **{total:.2f}** | |")
    if args.only:
        return
    cpu, wall = _cpu(), time.perf_counter()
    render.render(timeline, scratch, jobs=args.jobs)
    print(f"| render(every format, jobs={args.jobs}) | {_cpu() - cpu:.2f} | {time.perf_counter() - wall:.2f} |")


if __name__ == "__main__":
    main()
