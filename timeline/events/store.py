"""The event stage's compiled patterns and prefilter analyses kept on disk, so that a new process
does not make them again.

A process meets each language's event resources once and pays for them at once: ``re`` parses
and compiles about a hundred patterns per language in Python, and
:mod:`timeline.events.prefilter` parses each one again to find its literals. The first document
of each of six languages cost 0.45-0.55 CPU-s of event work, 0.15-0.2 s with the store (a tenth
of extracting 1,000 short documents in one process, most of extracting one). The grammar store (:mod:`timeline.temporal.store`) already keeps compiled
patterns as plain data in a private, checksummed JSON file; this module keeps the event stage's
in one more file of that folder (``events-<key>.json``):

* a pattern under its source and flags: its ``_sre`` code, given to ``_sre.compile`` as ``re``
  would (the same code gives the same pattern, so matches are the same by construction);
* a prefilter analysis (necessary or leading literals) under the pattern's source and flags.

Entries are named by what they are computed from, so a stored entry is right for any resource
file that asks for it; the file's key hashes the engine (Python, ``_sre``, the grammar store's
engine and this stage's prefilter source), so a change of those starts a new file. Entries made
in a process are written at :func:`checkpoint` (called after each document: at the first
document that made something, then after 2, 4, 8... such documents, so a cold run writes a
handful of times) and at exit. ``TIMELINE_GRAMMAR_CACHE=off`` turns it off, as for grammars.
"""

from __future__ import annotations

import atexit
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timeline.temporal.store import Store, parts_of

#: the modules whose output is stored (their source goes into the file's key)
_ENGINE = ("prefilter.py", "store.py")
#: the name of the store among the grammar store's files (no language is called so)
NAME = "events"


class _State:
    """The process's store (opened on first use) and when it is next written."""

    __slots__ = ("store", "opened", "made", "next_save", "patterns")

    def __init__(self) -> None:
        self.store: Store | None = None
        self.opened = False
        self.made = 0  # documents after which the store held something unwritten
        self.next_save = 1
        self.patterns: dict[tuple[str, int], re.Pattern[str]] = {}


_STATE = _State()


def _engine_texts() -> list[tuple[str, str]]:
    here = Path(__file__).parent
    return [(name, (here / name).read_text(encoding="utf-8")) for name in _ENGINE]


def _store() -> Store | None:
    """The store of this process, or None when it is turned off or cannot be kept."""
    state = _STATE
    if not state.opened:
        state.opened = True
        try:
            state.store = Store.open(NAME, _engine_texts())
        except OSError:
            state.store = None
    return state.store


def compiled(source: str, flags: int) -> re.Pattern[str]:
    """``re.compile(source, flags)``: the same pattern, read from the store when it holds it
    (raises ``re.error`` as ``re.compile`` does). One object per source and flags in a
    process, as ``re``'s own cache gives."""
    flags = int(flags)
    state = _STATE
    got = state.patterns.get((source, flags))
    if got is not None:
        return got
    store = _store()
    if store is None:
        got = re.compile(source, flags)
    else:
        made = store.compile(f"{flags}:{source}", lambda: parts_of(source, flags))
        got = made if made is not None else re.compile(source, flags)
    state.patterns[(source, flags)] = got
    return got


def analysed(kind: str, pattern: re.Pattern[str], make: Callable[[], Any]) -> Any:
    """``make()``, an analysis of ``pattern`` named ``kind``, read from the store when it holds
    it. The value must be JSON data; lists come back as lists (the caller restores types)."""
    store = _store()
    if store is None or not isinstance(pattern.pattern, str):
        return make()
    return store.fact(f"{kind}:{pattern.flags}:{pattern.pattern}", make)


def checkpoint() -> None:
    """Write what this process made, at the first document that made something and then at
    ever longer intervals (called once per document: cheap when nothing is new)."""
    state = _STATE
    store = state.store
    if store is None or not store.dirty:
        return
    state.made += 1
    if state.made >= state.next_save:
        state.next_save = state.made * 2
        _save(store)


def _save(store: Store) -> None:
    """Write the store with what other processes wrote to its file since it was read (two
    workers meeting different languages would otherwise each write theirs over the other's)."""
    if store.path is not None:
        other = Store.at(store.path, store.key)
        if other.hit:
            for name, parts in other.patterns.items():
                store.patterns.setdefault(name, parts)
            for name, value in other.facts.items():
                store.facts.setdefault(name, value)
    store.save()


@atexit.register
def _save_at_exit() -> None:
    store = _STATE.store
    if store is not None and store.dirty:
        _save(store)
