"""Measure the loader: language accuracy against sidecars, and the cost of loading.

``python -m timeline.load.measure FOLDER...`` loads every document of the folders with sidecars
ignored, compares the detected language (and reference) with ``STEM.meta.json`` where there is
one, and prints the time per document and the throughput. Nothing here runs in the pipeline.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from timeline.errors import InputError
from timeline.load.document import load_document
from timeline.load.inputs import iter_inputs
from timeline.load.language import warm_up


def main(argv: Sequence[str] | None = None) -> int:
    """Print accuracy and cost figures for the documents under ``argv``; 0 when all loaded."""
    folders = list(argv if argv is not None else sys.argv[1:])
    if not folders:
        print("usage: python -m timeline.load.measure FOLDER...", file=sys.stderr)
        return 2
    start = time.perf_counter()
    warm_up()
    print(f"language detector ready in {time.perf_counter() - start:.2f} s")
    n = chars = size = right = judged = ref_right = ref_judged = failed = 0
    spent = cpu = 0.0
    for item in iter_inputs(folders):
        if isinstance(item, InputError):
            print(f"  {item}")
            failed += 1
            continue
        path = Path(item)
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            doc = load_document(path, use_sidecar=False)
        except InputError as exc:
            print(f"  {exc}")
            failed += 1
            continue
        took = time.perf_counter() - t0
        cpu += time.process_time() - c0
        spent += took
        n += 1
        chars += len(doc.text)
        size += path.stat().st_size
        side = path.with_name(path.stem + ".meta.json")
        note = ""
        if side.is_file():
            meta = json.loads(side.read_text(encoding="utf-8"))
            if meta.get("language"):
                judged += 1
                right += doc.language == meta["language"]
                if doc.language != meta["language"]:
                    note += f" LANGUAGE {doc.language} != {meta['language']}"
            ref_judged += 1
            gold = (meta.get("reference") or "").replace(" ", "")
            ref_right += (doc.reference or "").replace(" ", "") == gold
        if took > 0.2 or note:
            print(f"  {path.name}: {took * 1000:.0f} ms, {len(doc.text):,} chars{note}")
    if not n:
        return 1
    print(f"documents: {n} loaded, {failed} failed")
    print(
        f"load + language, CPU time (less hit by a busy machine): {cpu / n * 1000:.1f} ms per "
        f"document, {size / cpu / 1e6:.2f} MB/s of files"
    )
    print(
        f"load + language: {spent / n * 1000:.1f} ms per document, "
        f"{size / spent / 1e6:.2f} MB/s of files, {chars / spent / 1e6:.2f} M chars/s of text"
    )
    if judged:
        print(f"language vs sidecar: {right}/{judged} = {right / judged:.1%}")
    if ref_judged:
        print(f"reference vs sidecar (spaces ignored, null = null): {ref_right}/{ref_judged}")
    return 0 if not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
