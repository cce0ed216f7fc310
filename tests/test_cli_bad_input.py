"""Each kind of bad input, through the command line: one exact line, the batch goes on, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import cli

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "fixtures" / "load" / "bad"
GOOD = REPO / "sources" / "ip-10-379-en.txt"

CASES = [
    ("empty.txt", "empty file (0 bytes)"),
    ("only-whitespace.txt", "no text in the file (only whitespace)"),
    ("binary.txt", "binary content (NUL bytes), not text"),
    ("undecodable.txt", "not valid text in any detected encoding (not UTF-8 either)"),
    ("truncated.pdf", "truncated PDF (no %%EOF marker at the end of the file)"),
    ("encrypted.pdf", "encrypted PDF: it needs a password to be read"),
    ("not-a-pdf.pdf", "not a PDF file (no %PDF- header)"),
]


@pytest.mark.parametrize(("name", "problem"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_one_exact_line_and_exit_1(name: str, problem: str) -> None:
    out = CliRunner().invoke(cli, ["extract", "-j", "1", str(BAD / name), str(GOOD)])
    assert out.exit_code == 1
    lines = out.stderr.splitlines()
    assert lines[0] == f"timeline: error: {BAD / name}: {problem}"
    assert "Traceback" not in out.stderr
    (obj,) = json.loads(out.stdout)
    assert obj["document"]["path"] == str(GOOD)


def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    out = CliRunner().invoke(cli, ["extract", str(tmp_path), str(GOOD)])
    assert out.exit_code == 1
    assert out.stderr.splitlines()[0].startswith(f"timeline: error: {tmp_path}: folder has no documents")


def test_over_the_size_limit_and_missing_path(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Le 3 mars 2009. " * 1000, encoding="utf-8")
    out = CliRunner().invoke(
        cli, ["extract", "--max-bytes", "5000", str(tmp_path / "gone.txt"), str(big), str(GOOD)]
    )
    assert out.exit_code == 1
    lines = out.stderr.splitlines()
    assert lines[0] == f"timeline: error: {tmp_path / 'gone.txt'}: no such file or folder"
    assert lines[1].startswith(f"timeline: error: {big}: file too large: 16,000 bytes")
    assert lines[-1] == (
        "timeline: 1 document(s) read, 2 skipped (1 file too large, 1 no such file or folder)"
    )


def test_unreadable_file_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    target = tmp_path / "secret.txt"
    target.write_text("Brussels, 3 March 2009. The Commission adopted it.", encoding="utf-8")
    real_open = builtins.open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(target):  # root reads anything: simulate what others get
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    import os

    real_os_open = os.open

    def guarded_os(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(target):
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(os, "open", guarded_os)  # the loader opens with os.open first
    out = CliRunner().invoke(cli, ["extract", "-j", "1", "--quiet", str(target), str(GOOD)])
    assert out.exit_code == 1
    assert out.stderr.splitlines() == [
        f"timeline: error: {target}: permission denied: the file cannot be read"
    ]


def test_broken_html_still_gives_its_text(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><div><p>Brussels, 3 March 2009<p>The Commission adopted a proposal today."
        "<table><tr><td>unclosed",
        encoding="utf-8",
    )
    out = CliRunner().invoke(cli, ["extract", "--language", "en", str(page)])
    assert out.exit_code == 0, out.stderr
    (obj,) = json.loads(out.stdout)
    assert ("2009-03-03", "proposal") in {(e["date"], e["type"]) for e in obj["events"]}
