"""Inputs to documents: files, folders (recursive, sorted), and ``-`` for standard input.

:func:`iter_inputs` never stops a batch for one bad input: it yields an
:class:`~timeline.errors.InputError` *item* for it (a missing path, a folder with no documents)
and goes on, so the caller reports it and continues::

    for item in iter_inputs(paths):
        if isinstance(item, InputError):
            report(item)               # item.path, item.problem
        elif item == "-":
            doc = load_text(sys.stdin.read())
        else:
            doc = load_document(item)  # may raise InputError for this file only
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch, translate
from functools import cache
from pathlib import Path
from typing import TypeAlias

from timeline.errors import InputError
from timeline.load._data import load_data
from timeline.load.document import FORMATS

#: What :func:`iter_inputs` yields: a path to load (``"-"`` for standard input), or the error of
#: an input that gives nothing to load.
InputItem: TypeAlias = str | InputError


def _matches(relative: str, name: str, patterns: Sequence[str]) -> bool:
    # A pattern with a slash is matched against the path relative to the folder given;
    # one without is matched against the file name, so "*.html" works at any depth.
    return any(fnmatch(relative if "/" in p else name, p) for p in patterns)


@cache
def _skip_names() -> re.Pattern[str]:
    """``[inputs] skip_names`` as one pattern over lower-cased names (``fnmatch`` rules)."""
    skip = load_data()["inputs"]["skip_names"]
    return re.compile("|".join(f"(?:{translate(str(p).lower())})" for p in skip) or "(?!)")


def _walk(root: Path, follow_symlinks: bool) -> list[tuple[str, str, str]]:
    """(path, path relative to ``root`` with slashes, name) of each file, sorted, depth first.

    One ``scandir`` per folder: a plain file or folder is told by its directory entry's type,
    with no ``stat`` call of its own (a 10,000-file corpus is scanned on every rebuild); only
    symbolic links (and file systems that give no type) are looked up. A list, made by one
    loop a folder: a rebuild lists every file of the corpus before anything else.
    """
    seen: set[tuple[int, int]] = set()
    files: list[tuple[str, str, str]] = []
    add = files.append

    def walk(folder: str, rel: str) -> None:
        if follow_symlinks:  # a link back up the tree must not loop
            try:
                st = os.stat(folder)
            except OSError:
                return
            if (st.st_dev, st.st_ino) in seen:
                return
            seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=_name)
        except OSError:  # unreadable, or gone: as os.walk, nothing from it
            return
        prefix = f"{rel}/" if rel else ""
        dirs: list[os.DirEntry[str]] = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows a link, as os.walk sorts them
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and (follow_symlinks or not entry.is_symlink()):
                    dirs.append(entry)
                continue
            if name.startswith(".") or (not follow_symlinks and entry.is_symlink()):
                continue
            try:
                if not entry.is_file():
                    continue  # a dangling link, a pipe, a socket: nothing to read
            except OSError:
                continue
            add((entry.path, prefix + name, name))
        for entry in dirs:
            walk(entry.path, prefix + entry.name)

    walk(os.fspath(root), "")
    return files


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _folder_items(
    root: Path, shown: str, include: Sequence[str], exclude: Sequence[str], follow_symlinks: bool
) -> Iterator[InputItem]:
    found = 0
    skip = _skip_names().match
    base = os.path.join(shown, "")  # the folder as given, and a separator unless it ends so
    for _path, relative, name in _walk(root, follow_symlinks):
        if skip(name.lower()):
            continue
        if include:
            if not _matches(relative, name, include):
                continue
        else:  # os.path.splitext's suffix: names starting with a dot were skipped already
            dot = name.rfind(".")
            if (name[dot:].lower() if dot > 0 else "") not in FORMATS:
                continue
        if exclude and _matches(relative, name, exclude):
            continue
        found += 1
        yield base + relative
    if not found:
        kinds = " ".join(sorted(FORMATS))
        what = f"matching {', '.join(include)}" if include else f"({kinds})"
        also = f" after excluding {', '.join(exclude)}" if exclude else ""
        yield InputError(shown, f"folder has no documents {what}{also}")


def iter_inputs(
    inputs: Sequence[str],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
) -> Iterator[InputItem]:
    """The documents named by ``inputs``, in input order, folders walked recursively and sorted.

    A file given by name is yielded whatever its suffix (``include``/``exclude`` apply to files
    found in folders). ``-`` stands for standard input and is yielded once. A missing path or a
    folder with no documents yields an :class:`InputError` item and the walk goes on. Symbolic
    links inside folders are skipped unless ``follow_symlinks``; hidden files and folders are
    always skipped, as are the names of ``[inputs] skip_names`` in ``load.toml`` (README,
    LICENSE, the corpus's ``.meta.json`` and ``.events.json`` companions).
    """
    stdin_seen = False
    for raw in inputs:
        if raw == "-":
            if stdin_seen:
                yield InputError("-", "standard input given more than once")
                continue
            stdin_seen = True
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _folder_items(path, raw, include, exclude, follow_symlinks)
        elif path.exists():
            yield raw
        elif path.is_symlink():
            yield InputError(raw, "broken symbolic link (its target does not exist)")
        else:
            yield InputError(raw, "no such file or folder")
