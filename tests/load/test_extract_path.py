"""The extract path over files: its JSON output and its handling of the cyclic collector.

``timeline extract --format json`` writes its array with :func:`timeline.jsontext.json_text`
(the standard library's indented encoder is pure Python): the characters must stay those of
``json.dumps``, which scorers of the EVENTS.md contract may compare byte for byte.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import pipeline
from timeline.cli import cli

HOLDOUT = Path(__file__).resolve().parents[1] / "gold" / "holdout"


def test_extract_json_is_json_dumps_of_the_documents(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"  # quotes, a backslash, a tab, a control character, non-ASCII
    odd.write_text(
        'Le 3 mars 2009, « la "Commission" » a dit\\n\tnon\x01 — 2010 年 5 月.\n', "utf-8"
    )
    inputs = [str(HOLDOUT), str(odd)]
    out = CliRunner().invoke(cli, ["extract", "-q", "--jobs", "1", "--format", "json", *inputs])
    assert out.exit_code == 0, out.output
    docs = pipeline.extract(inputs).to_json()
    assert len(docs) > 5 and any(d["events"] for d in docs)
    assert out.output == json.dumps(docs, ensure_ascii=False, indent=2) + "\n"


class _Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_serial_extract_collects_each_documents_cycles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The serial run pauses the cyclic collector but collects after each document: cycles a
    document leaves (a PDF reader's) do not pile up over a batch, and the collector is
    restored as it was."""
    import weakref

    for i in range(6):
        (tmp_path / f"d{i}.txt").write_text(f"Le {i + 1} mars 2009, la Commission a dit.\n", "utf-8")
    left: list[weakref.ref[_Cycle]] = []
    alive_at_start: list[int] = []
    attempt = pipeline._attempt

    def leaving_a_cycle(task: pipeline._Task) -> object:
        alive_at_start.append(sum(r() is not None for r in left))
        left.append(weakref.ref(_Cycle()))
        return attempt(task)

    monkeypatch.setattr(pipeline, "_attempt", leaving_a_cycle)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            left.clear()
            alive_at_start.clear()
            result = pipeline.extract([tmp_path], jobs=1)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
        assert len(result.extractions) == 6
        assert alive_at_start == [0] * 6  # the last document's cycle was gone at each start
