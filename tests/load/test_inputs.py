"""iter_inputs: files, folders (recursive, sorted), include/exclude globs, standard input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from timeline.errors import InputError
from timeline.load import iter_inputs

from .conftest import FIXTURES

CORPUS = FIXTURES / "corpus"


def _rel(items: list[object]) -> list[str]:
    return [
        os.path.relpath(str(i), CORPUS) if not isinstance(i, InputError) else repr(i) for i in items
    ]


def test_folder_recursive_sorted_documents_only() -> None:
    items = list(iter_inputs([str(CORPUS)]))
    # hidden files, .meta.json / .events.json companions and .csv are not documents
    assert _rel(items) == [
        "ip-example-en.txt",
        "note-de.md",
        "sub/article-fr.tml",
        "sub/press-en.html",
    ]


def test_include_and_exclude() -> None:
    assert _rel(list(iter_inputs([str(CORPUS)], include=["*.html", "*.md"]))) == [
        "note-de.md",
        "sub/press-en.html",
    ]
    assert _rel(list(iter_inputs([str(CORPUS)], exclude=["sub/*"]))) == [
        "ip-example-en.txt",
        "note-de.md",
    ]
    items = list(iter_inputs([str(CORPUS)], include=["*.pdf"]))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert items[0].problem == "folder has no documents matching *.pdf"


def test_inputs_in_given_order_and_stdin_once() -> None:
    items = list(iter_inputs([str(CORPUS / "note-de.md"), "-", str(CORPUS / "sub"), "-"]))
    assert items[0] == str(CORPUS / "note-de.md")
    assert items[1] == "-"
    assert _rel(items[2:4]) == ["sub/article-fr.tml", "sub/press-en.html"]
    assert isinstance(items[4], InputError)
    assert str(items[4]) == "-: standard input given more than once"


def test_a_file_named_explicitly_is_yielded_whatever_its_suffix() -> None:
    assert list(iter_inputs([str(CORPUS / "table.csv")])) == [str(CORPUS / "table.csv")]


def test_deterministic() -> None:
    assert list(iter_inputs([str(CORPUS)])) == list(iter_inputs([str(CORPUS)]))


def test_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("The Commission adopted a proposal.", encoding="utf-8")
    (root / "loop").symlink_to(root)
    (root / "b.txt").symlink_to(root / "a.txt")
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    assert [Path(p).name for p in iter_inputs([str(root)])] == ["a.txt"]
    followed = [
        os.path.relpath(str(p), root) for p in iter_inputs([str(root)], follow_symlinks=True)
    ]
    assert followed == ["a.txt", "b.txt"]  # the loop back to the root is not walked twice
    items = list(iter_inputs([str(root / "dangling.txt")]))
    assert (
        str(items[0])
        == f"{root / 'dangling.txt'}: broken symbolic link (its target does not exist)"
    )


@pytest.mark.parametrize("name", ["a.TXT", "b.Html", "c.PDF"])
def test_suffixes_are_case_blind(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    assert [Path(p).name for p in iter_inputs([str(tmp_path)])] == [name]
