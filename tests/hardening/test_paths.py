"""Paths: names derived from documents stay in the output folder; symlinks stay in the input folder.

``timeline build`` names one output per document (``timeml/STEM.tml``) after the document's
path, which an attacker who supplies documents controls. Input folders may hold symbolic links
that point out of them (``secret -> /etc``); they are not followed unless asked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import timeline
from timeline.errors import InputError
from timeline.fileio import safe_stem, write_atomic
from timeline.load import iter_inputs

HOSTILE_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "a/../../b.txt",
    "\x00evil.txt",
    "nul\x00byte.txt",
    "..",
    ".",
    "",
    "....txt",
    ".hidden.txt",
    "-rf.txt",
    "\u202etxt.exe",
    "ﬁle ＼..／x.txt",  # compatibility forms of backslash and slash
    "\u2215etc\u2215passwd",  # DIVISION SLASH
    "Ω\u0301" * 300 + ".txt",
    "😀.txt",
    "C:\\Windows\\system32\\x.txt",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=[repr(n)[:30] for n in HOSTILE_NAMES])
def test_safe_stem_is_one_plain_component(name: str, tmp_path: Path) -> None:
    stem = safe_stem(name)
    assert stem and stem not in (".", "..")
    assert "/" not in stem and "\\" not in stem and "\x00" not in stem
    assert not stem.startswith((".", "-"))
    assert stem.isascii() and stem.isprintable()
    assert len(stem.encode("utf-8")) + len(".tml") <= 255
    written = write_atomic(tmp_path / (stem + ".tml"), "x")
    assert written.resolve().parent == tmp_path.resolve()


def test_safe_stem_keeps_distinct_documents_distinct() -> None:
    taken: set[str] = set()
    names = ["a/x.txt", "b/x.txt", "x.html", "x", "../x.txt", "x\x00.txt"]
    stems = [safe_stem(n, taken) for n in names]
    assert len(set(stems)) == len(names), stems


ODD_FILE_NAMES = [
    "x\\..\\..\\escape.txt",  # a backslash is an ordinary character in a POSIX name
    "\u202eevil.txt",
    "-n.txt",
    " leading space.txt",
    "ünïcödé ＼ ／.txt",
    "x" * 200 + ".txt",
    "same.txt",
]


def test_build_writes_every_per_document_output_inside_the_output_folder(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for name in ODD_FILE_NAMES:
        (src / name).write_text("On 3 March 2009 the Commission adopted the proposal.\n", "utf-8")
        (src / (name[:-4] + ".meta.json")).write_text('{"language": "en"}', "utf-8")
    (src / "sub" / "same.txt").write_text("On 4 May 2010 the Council agreed.\n", "utf-8")
    (src / "sub" / "same.meta.json").write_text('{"language": "en"}', "utf-8")
    out = tmp_path / "out"
    result = timeline.build([src], out, formats=["timeml"], jobs=1, use_cache=False)
    assert not result.failures, result.failures
    root = out.resolve()
    for path in result.outputs:
        assert path.resolve().is_relative_to(root), path
    on_disk = sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(src))
    assert all(p.resolve().is_relative_to(root) for p in on_disk), on_disk
    tml = sorted((out / "timeml").glob("*.tml"))
    assert len(tml) == len(ODD_FILE_NAMES) + 1  # the two same.txt do not overwrite each other


def _tree_with_links(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("On 1 January 2001 a secret was kept.\n", "utf-8")
    (outside / "deep").mkdir()
    (outside / "deep" / "more.txt").write_text("On 2 February 2002 more happened.\n", "utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "own.txt").write_text("On 3 March 2003 the folder's own text.\n", "utf-8")
    os.symlink(outside / "secret.txt", src / "link-to-file.txt")
    os.symlink(outside, src / "link-to-folder")
    os.symlink(src, src / "loop")  # a link back up the tree
    os.symlink(tmp_path / "missing.txt", src / "dangling.txt")
    return src, outside


def test_links_inside_an_input_folder_are_not_followed_by_default(tmp_path: Path) -> None:
    src, _ = _tree_with_links(tmp_path)
    items = list(iter_inputs([str(src)]))
    assert items == [str(src / "own.txt")]


def test_links_are_followed_when_asked_without_looping(tmp_path: Path) -> None:
    src, _ = _tree_with_links(tmp_path)
    items = list(iter_inputs([str(src)], follow_symlinks=True))
    assert not [i for i in items if isinstance(i, InputError)]
    names = sorted(Path(str(i)).name for i in items)
    # the file link, and the folder link's two files; the loop back up is walked once
    assert names == ["link-to-file.txt", "more.txt", "own.txt", "secret.txt"], names


def test_build_of_a_folder_does_not_read_through_its_links(tmp_path: Path) -> None:
    src, _ = _tree_with_links(tmp_path)
    (src / "own.meta.json").write_text('{"language": "en"}', "utf-8")
    result = timeline.build([src], tmp_path / "out", formats=["timeml"], jobs=1, use_cache=False)
    paths = [x.document.path for x in result.extractions]
    assert paths == [str(src / "own.txt")]
    assert "secret" not in (tmp_path / "out" / "events.json").read_text("utf-8")


def test_a_link_given_by_name_is_read(tmp_path: Path) -> None:
    """Naming a link on the command line is asking for it."""
    src, outside = _tree_with_links(tmp_path)
    assert list(iter_inputs([str(src / "link-to-file.txt")])) == [str(src / "link-to-file.txt")]


def test_an_output_that_is_a_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / "timeline.json")
    write_atomic(out / "timeline.json", "{}\n")
    assert victim.read_text("utf-8") == "keep me"
    assert not (out / "timeline.json").is_symlink()


def test_a_linked_subfolder_of_the_output_is_not_written_through(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("On 3 March 2009 the Commission adopted it.\n", "utf-8")
    (src / "a.meta.json").write_text('{"language": "en"}', "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "timeml")
    try:
        timeline.build([src], out, formats=["timeml"], jobs=1, use_cache=False)
    except timeline.TimelineError:
        pass  # refusing is fine
    assert list(elsewhere.iterdir()) == []
