"""Per-document time and size limits: the document is reported and skipped, the batch goes on."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import timeline
from timeline.cli import cli

GOOD = Path(__file__).resolve().parent.parent / "sources" / "ip-10-379-en.txt"


def test_a_document_over_the_time_limit_is_skipped_and_the_rest_processed(tmp_path: Path) -> None:
    timeline.extract([GOOD])  # warm the resources so the limit measures the document alone
    slow = tmp_path / "slow.txt"
    slow.write_text("Le 3 mars 2009, la Commission a adopté. " * 60_000, encoding="utf-8")
    result = timeline.extract([slow, GOOD], timeout=0.2, jobs=1)
    assert [f.path for f in result.failures] == [str(slow)]
    assert "gave up after 0.2 s (the per-document time limit" in result.failures[0].problem
    assert [x.document.path for x in result.extractions] == [str(GOOD)]


def test_a_file_over_the_size_limit_gets_a_clear_message(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000, encoding="utf-8")
    out = CliRunner().invoke(cli, ["extract", "--max-bytes", "3000", str(big), str(GOOD)])
    assert out.exit_code == 1
    (line,) = [x for x in out.stderr.splitlines() if x.startswith("timeline: error: ")]
    assert line.startswith(f"timeline: error: {big}: file too large: 5,000 bytes")
