"""`timeline build` on the bundled sources: the files it writes, and byte-identical reruns."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import timeline
from timeline.cache import FILENAME
from timeline.cli import cli

SOURCES = Path(__file__).resolve().parent.parent / "sources"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    timeline.build([SOURCES], first)
    timeline.build([SOURCES], second)
    return first, second


def test_build_writes_the_three_core_outputs(built: tuple[Path, Path]) -> None:
    out, _ = built
    for name in ("events.json", "timeline.html", "timeline.png"):
        assert (out / name).stat().st_size > 0, name
    html = (out / "timeline.html").read_text(encoding="utf-8")
    # One self-contained file: nothing fetched from the network.
    for needle in ('src="http', "src='http", 'rel="stylesheet" href="http', "@import"):
        assert needle not in html
    assert (out / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    events = json.loads((out / "events.json").read_text(encoding="utf-8"))
    assert len(events) == len(list(SOURCES.glob("*.txt")))


def test_two_builds_are_byte_identical(built: tuple[Path, Path]) -> None:
    first, second = built
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    for name in names:
        if name == FILENAME:
            continue  # it remembers each input's stat signature: inodes and times differ
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert _entries(first / FILENAME) == _entries(second / FILENAME)


def _entries(path: Path) -> list[tuple[object, ...]]:
    """The cache's build entries and TimeML files (what it keeps of each document)."""
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT b.key, b.record, b.fragment, b.timeml_sha256, t.payload"
            " FROM built b JOIN timeml t USING (key) ORDER BY b.key"
        ).fetchall()
    finally:
        db.close()


def test_bundled_story_runs_from_the_2004_framework_decision_to_the_2011_directive(
    built: tuple[Path, Path],
) -> None:
    out, _ = built
    data = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    entries = data["entries"]
    keys = {(e["date"], e["type"]) for e in entries}
    assert ("2009-03-25", "proposal") in keys  # COM(2009) 135
    assert ("2010-03-29", "proposal") in keys  # COM(2010) 94
    assert ("2011-12-13", "adoption") in keys  # Directive 2011/93/EU
    assert any(e["date"] is None and e["status"] == "planned" for e in entries)  # IP/09/342


def test_build_cli_prints_a_summary_and_where_outputs_went(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["build", str(SOURCES / "ip-09-342-fr.txt"), "-o", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "1 documents" in out.stderr
    assert f"wrote {tmp_path / 'timeline.html'}" in out.stderr


def test_build_with_nothing_usable_exits_3(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["build", str(tmp_path / "missing"), "-o", str(tmp_path / "o")])
    assert out.exit_code == 3
    assert not (tmp_path / "o" / "timeline.html").exists()
