"""A language's compiled patterns kept on disk, so that a new process does not compile them again.

Compiling a grammar is mostly Python work: ``re`` parses each pattern in Python
(``re._parser``), :mod:`timeline.temporal.firstchars` walks the parsed patterns again to find
their openings and :mod:`timeline.temporal.lowered` rewrites them for lower-cased texts; only
the last step, ``_sre.compile`` of the finished code, is in C. The store keeps what those steps
produce: for each pattern its ``_sre`` code (a list of integers) and group names, and the
first-token facts of each rule. A process that finds a store made from the same resource
files, the same engine and the same Python only calls ``_sre.compile``: the same code gives
the same pattern, so matches are the same by construction.

The file is JSON (nothing in it is executed) named by a hash of everything it depends on
(resource texts, engine sources, Python version and ``_sre.MAGIC``): a change makes a new name,
never a stale read. It is read only when it and its folder belong to the current user and
nobody else can write to them (another user cannot plant patterns), and only when its recorded
key and payload checksum agree; ``_sre.compile`` checks the code itself. Anything wrong and the
store is ignored: the grammar is compiled as if there were none, and written anew.

The folder is ``$TIMELINE_GRAMMAR_CACHE`` when set (``off`` turns the store off), else
``$XDG_CACHE_HOME/policy-timeline/grammars``, else ``~/.cache/policy-timeline/grammars``.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import array
import base64
import binascii
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from re import _compiler as _C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

from timeline.fileio import write_atomic

#: an ``array`` type code whose items are ``_sre`` code words (native byte order: in the key)
_CODE_TYPE = next(t for t in "IL" if array.array(t).itemsize == _sre.CODESIZE)
#: stores kept per language (other engines, other resource versions); the least recently
#: used beyond this are removed when a new one is written
KEEP = 8
#: bumped when the file layout changes
FORMAT = 1
ENV = "TIMELINE_GRAMMAR_CACHE"
#: the engine modules whose source goes into the key (what they compute is stored)
_ENGINE = ("grammar.py", "firstchars.py", "lowered.py", "store.py")

#: a compiled pattern as stored: source (None when compiled from a parsed tree), flags, code
#: (base64 of its words), number of groups, group index, index group
Parts = list[Any]


def parts_of(pattern: str | Any, flags: int = 0) -> Parts:
    """What ``re`` compiles ``pattern`` (a string, or a tree parsed by ``re._parser``) into,
    as plain data: the steps of ``re._compiler.compile`` before its call to ``_sre``."""
    if isinstance(pattern, str):
        source: str | None = pattern
        parsed = P.parse(pattern, flags)
    else:
        source, parsed = None, pattern
    code = _C._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    packed = base64.b64encode(array.array(_CODE_TYPE, code).tobytes()).decode("ascii")
    return [source, flags | parsed.state.flags, packed, parsed.state.groups - 1,
            groupindex, indexgroup]


def from_parts(parts: Parts) -> re.Pattern[str]:
    """The pattern of :func:`parts_of`'s data (raises when the data is not a valid pattern:
    ``_sre.compile`` checks the code)."""
    source, flags, packed, groups, groupindex, indexgroup = parts
    code = array.array(_CODE_TYPE)
    code.frombytes(base64.b64decode(packed, validate=True))
    pat: re.Pattern[str] = _sre.compile(
        source, flags, code.tolist(), groups, groupindex, tuple(indexgroup)
    )
    return pat


def folder() -> Path | None:
    """Where stores are kept, or None when the store is turned off."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):
        return None  # no home folder to keep it in
    return Path(base) / "policy-timeline" / "grammars"


def engine_digest() -> str:
    """A hash of what the stored data depends on besides the resources."""
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{sys.byteorder}\0".encode())
    here = Path(__file__).parent
    for name in _ENGINE:
        h.update((here / name).read_bytes())
    return h.hexdigest()


_ENGINE_DIGEST: list[str] = []


