"""Output fragments memoised across builds (:class:`Fragments`), for incremental rendering.

A build after adding one document links a timeline whose entries are nearly all the ones the
last build had. The writers (``timeline.json``, ``timeline.html``, ``events.csv``,
``timelinejs.json``, ``deadlines.ics``) assemble their text from one fragment per entry; given a
:class:`Fragments`, each fragment is looked up by a digest of the entry's whole content and of
what else it depends on (its lane's name, whether the entries it links to exist...), and only
the fragments of changed entries are encoded again. The files are the same bytes either way.

The store is any ``MutableMapping[str, bytes]`` the caller keeps between builds (a dict, a
``shelve``, a table of the build cache); keys are ASCII strings, values UTF-8. Keys carry
:data:`VERSION`, so fragments written by an older renderer are never used; :meth:`Fragments.prune`
drops what this build did not use. Neither ``timeline.link`` nor ``timeline.render`` owns this
module: both use it without importing each other.

A build keeps no store of its own: with :attr:`Fragments.locate`, each file written through
:meth:`Fragments.tracked` records where its fragments lie (:attr:`Fragments.located`), and the
next build cuts them out of the files it finds unchanged (``timeline.pipeline``'s
``_PersistedFragments``), each file read by the process that writes it again
(:attr:`Fragments.sources`).
"""

from __future__ import annotations

import hashlib
import marshal
import operator
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from itertools import islice
from os import PathLike
from pathlib import PurePath
from typing import Any

from timeline.model import ActRef, Entry, Source

__all__ = ["VERSION", "Fragments"]

#: Changes whenever a writer's fragment for the same input would change.
VERSION = "1"

_ENTRY_FIELDS = operator.attrgetter(*(f for f in Entry.__slots__ if f not in ("acts", "sources")))
_ACT_FIELDS = operator.attrgetter(*ActRef.__slots__)
_SOURCE_FIELDS = operator.attrgetter(*Source.__slots__)


def entry_digest(entry: Entry) -> str:
    """A digest of every field of ``entry``, its acts and sources: equal entries, equal digests,
    in any process (marshal format 2 has no back-references, so it depends on values only)."""
    data = (
        _ENTRY_FIELDS(entry),
        [_ACT_FIELDS(a) for a in entry.acts],
        [_SOURCE_FIELDS(s) for s in entry.sources],
    )
    try:
        payload = marshal.dumps(data, 2)
    except ValueError:  # a value marshal cannot write (a subclass...): its repr instead
        payload = repr(data).encode("utf-8", "surrogatepass")
    return hashlib.sha1(payload).hexdigest()


