"""Which build of the extraction hot path runs: compiled by mypyc, or the pure Python sources.

``pip install -e .`` (and ``pip install .``) compiles the modules of :data:`COMPILED` with
mypyc when a C compiler is at hand (``setup.py``); the ``.py`` files stay the one source of
truth and are installed beside the compiled ones. The build writes :data:`MARKER` with a digest
of every ``timeline/**/*.py`` it compiled from. At ``import timeline``, :func:`guard` compares
that digest with the sources on disk, once; unless they agree (and ``TIMELINE_NATIVE`` is not
``off``) it puts a finder first on ``sys.meta_path`` that loads every compiled module from its
``.py`` file instead. All or nothing: compiled modules call each other directly in C, so one
stale module would mix old and new code. A developer who edits a ``.py`` in an editable install
thus runs the pure build until the next ``pip install -e .``; ``timeline --version`` tells which
build runs and why.

This module imports the standard library only: ``setup.py`` loads it from its file to learn the
module list and the digest before the package's dependencies are installed.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

#: The modules compiled by mypyc: the extraction hot path (load, temporal scan, event stage).
#: Session 8 measured these 13 (-13 % instructions). No module here may define a module-level
#: ``__getattr__``: mypyc's module init calls it before the module's globals exist and segfaults
#: (session 8's crash at 21 modules was load.language's; tests/native/test_compilable.py).
#: Session 10 built 17 (+ load.metadata, jsontext, events.resources, events.store): outputs
#: identical, no gain measured on the 10k extraction, and the event store's test failed.
COMPILED: tuple[str, ...] = (
    "timeline.events.extract",
    "timeline.events.prefilter",
    "timeline.events.acts",
    "timeline.events.dates",
    "timeline.events.split",
    "timeline.events.entities",
    "timeline.temporal.finder",
    "timeline.temporal.firstchars",
    "timeline.temporal.anchoring",
    "timeline.temporal.grammar",
    "timeline.load.document",
    "timeline.load.needs",
    "timeline.load.decode",
)

#: mypyc's group name: the shared library of the compiled code is ``timeline/_compiled__mypyc``.
GROUP = "timeline._compiled"

#: The file the build writes into the package once every compiled module is built.
MARKER = "_compiled.txt"

#: The environment variable that turns the compiled build off (``TIMELINE_NATIVE=off``).
ENV = "TIMELINE_NATIVE"

_ROOT = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True, slots=True)
class Build:
    """Which build runs: ``compiled`` or not, and ``reason`` in words (why not, or by what)."""

    compiled: bool
    reason: str

    def describe(self) -> str:
        """One line for ``--version``: "compiled (mypyc ...)" or "pure Python (why)"."""
        return f"compiled ({self.reason})" if self.compiled else f"pure Python ({self.reason})"


def source_digest(root: str = _ROOT) -> str:
    """A hash of every ``.py`` file under ``root`` (the package folder): names and bytes."""
    paths: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        paths.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: os.path.relpath(p, root).replace(os.sep, "/")):
        with open(path, "rb") as handle:
            data = handle.read()
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def marker_text(digest: str, mypy_version: str, modules: Sequence[str] = COMPILED) -> str:
    """The text of :data:`MARKER`: ``key=value`` lines (read by :func:`read_marker`)."""
    return f"digest={digest}\nmypy={mypy_version}\nmodules={','.join(modules)}\n"


def read_marker(root: str = _ROOT) -> dict[str, str] | None:
    """The build's marker as a dict, or None when there is none (the build is pure)."""
    try:
        with open(os.path.join(root, MARKER), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return dict(line.split("=", 1) for line in lines if "=" in line)


def _extension_of(name: str, root: str) -> str | None:
    """The compiled file of module ``name`` under ``root``, or None."""
    base = os.path.join(root, *name.split(".")[1:])
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if os.path.exists(base + suffix):
            return base + suffix
    return None


def check(root: str = _ROOT, environ: dict[str, str] | os._Environ[str] = os.environ) -> Build:
    """Whether the compiled modules under ``root`` may run, and why (or why not)."""
    if environ.get(ENV, "").strip().lower() in {"off", "0", "no", "false", "pure"}:
        return Build(False, f"{ENV}={environ[ENV]}")
    marker = read_marker(root)
    if marker is None:
        return Build(False, "not built: pip install -e . compiles it where a C compiler is")
    modules = tuple(m for m in marker.get("modules", "").split(",") if m)
    if not modules or set(modules) != set(COMPILED):
        return Build(False, "stale: built for another module list; run pip install -e . again")
    if any(_extension_of(name, root) is None for name in (*modules, GROUP + "__mypyc")):
        return Build(False, "incomplete build: a compiled module is missing")
    if marker.get("digest") != source_digest(root):
        return Build(False, "stale: timeline/*.py changed since the build; run pip install -e .")
    return Build(True, f"mypyc {marker.get('mypy', '?')}, {len(modules)} modules")


class PureFinder(importlib.abc.MetaPathFinder):
    """Loads each compiled module of the package from its ``.py`` source instead."""

    def __init__(self, root: str, names: Sequence[str]) -> None:
        self.root = root
        self.names = frozenset(names)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """The spec of ``fullname``'s ``.py`` file when it is a compiled module, else None."""
        if fullname not in self.names:
            return None
        source = os.path.join(self.root, *fullname.split(".")[1:]) + ".py"
        return importlib.util.spec_from_file_location(fullname, source)


_STATE: list[Build] = []


def guard() -> Build:
    """Decide once per process which build runs (``import timeline`` calls this first)."""
    if not _STATE:
        build = check()
        if not build.compiled and not any(
            isinstance(finder, PureFinder) for finder in sys.meta_path
        ):
            sys.meta_path.insert(0, PureFinder(_ROOT, COMPILED))
        _STATE.append(build)
    return _STATE[0]


def build() -> Build:
    """Which build this process runs, as decided by :func:`guard`; checks what was loaded."""
    decided = guard()
    if decided.compiled:
        for name in COMPILED:
            module = sys.modules.get(name)
            origin = getattr(module, "__file__", None) or ""
            if module is not None and origin.endswith(".py"):
                return Build(False, f"{name} was loaded from its source")
    return decided
