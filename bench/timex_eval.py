"""Our time-expression engine on every ../shared/timeml folder and on the dev corpus timexes.

    python bench/timex_eval.py                 # the table
    python bench/timex_eval.py -v fr-timebank-train   # one folder, with per-document errors
    python bench/timex_eval.py --dev -v        # dev corpus: every gold timex missed or misvalued
    python bench/timex_eval.py --speed         # CPU seconds for 1 MB of news text per language

TimeML folders: TempEval-3 task A (strict / relaxed extent F1, type and value accuracy, value F1)
via ``timeline.eval.timex.evaluate_timex``. Test folders (*-test, *-platinum) are only run to
report a figure: never tune on them.

Dev corpus: each gold event's ``timex`` (../shared/corpus/dev/*.events.json) is looked up in
the text (its ``span``, else the substring); it counts as found when a tagged expression
overlaps it with the same value (or, for a range, the same second end). Speed is CPU time of
``tag`` per character, all folders together.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timeline.eval.timex import evaluate_timex  # noqa: E402
from timeline.temporal import tag  # noqa: E402
from timeline.temporal.grammar import available_languages, load  # noqa: E402

SHARED = ROOT / ".." / "shared"
TIMEML = SHARED / "timeml"
DEV = SHARED / "corpus" / "dev"


def dev_corpus(verbose: bool) -> tuple[int, int, int, float]:
    """(gold timexes, found with the right value, characters, CPU seconds) on the dev corpus."""
    known = set(available_languages())
    total = ok = chars = 0
    seconds = 0.0
    for ev in sorted(DEV.glob("*.events.json")):
        stem = ev.name[: -len(".events.json")]
        meta = json.loads((DEV / f"{stem}.meta.json").read_text(encoding="utf-8"))
        text = (DEV / f"{stem}.txt").read_text(encoding="utf-8")
        lang = meta.get("language")
        gold = json.loads(ev.read_text(encoding="utf-8"))
        if lang in known:
            load(lang).warm()
        t0 = time.process_time()
        found = tag(text, lang, meta.get("date")) if lang in known else []
        seconds += time.process_time() - t0
        chars += len(text)
        for e in gold.get("events", []):
            g = e.get("timex")
            if not g:
                continue
            total += 1
            if g.get("span"):
                s, t = g["span"]
            else:
                s = text.find(g["text"])
                t = s + len(g["text"])
            hit = [x for x in found if x.start < t and s < x.end]
            good = any(g["value"] in (x.value, x.end_value) for x in hit)
            ok += good
            if verbose and not good:
                got = [(x.text, x.value, x.rule) for x in hit]
                print(f"  {stem:<40} {g['text']!r:<32} gold={g['value']:<12} ours={got}")
    return total, ok, chars, seconds


def speed(size: int = 1_000_000) -> None:
    """CPU seconds to tag ``size`` characters of each training folder's text (repeated to
    size, grammar compiled first): the steady-state speed of one core."""
    from timeline.timeml import read_tml

    for name, lang in (
        ("en-tbaq", "en"),
        ("fr-timebank-train", "fr"),
        ("de-krauts-train", "de"),
    ):
        folder = TIMEML / name
        docs = [read_tml(f) for f in sorted(folder.rglob("*.tml"))]
        text = "".join(d.text for d in docs)
        text = (text * (size // max(len(text), 1) + 1))[:size]
        load(lang).warm()
        tag(text[:20000], lang, "2000-01-01")
        t0 = time.process_time()
        found = tag(text, lang, "2000-01-01")
        cpu = time.process_time() - t0
        print(
            f"{name}: {size} chars in {cpu:.2f} CPU s = {size / cpu / 1e6:.2f} M chars/s "
            f"({len(found)} expressions)"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", help="timeml folder names (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--dev", action="store_true", help="only the dev corpus")
    ap.add_argument("--speed", action="store_true", help="steady-state speed on 1 MB per language")
    args = ap.parse_args(argv)
    if args.speed:
        speed()
        return 0
    rows = []
    chars = 0
    seconds = 0.0
    if not args.dev:
        names = args.folders or sorted(p.name for p in TIMEML.iterdir() if p.is_dir())
        for name in names:
            report = evaluate_timex(TIMEML / name)
            chars += report.total.chars
            seconds += report.seconds
            if args.verbose:
                print(report.format(verbose=True))
                print()
            f = report.figures()
            test = " (test)" if name.endswith(("-test", "-platinum")) else ""
            rows.append(
                f"| {name}{test} | {report.total.gold} | {f['strict_f1']:.3f} | "
                f"{f['relaxed_p']:.3f} | {f['relaxed_r']:.3f} | {f['relaxed_f1']:.3f} | "
                f"{f['type_acc']:.3f} | {f['value_acc']:.3f} | {f['value_f1']:.3f} |"
            )
    if not args.folders:
        total, ok, dchars, dsec = dev_corpus(args.verbose)
        chars += dchars
        seconds += dsec
    print(
        "| set | gold | strict F1 | relaxed P | relaxed R | relaxed F1 | type acc | value acc "
        "| value F1 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(r)
    if not args.folders:
        print(
            f"\ndev corpus: {ok}/{total} gold event timexes found with the right value "
            f"= {ok / total:.3f}"
        )
    if seconds:
        print(f"speed: {chars / seconds / 1e6:.2f} M chars per CPU second ({chars} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