def key_of(language: str, texts: Iterable[tuple[str, str]]) -> str:
    """The store key of ``language`` compiled from resource ``texts`` ((name, text) pairs)."""
    if not _ENGINE_DIGEST:
        _ENGINE_DIGEST.append(engine_digest())
    h = hashlib.sha256(_ENGINE_DIGEST[0].encode())
    h.update(language.encode())
    for name, text in texts:
        h.update(f"\0{name}\0{len(text)}\0".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _writable(where: Path) -> bool:
    """Whether stores can be written in ``where`` (made, private to this user, writable)."""
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _private(os.stat(where)) and os.access(where, os.W_OK | os.X_OK)
    except OSError:
        return False


class Store:
    """One language's stored patterns and facts; loaded from disk when a valid file exists."""

    __slots__ = ("path", "key", "patterns", "facts", "hit", "dirty")

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key
        self.patterns: dict[str, Parts] = {}
        self.facts: dict[str, Any] = {}
        self.hit = False  # read from a valid file
        self.dirty = False  # holds something the file does not

    @classmethod
    def open(cls, language: str, texts: Iterable[tuple[str, str]]) -> Store | None:
        """The store of ``language`` for these resource texts (empty when no valid file is
        found), or None when the store is turned off."""
        where = folder()
        if where is None:
            return None
        key = key_of(language, texts)
        store = cls.at(where / f"{language}-{key}.json", key)
        if not store.hit and not _writable(where):
            return None  # made patterns could not be kept: compile lazily, as without a store
        return store

    @classmethod
    def at(cls, path: Path, key: str) -> Store:
        """The store in file ``path`` under ``key`` (empty when the file is not valid)."""
        store = cls(path, key)
        store._read()
        return store

    def _read(self) -> None:
        assert self.path is not None
        try:
            if not _private(os.stat(self.path.parent)):
                return
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st):
                return
            with os.fdopen(fd, "rb") as handle:
                fd = -1
                raw = handle.read()
        except OSError:
            return
        finally:
            if fd >= 0:
                os.close(fd)
        try:
            head, _, body = raw.partition(b"\n")
            meta = json.loads(head)
            if (
                meta.get("format") != FORMAT
                or meta.get("key") != self.key
                or meta.get("sha256") != hashlib.sha256(body).hexdigest()
            ):
                return
            data = json.loads(body)
            patterns, facts = data["patterns"], data["facts"]
            if not isinstance(patterns, dict) or not isinstance(facts, dict):
                return
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        self.patterns, self.facts, self.hit = patterns, facts, True
        try:
            os.utime(self.path)  # recently used: kept when old stores are removed
        except OSError:
            pass

    def compile(self, name: str, make: Callable[[], Parts | None]) -> re.Pattern[str] | None:
        """The pattern stored as ``name``, else the one ``make`` builds (kept for the file)."""
        parts = self.patterns.get(name)
        if parts is not None:
            try:
                return from_parts(parts)
            except (RuntimeError, TypeError, ValueError, OverflowError, binascii.Error):
                pass  # not a valid pattern: made again below
        elif name in self.patterns:
            return None  # stored as "cannot be made"
        parts = make()
        self.patterns[name] = parts  # type: ignore[assignment]
        self.dirty = True
        return None if parts is None else from_parts(parts)

    def fact(self, name: str, make: Callable[[], Any]) -> Any:
        """The JSON value stored as ``name``, else ``make()``'s (kept for the file)."""
        if name in self.facts:
            return self.facts[name]
        got = self.facts[name] = make()
        self.dirty = True
        return got

    def save(self) -> bool:
        """Write the store when it holds something new (atomically, readable by this user
        only); False when it cannot be written (the grammar works the same)."""
        if not self.dirty or self.path is None:
            return False
        body = json.dumps(
            {"patterns": self.patterns, "facts": self.facts}, separators=(",", ":"),
            sort_keys=True,
        ).encode("ascii")
        head = json.dumps(
            {"format": FORMAT, "key": self.key, "sha256": hashlib.sha256(body).hexdigest()}
        ).encode("ascii")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(os.stat(self.path.parent)):
                return False
            write_atomic(self.path, head + b"\n" + body, mode=0o600)
        except OSError:
            return False
        self.dirty = False
        self._prune()
        return True

    def _prune(self) -> None:
        """Remove this language's least recently used stores beyond :data:`KEEP`."""
        assert self.path is not None
        language = self.path.name.rsplit("-", 1)[0]
        try:
            found = [
                (p.stat().st_mtime, p.name, p)
                for p in self.path.parent.glob(f"{language}-*.json")
                if p.name.rsplit("-", 1)[0] == language
            ]
            for _, _, p in sorted(found, reverse=True)[KEEP:]:
                p.unlink()
        except OSError:
            pass  # another process pruned first
