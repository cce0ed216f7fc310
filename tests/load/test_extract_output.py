"""``timeline extract --format json`` prints what ``json.dumps(..., indent=2)`` would.

The command writes its array with :func:`timeline.jsontext.json_text` (the standard library's
indented encoder is pure Python): the characters must stay those of ``json.dumps``, which
scorers of the EVENTS.md contract may compare byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

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