class Fragments:
    """Fragments of output text memoised in ``store`` (a dict when None).

    :meth:`get` answers a fragment from the store or makes and stores it; :attr:`hits` and
    :attr:`misses` count both; :meth:`prune` removes what no :meth:`get` asked for since this
    object was made (the fragments of entries gone from the corpus).

    With ``remember`` False every fragment is made, never looked up nor stored, and no key is
    recorded (:attr:`used`, :attr:`made` stay empty): the writers still stream their files
    piece by piece, and memory does not grow with the output (a corpus too large to keep its
    fragments).
    """

    def __init__(
        self, store: MutableMapping[str, bytes] | None = None, *, remember: bool = True
    ) -> None:
        self.store: MutableMapping[str, bytes] = {} if store is None else store
        self.remember = remember
        self.used: set[str] = set()
        #: The keys this object stored (fragments made this build): what a persistent store
        #: has to write back.
        self.made: set[str] = set()
        self.hits = 0
        self.misses = 0
        #: Values the writers of one build share (the digests of a graph's nodes and edges).
        self.shared: dict[str, Any] = {}
        # entry digests by object (the entry is kept so its id is not reused): every writer
        # asks for the same entries' digests
        self._digests: dict[int, tuple[Entry, str]] = {}
        #: Whether :meth:`tracked` records where each fragment lands in the files written
        #: (:attr:`located`): set by a caller that keeps the fragments in the output files.
        self.locate = False
        #: Each file written through :meth:`tracked` (by name): the keys of the fragments it
        #: holds, each one's offset and length, in file order, and the file's size.
        self.located: dict[str, tuple[list[str], list[int], list[int], int]] = {}
        # the fragments handed out since the last tracked file, and their keys, in the order
        # asked for (with ``locate``)
        self._asked: list[tuple[list[bytes], list[str]]] = []
        #: Loaders of fragments into :attr:`store` by the file they lie in (its name): each is
        #: called once, when a writer first asks for a kind of that file's (a kind is its
        #: file's name, or that name, a space and more), in the process that writes it.
        self.sources: dict[str, Callable[[], object]] = {}

    def entry_key(self, entry: Entry) -> str:
        """The digest of ``entry`` (:func:`entry_digest`), computed once per entry object;
        ``""`` with a memo that keeps nothing (no fragment is looked up by its key then: a
        digest of every entry, held by every writing process, would be work and memory
        spent on nothing)."""
        if not self.remember:
            return ""
        known = self._digests.get(id(entry))
        if known is not None and known[0] is entry:
            return known[1]
        digest = entry_digest(entry)
        self._digests[id(entry)] = (entry, digest)
        return digest

    def get(self, kind: str, key: str, make: Callable[[], str]) -> bytes:
        """The fragment ``kind`` of ``key`` (a digest of all it depends on) as UTF-8, made by
        ``make`` when unknown. Bytes: a writer joins the fragments of a 20 MB file as bytes,
        without decoding them (or widening the whole text for one emoji)."""
        if not self.remember:
            self.misses += 1
            return make().encode("utf-8", "surrogatepass")
        if self.sources:
            self._load(kind)
        full = f"{VERSION}:{kind}:{key}"
        self.used.add(full)
        found = self.store.get(full)
        if found is not None:
            self.hits += 1
        else:
            found = make().encode("utf-8", "surrogatepass")
            self.store[full] = found
            self.made.add(full)
            self.misses += 1
        if self.locate:
            self._asked.append(([found], [full]))
        return found

    def get_all(self, kind: str, keys: Sequence[str], make: Callable[[int], str]) -> list[bytes]:
        """The fragments ``kind`` of ``keys``, in order, as :meth:`get` answers each (the same
        bytes, counts and keys used), ``make(i)`` making the one of ``keys[i]`` when unknown:
        one pass over a writer's entries instead of one call each (at 10,000 documents the
        writers ask for about 200,000 fragments)."""
        prefix = f"{VERSION}:{kind}:"
        if not self.remember:
            self.misses += len(keys)
            return [make(i).encode("utf-8", "surrogatepass") for i in range(len(keys))]
        if self.sources:
            self._load(kind)
        full = [prefix + k for k in keys]
        self.used.update(full)
        store = self.store
        found: list[bytes | None] = list(map(store.get, full))
        missing = [i for i, data in enumerate(found) if data is None]
        hits = len(full) - len(missing)
        for i in missing:
            key = full[i]
            data = store.get(key)  # made a moment ago for an equal key of this batch
            if data is None:
                data = make(i).encode("utf-8", "surrogatepass")
                store[key] = data
                self.made.add(key)
                self.misses += 1
            else:
                hits += 1
            found[i] = data
        self.hits += hits
        if self.locate:
            # a copy: a writer may extend the list it is given
            self._asked.append((list(found), full))  # type: ignore[arg-type]  # no None left
        return found  # type: ignore[return-value]  # every None replaced above

    def each(self, kind: str, keys: Sequence[str], make: Callable[[int], str]) -> Iterable[bytes]:
        """:meth:`get_all`'s fragments, in order, for a writer that streams them: with a memo
        that keeps nothing each one is made as it is asked for and let go once written (a
        list of them all would hold the whole file: about 0.9 MB per MB of a large corpus's
        text for the page or the CSV); else :meth:`get_all`'s list (the same bytes and
        counts either way)."""
        if self.remember:
            return self.get_all(kind, keys, make)
        self.misses += len(keys)
        return (make(i).encode("utf-8", "surrogatepass") for i in range(len(keys)))

    def _load(self, kind: str) -> None:
        """Call the loader of the file ``kind`` lies in (:attr:`sources`), if not yet."""
        load = self.sources.pop(kind.partition(" ")[0], None)
        if load is not None:
            load()

    def tracked(self, path: str | PathLike[str], pieces: Iterable[bytes]) -> Iterator[bytes]:
        """``pieces`` (a file's bytes in order), recording under the file's name in
        :attr:`located` where the fragments this memo handed out since the last call land
        (with :attr:`locate`; else the pieces pass as they are): what lets a later build read
        the fragments back from the file instead of a store of their own. A writer gives its
        fragments in the order it asked for them (skipping some, say), so each piece is
        compared with the next fragment expected, by identity: a fragment found elsewhere is
        simply not recorded. The pieces are given on joined, a few thousand at a time."""
        if not self.locate or not self.remember:
            yield from pieces
            return
        asked, self._asked = self._asked, []
        # what the writer asked for, in order (a fragment of a byte or none is not worth it)
        expected: list[tuple[bytes | None, str]] = [
            (data, key)
            for found, full in asked
            for data, key in zip(found, full, strict=True)
            if len(data) > 1
        ]
        expected.append((None, ""))  # a sentinel no piece is
        keys: list[str] = []
        offsets: list[int] = []
        lengths: list[int] = []
        position = 0
        at = 0
        want, key = expected[0]
        items = iter(pieces)
        while batch := list(islice(items, 4096)):
            for data in batch:
                size = len(data)
                if data is want:
                    keys.append(key)
                    offsets.append(position)
                    lengths.append(size)
                    at += 1
                    want, key = expected[at]
                position += size
            yield b"".join(batch)  # one piece: the file's writer loops once, not 4,096 times
        self.located[PurePath(path).name] = (keys, offsets, lengths, position)

    def merge(
        self,
        made: dict[str, bytes],
        used: set[str],
        hits: int = 0,
        located: dict[str, tuple[list[str], list[int], list[int], int]] | None = None,
    ) -> None:
        """Take in what a copy of this memo did in another process: the fragments it made
        (stored here as if made here), the keys it used, how many it found and where the
        fragments lie in the files it wrote (:attr:`located`)."""
        self.store.update(made)
        self.made.update(made)
        self.used.update(used)
        self.misses += len(made)
        self.hits += hits
        self.located.update(located or {})

    def prune(self) -> int:
        """Remove every stored fragment no :meth:`get` used; returns how many were removed."""
        stale = [k for k in self.store if k not in self.used]
        for k in stale:
            del self.store[k]
        return len(stale)


def context_key(*parts: object) -> str:
    """A short digest of a fragment's context (lane name, flags...), for a key."""
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
