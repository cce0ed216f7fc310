"""The extraction cache: an embedded SQLite database next to the outputs.

Entries are keyed by a hash of the document's bytes (and its sidecar's), the options that change
what extraction gives, and the engine version — the package version plus a hash of every code and
resource file of the package — so a changed rule never serves a stale answer. Re-building after
adding one document re-extracts that one document only.

The cache is never trusted: a file that is not a SQLite database, a database of another program
or schema, or a row whose checksum does not match its payload is detected; the file is rebuilt
(or the row dropped) and the document extracted again. Writes happen in transactions, so a build
killed at any moment leaves a consistent cache. New entries are written in batches (one
transaction per :data:`BATCH` entries, and on :meth:`ExtractionCache.close`): a commit costs a
disk sync, and one per document made the cache the slowest part of a large build.

Besides extractions, the cache keeps what a build derives from a document and nothing else
(:meth:`ExtractionCache.get_derived`): the facts linking reads off its text and its TimeML, so
that a rebuild needs neither the text nor another pass over it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache as _memo
from pathlib import Path
from typing import Any

from timeline import __version__
from timeline.model import ActRef, Amount, Document, Event, Extraction, Timex

APPLICATION = "policy-timeline"
SCHEMA = 2
FILENAME = ".timeline-cache.sqlite"
#: New entries per transaction.
BATCH = 500


@_memo
def engine_version() -> str:
    """The package version and a hash of every code and resource file of the package."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".toml", ".json"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def cache_key(content: bytes, sidecar: bytes | None, options: dict[str, Any]) -> str:
    """The key of one document's extraction: its bytes, its sidecar, the options, the engine."""
    digest = hashlib.sha256(engine_version().encode())
    digest.update(hashlib.sha256(content).digest())
    digest.update(hashlib.sha256(sidecar or b"").digest())
    digest.update(json.dumps(options, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What a cache file holds."""

    path: str
    entries: int
    bytes: int
    engine_versions: tuple[str, ...]


class ExtractionCache:
    """A SQLite file of extractions keyed by :func:`cache_key`.

    ``rebuilt`` says why the file was rebuilt on opening (None when it was sound).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rebuilt: str | None = None
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[str, str, str, bytes]] = []
        self._pending_derived: list[tuple[str, str, str, bytes]] = []
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        problem = None
        if self.path.exists():
            try:
                db = sqlite3.connect(self.path)
                rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if rows.get("application") != APPLICATION:
                    problem = "it belongs to another program"
                elif rows.get("schema") != str(SCHEMA):
                    problem = f"its schema {rows.get('schema')} is not {SCHEMA}"
                elif db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    problem = "it is corrupt"
                else:
                    db.execute("PRAGMA synchronous = NORMAL")
                    return db
                db.close()
            except sqlite3.DatabaseError as exc:
                problem = f"it is not a readable cache ({exc})"
            self.rebuilt = problem
            self.path.unlink()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA synchronous = NORMAL")
        with db:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute(
                "CREATE TABLE extraction (key TEXT PRIMARY KEY, engine TEXT NOT NULL,"
                " checksum TEXT NOT NULL, payload BLOB NOT NULL)"
            )
            db.execute(
                "CREATE TABLE derived (key TEXT NOT NULL, kind TEXT NOT NULL,"
                " checksum TEXT NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (key, kind))"
            )
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("application", APPLICATION), ("schema", str(SCHEMA))],
            )
        return db

    def get(self, key: str) -> Extraction | None:
        """The cached extraction of ``key``, or None (a damaged row is dropped, not trusted)."""
        self.flush()
        row = self._db.execute(
            "SELECT checksum, payload FROM extraction WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            self.misses += 1
            return None
        checksum, payload = row
        try:
            if hashlib.sha256(payload).hexdigest() != checksum:
                raise ValueError("checksum mismatch")
            extraction = extraction_from_json(json.loads(zlib.decompress(payload)))
        except (ValueError, KeyError, TypeError, zlib.error):
            with self._db:
                self._db.execute("DELETE FROM extraction WHERE key = ?", (key,))
            self.misses += 1
            return None
        self.hits += 1
        return extraction

    def put(self, key: str, extraction: Extraction) -> None:
        """Store one extraction (written with the next batch, or on :meth:`close`)."""
        payload = zlib.compress(
            json.dumps(extraction_to_json(extraction), ensure_ascii=False).encode(), 6
        )
        self._pending.append((key, engine_version(), hashlib.sha256(payload).hexdigest(), payload))
        if len(self._pending) >= BATCH:
            self.flush()

    def get_derived(self, keys: Iterable[str], kind: str) -> dict[str, Any]:
        """What :meth:`put_derived` stored as ``kind`` for each of ``keys`` that has it.

        One query per thousand keys; a damaged row is left out (and dropped), never trusted.
        """
        self.flush()
        wanted = list(dict.fromkeys(keys))
        out: dict[str, Any] = {}
        bad: list[str] = []
        for i in range(0, len(wanted), 1000):
            part = wanted[i : i + 1000]
            rows = self._db.execute(
                "SELECT key, checksum, payload FROM derived WHERE kind = ? AND key IN"
                f" ({','.join('?' * len(part))})",
                (kind, *part),
            ).fetchall()
            for key, checksum, payload in rows:
                try:
                    if hashlib.sha256(payload).hexdigest() != checksum:
                        raise ValueError("checksum mismatch")
                    out[key] = json.loads(zlib.decompress(payload))
                except (ValueError, zlib.error):
                    bad.append(key)
        if bad:
            with self._db:
                self._db.executemany(
                    "DELETE FROM derived WHERE key = ? AND kind = ?", [(k, kind) for k in bad]
                )
        return out

    def put_derived(self, key: str, kind: str, value: Any) -> None:
        """Store JSON-ready ``value`` as what a build derived (``kind``) from entry ``key``."""
        payload = zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)
        self._pending_derived.append((key, kind, hashlib.sha256(payload).hexdigest(), payload))
        if len(self._pending_derived) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the pending entries in one transaction."""
        if not (self._pending or self._pending_derived):
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?)", self._pending
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?)", self._pending_derived
            )
        self._pending.clear()
        self._pending_derived.clear()

    def stats(self) -> CacheStats:
        """How many entries, how many bytes, and which engine versions made them."""
        self.flush()
        n, size = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM extraction"
        ).fetchone()
        engines = tuple(
            r[0] for r in self._db.execute("SELECT DISTINCT engine FROM extraction ORDER BY 1")
        )
        return CacheStats(str(self.path), int(n), int(size), engines)

    def prune(self) -> int:
        """Drop the entries made by other engine versions; returns how many."""
        self.flush()
        with self._db:
            cur = self._db.execute("DELETE FROM extraction WHERE engine != ?", (engine_version(),))
            self._db.execute("DELETE FROM derived WHERE key NOT IN (SELECT key FROM extraction)")
        return cur.rowcount

    def clear(self) -> int:
        """Drop every entry; returns how many."""
        self._pending.clear()
        self._pending_derived.clear()
        with self._db:
            cur = self._db.execute("DELETE FROM extraction")
            self._db.execute("DELETE FROM derived")
        self._db.execute("VACUUM")
        return cur.rowcount

    def close(self) -> None:
        """Write what is pending and close the file."""
        try:
            self.flush()
        finally:
            self._db.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- full-fidelity JSON of an Extraction (the cache's own format, not the contract) ---------


def _timex(d: dict[str, Any] | None) -> Timex | None:
    return None if d is None else Timex(**d)


def extraction_to_json(x: Extraction) -> dict[str, Any]:
    """Every field of an extraction, as JSON-ready data."""

    def timex(t: Timex | None) -> dict[str, Any] | None:
        if t is None:
            return None
        return {f: getattr(t, f) for f in Timex.__dataclass_fields__}

    doc = {f: getattr(x.document, f) for f in Document.__dataclass_fields__}
    events = []
    for e in x.events:
        d = {f: getattr(e, f) for f in Event.__dataclass_fields__}
        d["acts"] = [{f: getattr(a, f) for f in ActRef.__dataclass_fields__} for a in e.acts]
        d["amounts"] = [{f: getattr(a, f) for f in Amount.__dataclass_fields__} for a in e.amounts]
        d["timex"] = timex(e.timex)
        events.append(d)
    return {"document": doc, "events": events, "timexes": [timex(t) for t in x.timexes]}


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the frozen dataclasses hold."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    """The inverse of :func:`extraction_to_json`."""
    doc = Document(**{k: _tuples(v) for k, v in data["document"].items()})
    events = []
    for d in data["events"]:
        fields = {k: _tuples(v) for k, v in d.items() if k not in {"acts", "amounts", "timex"}}
        acts = tuple(ActRef(**{k: _tuples(v) for k, v in a.items()}) for a in d["acts"])
        amounts = tuple(Amount(**{k: _tuples(v) for k, v in a.items()}) for a in d["amounts"])
        timex = d["timex"]
        events.append(Event(**fields, acts=acts, amounts=amounts, timex=_timex(timex)))
    timexes = tuple(t for t in (_timex(t) for t in data["timexes"]) if t is not None)
    return Extraction(document=doc, events=tuple(events), timexes=timexes)


def iter_keys(cache: ExtractionCache) -> Iterator[str]:
    """Every key in the cache, sorted."""
    cache.flush()
    yield from (r[0] for r in cache._db.execute("SELECT key FROM extraction ORDER BY key"))
