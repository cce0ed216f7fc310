"""Every kind of bad input gives an InputError with a one-line message naming the problem."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import pytest

from timeline.errors import InputError
from timeline.load import iter_inputs, load_document, load_text

from .conftest import FIXTURES
from .pdfmaker import make_pdf

BAD = FIXTURES / "bad"


def _problem(path: str | Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        load_document(path, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == str(path)
    assert "\n" not in info.value.problem
    assert str(info.value) == f"{path}: {info.value.problem}"
    return info.value.problem


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.txt", "empty file (0 bytes)"),
        ("only-whitespace.txt", "no text in the file (only whitespace)"),
        ("binary.txt", "binary content (NUL bytes), not text"),
        ("undecodable.txt", "not valid text in any detected encoding (not UTF-8 either)"),
        ("truncated.pdf", "truncated PDF (no %%EOF marker at the end of the file)"),
        ("encrypted.pdf", "encrypted PDF: it needs a password to be read"),
        ("not-a-pdf.pdf", "not a PDF file (no %PDF- header)"),
    ],
)
def test_bad_files(name: str, problem: str) -> None:
    assert _problem(BAD / name) == problem


def test_missing_path(tmp_path: Path) -> None:
    assert _problem(tmp_path / "nope.txt") == "no such file or folder"


def test_folder_given_to_load_document(tmp_path: Path) -> None:
    assert _problem(tmp_path) == (
        "is a folder, not a file (pass it to iter_inputs to read its documents)"
    )


def test_over_max_bytes() -> None:
    size = (FIXTURES / "ep-press-release-en.html").stat().st_size
    assert _problem(FIXTURES / "ep-press-release-en.html", max_bytes=1000) == (
        f"file too large: {size:,} bytes, over the limit of 1,000 bytes; "
        "split it or raise the limit"
    )


def test_100_mb_file_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "dump.txt"
    with open(big, "wb") as handle:  # sparse: no 100 MB written to disk
        handle.truncate(100 * 1024 * 1024)
    assert _problem(big) == (
        "file too large: 104,857,600 bytes, over the limit of 50,000,000 bytes; "
        "split it or raise the limit"
    )


def test_unreadable_permissions_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run as root, who can read anything: simulate what open() raises for others.
    target = tmp_path / "secret.txt"
    target.write_text(
        "Brussels, 3 March 2009. The Commission adopted a proposal.", encoding="utf-8"
    )
    real_open = builtins.open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(target):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    real_os_open = os.open

    def guarded_os(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(target):
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(os, "open", guarded_os)  # the loader opens with os.open first
    assert _problem(target) == "permission denied: the file cannot be read"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_permissions_real(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("text", encoding="utf-8")
    target.chmod(0)
    assert _problem(target) == "permission denied: the file cannot be read"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    assert _problem(path) == "PDF without a text layer (2 pages of images?); run OCR first"


def test_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n%%EOF\n")
    assert _problem(path).startswith("damaged PDF (")


def test_binary_named_txt_with_controls(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(1, 32)) * 20)
    assert _problem(path).startswith("binary content (")


def test_malformed_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The Commission adopted a proposal today.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"date": "2009-03-03",}', encoding="utf-8")
    assert _problem(tmp_path / "a.txt") == (
        "sidecar a.meta.json is not valid JSON (line 1: Expecting property name enclosed in "
        "double quotes)"
    )
    (tmp_path / "a.meta.json").write_text('{"date": "3 March 2009"}', encoding="utf-8")
    assert _problem(tmp_path / "a.txt") == (
        "sidecar a.meta.json: date '3 March 2009' is not of the form YYYY-MM-DD"
    )
    assert load_document(tmp_path / "a.txt", use_sidecar=False).date is None


def test_malformed_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text(
        "---\ntitle: A note\n- not a key\n---\nBody text of the note.\n", encoding="utf-8"
    )
    assert _problem(path) == "front matter line 3 is not 'key: value': '- not a key'"


def test_empty_standard_input() -> None:
    with pytest.raises(InputError) as info:
        load_text(" \n\t")
    assert str(info.value) == "-: no text on the input (empty or only whitespace)"


def test_batch_goes_on_past_bad_inputs(tmp_path: Path) -> None:
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    (tmp_path / "only-notes").mkdir()
    (tmp_path / "only-notes" / "a.meta.json").write_text("{}", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("The Commission adopted a proposal on 3 March 2009.", encoding="utf-8")
    shutil.copy(BAD / "empty.txt", tmp_path / "empty.txt")
    items = list(
        iter_inputs(
            [
                str(tmp_path / "missing"),
                str(empty_dir),
                str(tmp_path / "only-notes"),
                str(tmp_path / "empty.txt"),
                str(good),
            ]
        )
    )
    errors = [str(i) for i in items if isinstance(i, InputError)]
    kinds = ".htm .html .markdown .md .pdf .text .timeml .tml .txt .xhtml"
    assert errors == [
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{empty_dir}: folder has no documents ({kinds})",
        f"{tmp_path / 'only-notes'}: folder has no documents ({kinds})",
    ]
    loaded, failed = [], []
    for item in items:
        if isinstance(item, InputError):
            continue
        try:
            loaded.append(load_document(item).path)
        except InputError as exc:
            failed.append(str(exc))
    assert loaded == [str(good)]
    assert failed == [f"{tmp_path / 'empty.txt'}: empty file (0 bytes)"]
