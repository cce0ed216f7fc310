"""Loading many small documents stays cheap (issue 8): no language detection when the sidecar
says the language, a body sample that tests only the longest lines for prose, and a folder
walk that finds the same files in the same order as before."""

from __future__ import annotations

import json
import os
import re
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.load import document as document_module
from timeline.load import iter_inputs, language, load_document
from timeline.load._data import load_data
from timeline.load.document import FORMATS


def _write(folder: Path, stem: str, text: str, meta: dict[str, object] | None) -> Path:
    path = folder / f"{stem}.txt"
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_no_detection_when_the_sidecar_gives_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(text: str) -> str | None:
        calls.append(text)
        return "fr"

    monkeypatch.setattr(document_module, "detect_language", counting)
    for i in range(20):
        _write(tmp_path, f"d{i:02d}", "The Council adopted it on 3 March 2009.", {"language": "de"})
    _write(tmp_path, "plain", "The Council adopted it on 3 March 2009.", {"date": "2009-03-03"})
    docs = [load_document(p) for p in iter_inputs([str(tmp_path)]) if isinstance(p, str)]
    assert [d.language for d in docs] == ["de"] * 20 + ["fr"]
    assert len(calls) == 1  # only the document whose sidecar has no language


def _old_body_sample(text: str, limit: int, min_words: int) -> str:
    """The body sample as first written: every line tested for prose, then ranked."""
    lines = [line.strip() for line in text.splitlines()]
    prose = [line for line in lines if len(language._word().findall(line)) >= min_words]
    if not prose:
        return " ".join(line for line in lines if line)[:limit]
    ranked = sorted(range(len(prose)), key=lambda i: (-len(prose[i]), i))
    out: list[str] = []
    size = 0
    for i in ranked:
        out.append(prose[i])
        size += len(prose[i]) + 1
        if size >= limit:
            break
    return "\n".join(out)[:limit]


_LINES = st.sampled_from(
    [
        "",
        "   ",
        "Menu",
        "Home > Press > 2009",
        "The Council adopted the directive on 3 March 2009.",
        "Le Conseil a adopté la directive le 3 mars 2009, après le vote du Parlement.",
        "Der Rat hat die Richtlinie am 3. März 2009 angenommen.",
        "1 2 3 4 5 6 7 8",
        "a b c d",
        "EN FR DE IT ES",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_LINES, max_size=30), st.sampled_from([0, 1, 40, 200, 1000]))
def test_body_sample_same_as_testing_every_line(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    min_words = language._settings()["min_words_per_line"]
    assert language.body_sample(text, limit=limit) == _old_body_sample(text, limit, min_words)


def test_body_sample_tests_few_lines_of_a_long_text(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = {"n": 0}
    word = language._word()

    class Counting:
        def findall(self, line: str) -> list[str]:
            counted["n"] += 1
            return word.findall(line)  # type: ignore[no-any-return]

    monkeypatch.setattr(language, "_word", lambda: Counting())
    line = "The Council adopted the directive on 3 March 2009 after a long debate in Parliament."
    text = "\n".join([line] * 20_000)
    sample = language.body_sample(text)
    assert sample.startswith("The Council adopted")
    assert 1 <= counted["n"] <= 5  # a handful of the 20,000 lines, not all of them


def _old_walk(root: Path, shown: str) -> list[str]:
    """The folder walk as first written with pathlib (no include/exclude)."""
    skip = load_data()["inputs"]["skip_names"]
    out = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            relative = PurePosixPath(path.relative_to(root).as_posix()).as_posix()
            if any(fnmatch(name.lower(), p.lower()) for p in skip):
                continue
            if path.suffix.lower() not in FORMATS:
                continue
            out.append(os.path.join(shown, *PurePosixPath(relative).parts))
    return out


def test_walk_finds_the_same_files_in_the_same_order(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for sub in ("", "b", "a", "a/z", "a/.hidden", "c d"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    names = [
        "x.txt",
        "X.TXT",
        "README.md",
        "readme.txt",
        "doc.meta.json",
        "doc.events.json",
        ".secret.txt",
        "page.html",
        "notes.docx",
        "a.",
        "report.PDF",
        "Ünïcode é.md",
    ]
    for sub in ("", "b", "a", "a/z", "a/.hidden", "c d"):
        for name in names:
            (root / sub / name).write_text("text", encoding="utf-8")
    (root / "link.txt").symlink_to(root / "x.txt")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    for shown in (str(root), str(root) + "/"):
        got = [p for p in iter_inputs([shown]) if isinstance(p, str)]
        assert got == _old_walk(root, shown)
        assert got and all(re.search(r"\.(txt|md|html|pdf)$", p, re.IGNORECASE) for p in got)


def test_a_language_the_loader_could_not_tell_is_not_detected_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.pipeline import extract_document

    calls: list[str] = []
    real = language._detect

    def counting(text: str) -> str | None:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(language, "_detect", counting)
    path = _write(tmp_path, "numbers", "12/03/2009 - 4.5.2016 | 123 456", None)
    doc = load_document(path)
    assert doc.language is None  # nothing to tell it by
    extraction = extract_document(doc)
    assert extraction.document.language == "en"  # the pipeline's default
    assert len(calls) == 1  # the loader detected; the pipeline reused its answer
    other = "99/03/2009 - 4.5.2016 | 123 456"
    assert language.detect_language(other) is None
    assert len(calls) == 2  # another text is detected


def test_a_normal_path_is_kept_as_pathlib_writes_it() -> None:
    """``load_document`` skips ``str(Path(path))`` when the path is already in that form: every
    path of up to seven characters of ``/``, ``.`` and ``a`` that it keeps is pathlib's own, and
    the others (empty, ``./a``, ``a//b``, ``a/./b``, ``a/``, ``a/.``) are not kept."""
    import itertools
    import os

    from timeline.load.document import _normal

    kept = 0
    for n in range(8):
        for chars in itertools.product("/.a", repeat=n):
            path = "".join(chars)
            if _normal(path):
                kept += 1
                assert str(Path(path)) == path, path
    assert kept > 300 and _normal("corpus/syn00001-en.txt") == (os.sep == "/")
    for path in ("", "./a", "a//b", "a/./b", "a/", "a/."):
        assert not _normal(path) and str(Path(path)) != path or path == "", path
