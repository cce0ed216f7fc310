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

A build keeps its own, smaller entries (the ``built`` table): what the outputs need of a
document and nothing else -- a *record* (its metadata and events without the text, and the facts
linking reads off the text, pickled and compressed), its ``events.json`` fragment as ready bytes,
and the size and hash of its TimeML file, whose content sits in a table of its own and is read
only when the file on disk differs. The worker that extracts a document makes its entry, so the
build process only stores bytes. Before linking, a rebuild reads only fragments and TimeML sizes
(:meth:`ExtractionCache.get_hits`); records are read back in bulk when linking asks for them
(:meth:`ExtractionCache.load_records`), so the build need not hold every document at once.

Two small tables spare a rebuild from reading unchanged files: ``files`` remembers the key of
each input by its ``stat`` signature (size, times, inode, and its sidecar's), and ``written``
the signature and hash of each TimeML file the build wrote. A signature is trusted only when the
file's last change is older than two seconds before the build began (by the file system's
clock), as git does with its index: a file rewritten within the same clock tick is hashed.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, replace
from functools import cache as _memo
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from timeline import __version__
from timeline.model import (
    ActRef,
    Amount,
    Document,
    Dossier,
    Event,
    Extraction,
    Timeline,
    Timex,
)

if TYPE_CHECKING:
    from timeline.link.facts import DocumentFacts

#: Bytes :meth:`ExtractionCache.put_memo_file` copies at a time.
MEMO_CHUNK = 1 << 20

APPLICATION = "policy-timeline"
SCHEMA = 5
FILENAME = ".timeline-cache.sqlite"
#: New entries per transaction.
BATCH = 500
#: Bytes of new build entries per transaction: long documents are written before
#: :data:`BATCH` of them are held (40 MB stream corpus: the extraction phase's RSS 211 -> 198 MB).
BATCH_BYTES = 16_000_000


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


#: SQLite's primary result codes for a damaged file: SQLITE_CORRUPT, SQLITE_NOTADB.
_DAMAGE_CODES = (11, 26)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite finding a cache file damaged (a malformed page, no database),
    as opposed to a locked or unwritable one: the file is then rebuilt, never trusted."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by the module itself, not the library: judge by its message
        return "malformed" in str(exc) or "not a database" in str(exc)
    return (code & 0xFF) in _DAMAGE_CODES


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

    Opening runs SQLite's ``PRAGMA quick_check`` over the whole file unless ``check`` is
    False (about 1.6 s on the 270 MB cache of 10,000 documents): a build opens it unchecked,
    since its reads touch nearly every page anyway, and treats the error SQLite raises on a
    damaged page (:func:`is_damage`) as a corrupt cache to rebuild.
    """

    def __init__(self, path: str | Path, *, check: bool = True) -> None:
        self.path = Path(path)
        self.check = check
        self.rebuilt: str | None = None
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[str, str, str, bytes]] = []
        self._pending_built: list[tuple[Any, ...]] = []
        self._pending_bytes = 0  # of the pending build entries
        self._pending_timeml: list[tuple[str, str, bytes]] = []
        self._pending_files: list[tuple[str, str, str]] = []
        self._pending_written: list[tuple[str, str, str]] = []
        self._pending_memo: dict[str, bytes | None] = {}  # None: to delete
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
                elif self.check and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
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
                "CREATE TABLE built (key TEXT PRIMARY KEY, engine TEXT NOT NULL,"
                " checksum INTEGER NOT NULL, record BLOB NOT NULL, fragment BLOB NOT NULL,"
                " timeml_size INTEGER, timeml_sha256 TEXT, slim BLOB NOT NULL)"
            )
            db.execute(
                "CREATE TABLE files (path TEXT PRIMARY KEY, signature TEXT NOT NULL,"
                " key TEXT NOT NULL)"
            )
            db.execute(
                "CREATE TABLE written (path TEXT PRIMARY KEY, signature TEXT NOT NULL,"
                " sha256 TEXT NOT NULL)"
            )
            db.execute(
                "CREATE TABLE memo (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                " checksum INTEGER NOT NULL)"
            )
            db.execute(
                "CREATE TABLE timeml (key TEXT PRIMARY KEY, checksum TEXT NOT NULL,"
                " payload BLOB NOT NULL)"
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

    def _rows(self, sql: str, keys: list[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql`` (a query ending in ``key IN``) for ``keys``, a thousand at a
        time."""
        for i in range(0, len(keys), 1000):
            part = keys[i : i + 1000]
            yield from self._db.execute(f"{sql} ({','.join('?' * len(part))})", part)

    def _drop_built(self, bad: list[str]) -> None:
        if bad:
            with self._db:
                self._db.executemany("DELETE FROM built WHERE key = ?", [(k,) for k in bad])

    def get_hits(self, keys: Iterable[str]) -> dict[str, BuiltHit]:
        """The fragment and TimeML size of each of ``keys`` stored as a build entry.

        The record is checked (its checksum) but not decoded; a damaged row is left out and
        dropped, never trusted, so its document is extracted again.
        """
        self.flush()
        wanted = list(dict.fromkeys(keys))
        out: dict[str, BuiltHit] = {}
        bad: list[str] = []
        sql = "SELECT key, checksum, record, fragment, timeml_size, timeml_sha256, slim FROM built"
        rows: Iterable[tuple[Any, ...]]
        stored = self._db.execute("SELECT count(*) FROM built").fetchone()[0] if wanted else 0
        if wanted and 2 * len(wanted) >= stored:
            # most of the table (a rebuild asks for nearly every row): read in its order, one
            # pass, instead of one look-up by key each (10,000 documents: 88 -> 69 CPU-ms)
            chosen = set(wanted)
            rows = (row for row in self._db.execute(sql) if row[0] in chosen)
        else:
            rows = self._rows(sql + " WHERE key IN", wanted)
        for key, checksum, record, fragment, size, sha, slim in rows:
            if _crc(record, fragment, slim) != checksum:
                bad.append(key)
            else:
                out[key] = BuiltHit(fragment, size, sha, slim)
        self._drop_built(bad)
        self.hits += len(out)
        self.misses += len(wanted) - len(out)
        return out

    def load_records(self, keys: Iterable[str]) -> dict[str, tuple[Extraction, DocumentFacts]]:
        """The extraction (without text) and facts stored for each of ``keys``, in bulk.

        Raises :class:`~timeline.errors.TimelineError` when one is missing or damaged (the
        build checked them moments before: the file changed under it).
        """
        from timeline.errors import TimelineError

        self.flush()
        wanted = list(dict.fromkeys(keys))
        out: dict[str, tuple[Extraction, DocumentFacts]] = {}
        sql = "SELECT key, checksum, record, fragment, slim FROM built WHERE key IN"
        for key, checksum, record, fragment, slim in self._rows(sql, wanted):
            try:
                if _crc(record, fragment, slim) != checksum:
                    raise ValueError("checksum mismatch")
                out[key] = decode_record(record)
            except ValueError as exc:
                raise TimelineError(
                    f"{self.path}: a record changed during the build ({exc})"
                ) from None
        if len(out) != len(wanted):
            raise TimelineError(f"{self.path}: {len(wanted) - len(out)} records vanished")
        return out

    def put_built(self, key: str, entry: EncodedBuilt) -> None:
        """Store a build entry made by :func:`encode_built` (written with the next batch)."""
        self._pending_built.append(
            (key, engine_version(), entry.checksum, entry.record, entry.fragment,
             entry.timeml_size, entry.timeml_sha256, entry.slim)
        )
        self._pending_bytes += len(entry.record) + len(entry.fragment) + len(entry.slim)
        if entry.timeml is not None:
            self._pending_timeml.append(
                (key, hashlib.sha256(entry.timeml).hexdigest(), entry.timeml)
            )
            self._pending_bytes += len(entry.timeml)
        if len(self._pending_built) >= BATCH or self._pending_bytes >= BATCH_BYTES:
            self.flush()

    def file_keys(self) -> dict[str, tuple[str, str]]:
        """Every input remembered: its path, and its stat signature and key."""
        self.flush()
        return {p: (s, k) for p, s, k in self._db.execute("SELECT path, signature, key FROM files")}

    def put_file_key(self, path: str, signature: str, key: str) -> None:
        """Remember the key of the input at ``path`` while its signature stays ``signature``."""
        self._pending_files.append((path, signature, key))

    def written(self, names: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """Every output file recorded (or those among ``names``): its name, and its stat
        signature and SHA-256. A dozen names are looked up, not the 10,000 TimeML files' rows
        read (about 10 CPU-ms)."""
        self.flush()
        sql = "SELECT path, signature, sha256 FROM written"
        if names is None:
            rows: Iterable[tuple[Any, ...]] = self._db.execute(sql)
        else:
            rows = self._rows(f"{sql} WHERE path IN", list(names))
        return {p: (s, h) for p, s, h in rows}

    def put_written(self, path: str, signature: str, sha256: str) -> None:
        """Record that the output file ``path`` held content of ``sha256`` at ``signature``."""
        self._pending_written.append((path, signature, sha256))

    @property
    def memo(self) -> Memo:
        """A mapping of bytes kept in this file for later builds (linked parts of a sharded
        link, say): written with the next batch of entries, read at once."""
        return Memo(self)

    def put_memo_file(self, key: str, path: str | Path, length: int, crc: int) -> bool:
        """Store the ``length`` bytes of the file ``path`` (CRC-32 ``crc``) as :attr:`memo`'s
        ``key`` now, in its own transaction, copied a megabyte at a time into the row (SQLite's
        incremental blob I/O): a value of hundreds of megabytes (the stored timeline of a
        large corpus) is never whole in memory. False, and nothing stored, when the file is
        not of that length."""
        path = Path(path)
        try:
            if path.stat().st_size != length:
                return False
        except OSError:
            return False
        self.flush()  # a pending value of ``key`` (or its deletion) goes first
        with self._db:
            cursor = self._db.execute(
                "INSERT OR REPLACE INTO memo VALUES (?, zeroblob(?), ?)", (key, length, crc)
            )
            rowid = cursor.lastrowid
            assert rowid is not None
            with self._db.blobopen("memo", "value", rowid) as blob, path.open("rb") as f:
                copied = 0
                while chunk := f.read(MEMO_CHUNK):
                    if copied + len(chunk) > length:  # grew since: the transaction undone
                        raise OSError(f"{path} changed while it was stored")
                    blob.write(chunk)
                    copied += len(chunk)
                if copied != length:
                    raise OSError(f"{path} changed while it was stored")
        return True

    def clock_ns(self) -> int:
        """The file system's time now (a new file's modification time, in ns), as a reference
        for which signatures may be trusted; never used in any output."""
        import os
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".clock.", suffix=".tmp", dir=self.path.parent)
        try:
            return os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
            os.unlink(tmp)

    def get_timeml(self, key: str) -> bytes | None:
        """The TimeML file stored with build entry ``key`` (None when missing or damaged)."""
        self.flush()
        row = self._db.execute(
            "SELECT checksum, payload FROM timeml WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        checksum, payload = row
        try:
            if hashlib.sha256(payload).hexdigest() != checksum:
                raise ValueError("checksum mismatch")
            return zlib.decompress(payload)
        except (ValueError, zlib.error):
            with self._db:
                self._db.execute("DELETE FROM timeml WHERE key = ?", (key,))
            return None

    def flush(self) -> None:
        """Write the pending entries in one transaction."""
        if not (
            self._pending or self._pending_built or self._pending_timeml or self._pending_files
            or self._pending_written or self._pending_memo
        ):
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?)", self._pending
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO built VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._pending_built
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO timeml VALUES (?, ?, ?)", self._pending_timeml
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?)", self._pending_files
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO written VALUES (?, ?, ?)", self._pending_written
            )
            self._db.executemany(
                "DELETE FROM memo WHERE key = ?",
                [(k,) for k, v in self._pending_memo.items() if v is None],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                [(k, v, zlib.crc32(v)) for k, v in self._pending_memo.items() if v is not None],
            )
        self._pending.clear()
        self._pending_built.clear()
        self._pending_bytes = 0
        self._pending_timeml.clear()
        self._pending_files.clear()
        self._pending_written.clear()
        self._pending_memo.clear()

    def stats(self) -> CacheStats:
        """How many entries, how many bytes, and which engine versions made them."""
        self.flush()
        (n,) = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT key FROM extraction UNION SELECT key FROM built)"
        ).fetchone()
        size = sum(
            self._db.execute(f"SELECT COALESCE(SUM(LENGTH({column})), 0) FROM {table}").fetchone()[0]
            for table, column in (
                ("extraction", "payload"), ("built", "record"), ("built", "fragment"),
                ("timeml", "payload"),
            )
        )
        engines = tuple(
            r[0]
            for r in self._db.execute(
                "SELECT engine FROM extraction UNION SELECT engine FROM built ORDER BY 1"
            )
        )
        return CacheStats(str(self.path), int(n), int(size), engines)

    def prune(self) -> int:
        """Drop the entries made by other engine versions; returns how many."""
        self.flush()
        with self._db:
            cur = self._db.execute("DELETE FROM extraction WHERE engine != ?", (engine_version(),))
            built = self._db.execute("DELETE FROM built WHERE engine != ?", (engine_version(),))
            self._db.execute("DELETE FROM timeml WHERE key NOT IN (SELECT key FROM built)")
            self._db.execute(
                "DELETE FROM files WHERE key NOT IN"
                " (SELECT key FROM built UNION SELECT key FROM extraction)"
            )
            self._db.execute("DELETE FROM memo")  # made by another engine, maybe
        return cur.rowcount + built.rowcount

    def clear(self) -> int:
        """Drop every entry; returns how many."""
        self._pending.clear()
        self._pending_built.clear()
        self._pending_bytes = 0
        self._pending_timeml.clear()
        self._pending_files.clear()
        self._pending_written.clear()
        self._pending_memo.clear()
        with self._db:
            cur = self._db.execute("DELETE FROM extraction")
            built = self._db.execute("DELETE FROM built")
            for table in ("timeml", "files", "written", "memo"):
                self._db.execute(f"DELETE FROM {table}")
        self._db.execute("VACUUM")
        return cur.rowcount + built.rowcount

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


class Memo(MutableMapping[str, bytes]):
    """:attr:`ExtractionCache.memo`: a ``str -> bytes`` mapping stored in the cache file.

    Changes are written with the cache's next batch (or on close), in its transaction; reads
    see them at once. Each value is stored with its CRC-32: a damaged one reads as missing
    (and is deleted), so its user makes it again. (A checksum finds damage; what a value is
    made of is for its user to distrust: the cache file may have been planted.)
    """

    def __init__(self, cache: ExtractionCache) -> None:
        self._cache = cache

    def __getitem__(self, key: str) -> bytes:
        pending = self._cache._pending_memo
        if key in pending:
            value = pending[key]
            if value is None:
                raise KeyError(key)
            return value
        row = self._cache._db.execute(
            "SELECT value, checksum FROM memo WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            raise KeyError(key)
        value, checksum = row
        if type(value) is not bytes or zlib.crc32(value) != checksum:
            pending[key] = None  # damaged: deleted with the next batch
            raise KeyError(key)
        return value

    def items_under(self, prefix: str) -> dict[str, bytes]:
        """Every sound value whose key starts with ``prefix``, in one read (damaged ones are
        left out and deleted)."""
        pending = self._cache._pending_memo
        rows = self._cache._db.execute(
            "SELECT key, value, checksum FROM memo WHERE key >= ? AND key < ?",
            (prefix, prefix + "\U0010ffff"),
        )
        crc = zlib.crc32
        out = {
            key: value
            for key, value, checksum in rows
            if type(value) is bytes and crc(value) == checksum
        }
        bad = [k for k in pending if k.startswith(prefix)]
        if len(out) < self._count(prefix):  # damaged rows (or not bytes): deleted
            for (key,) in self._cache._db.execute(
                "SELECT key FROM memo WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
            ):
                if key not in out:
                    pending[key] = None
        for key in bad:
            one = pending[key]
            if one is None:
                out.pop(key, None)
            else:
                out[key] = one
        return out

    def drop_under(self, prefix: str) -> int:
        """Delete every value whose key starts with ``prefix`` now (an index range: cheap
        when there is none); returns how many were stored."""
        pending = self._cache._pending_memo
        for key in [k for k in pending if k.startswith(prefix)]:
            del pending[key]
        n = self._count(prefix)
        if n:
            with self._cache._db:
                self._cache._db.execute(
                    "DELETE FROM memo WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
                )
        return n

    def _count(self, prefix: str) -> int:
        (n,) = self._cache._db.execute(
            "SELECT COUNT(*) FROM memo WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
        ).fetchone()
        return int(n)

    def __setitem__(self, key: str, value: bytes) -> None:
        self._cache._pending_memo[key] = bytes(value)

    def drop(self, keys: Iterable[str]) -> None:
        """Delete ``keys`` (with the next batch), those missing included: one statement per
        key at write time, no read now."""
        pending = self._cache._pending_memo
        for key in keys:
            pending[key] = None

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._cache._pending_memo[key] = None

    def __iter__(self) -> Iterator[str]:
        pending = self._cache._pending_memo
        stored = {r[0] for r in self._cache._db.execute("SELECT key FROM memo")}
        stored |= {k for k, v in pending.items() if v is not None}
        stored -= {k for k, v in pending.items() if v is None}
        return iter(sorted(stored))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True


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


# --- what a build keeps of a document (the ``built`` table) ---------------------------------


@dataclass(frozen=True, slots=True)
class BuiltRecord:
    """What a build keeps of one document: all its outputs need, without the text.

    ``extraction`` holds the document without its text and no time expressions; ``fragment``
    is its object of ``events.json`` as that file holds it (indented one level, UTF-8);
    ``timeml_size`` and ``timeml_sha256`` describe its TimeML file (None when none was made).
    """

    extraction: Extraction
    facts: DocumentFacts
    fragment: bytes
    timeml_size: int | None = None
    timeml_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class EncodedBuilt:
    """A build entry ready to store, made by the worker that extracted the document.

    ``record`` is the extraction (without text) and its facts, pickled and compressed: what
    linking reads back. ``fragment`` is the ``events.json`` piece as ready bytes, kept apart
    so that a rebuild writes ``events.json`` by concatenation without decoding any record.
    ``timeml`` is the compressed TimeML file (None when none was made).
    """

    record: bytes
    fragment: bytes
    timeml_size: int | None = None
    timeml_sha256: str | None = None
    timeml: bytes | None = None
    #: what a rebuild reads of every document without its record (JSON: the build's shard
    #: keys and the few facts the graph needs, see ``timeline.pipeline``)
    slim: bytes = b""

    @property
    def checksum(self) -> int:
        """The CRC-32 of the record, the fragment and the slim row (damage, not tampering, is
        what it finds: the loader accepts only the model's classes, see
        :class:`_RecordLoader`)."""
        return _crc(self.record, self.fragment, self.slim)


def _crc(record: bytes, fragment: bytes, slim: bytes) -> int:
    """The checksum of a build entry's record, fragment and slim row."""
    return zlib.crc32(slim, zlib.crc32(fragment, zlib.crc32(record)))


@dataclass(frozen=True, slots=True)
class BuiltHit:
    """What a build needs of a cached document before linking: its ``events.json`` fragment
    and the size and hash its TimeML file should have."""

    fragment: bytes
    timeml_size: int | None
    timeml_sha256: str | None
    slim: bytes = b""


class _RecordLoader(pickle.Unpickler):
    """Unpickles a stored record, refusing anything but the model classes a record holds
    (:func:`_dispatch_table`), so a cache file is data: a forged row cannot make the build
    import or call anything else."""

    def find_class(self, module: str, name: str) -> Any:
        make = _record_classes().get((module, name))
        if make is None:
            raise pickle.UnpicklingError(f"a cache record names {module}.{name}")
        return make


@_memo
def _record_classes() -> dict[tuple[str, str], Callable[..., Any]]:
    return {(cls.__module__, cls.__qualname__): _interning(cls) for cls in _dispatch_table()}


def _interning(cls: type) -> Callable[..., Any]:
    """``cls`` made with its string fields interned: the records of a corpus repeat the same
    dates, rule names, labels and sentences (an event's summary is most often its quote) in
    objects of their own, and a build reading back every record holds them all while it
    links (about 40 % of a record's memory)."""
    intern = sys.intern

    def make(*fields: Any) -> Any:
        return cls(*[intern(f) if type(f) is str else f for f in fields])

    make.__name__ = make.__qualname__ = cls.__name__
    return make


def _reducer(cls: type) -> Any:
    """Pickle a model object as its class and field values, so that unpickling calls the
    class itself: several times faster than the ``__setstate__`` of slotted dataclasses,
    which looks up the fields of every object."""
    import operator

    names = tuple(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


@_memo
def _dispatch_table() -> dict[type, Any]:
    """How the record pickler writes each model class (see :func:`_reducer`)."""
    from timeline.link import acts, facts

    classes = (
        Extraction, Document, Event, ActRef, Amount, Timex, facts.DocumentFacts, facts.Quote,
        acts.ActMention, acts.ActRelation, acts.ParsedTitle,
    )
    return {cls: _reducer(cls) for cls in classes}


def _pickled(value: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _dispatch_table()  # this pickler's own: nothing global changes
    pickler.dump(value)
    return buffer.getvalue()


def encode_built(
    record: BuiltRecord, timeml: bytes | None = None, slim: bytes = b""
) -> EncodedBuilt:
    """A build entry as stored: the record pickled and compressed, the fragment as it is, the
    TimeML file compressed, the slim row as it is (run by the worker, so the build process
    only stores bytes)."""
    x = record.extraction
    if x.document.text or x.timexes:
        x = Extraction(replace(x.document, text=""), x.events, ())
    payload = zlib.compress(_pickled((x, record.facts)), 1)
    return EncodedBuilt(
        payload,
        record.fragment,
        record.timeml_size,
        record.timeml_sha256,
        None if timeml is None else zlib.compress(timeml, 6),
        slim,
    )


def decode_record(payload: bytes) -> tuple[Extraction, DocumentFacts]:
    """The extraction (without text) and facts of a stored record; ValueError when it is not
    one."""
    import io

    from timeline.link.facts import DocumentFacts

    try:
        value = _RecordLoader(io.BytesIO(zlib.decompress(payload))).load()
    except (
        pickle.UnpicklingError, zlib.error, EOFError, AttributeError, ImportError, TypeError
    ) as exc:
        raise ValueError(f"not a build record ({exc})") from None
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not isinstance(value[0], Extraction)
        or not isinstance(value[1], DocumentFacts)
    ):
        raise ValueError("not a build record")
    return value[0], value[1]


def decode_built(entry: EncodedBuilt) -> BuiltRecord:
    """The inverse of :func:`encode_built`; ValueError for a damaged or foreign record."""
    extraction, facts = decode_record(entry.record)
    return BuiltRecord(
        extraction, facts, entry.fragment, entry.timeml_size, entry.timeml_sha256
    )


# --- the last build's timeline (the memo's ``build:timeline`` row) ---------------------------


def _fields(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, f) for f in obj.__slots__)


def encode_timeline(digest: str, events: int, timeline: Timeline) -> bytes:
    """A build's timeline as plain data pickled, with the digest of what it was made of and
    its number of events (:func:`decode_timeline` reads it back): what a rebuild that finds
    every output current returns without linking."""
    return pickle.dumps(_timeline_data(digest, events, timeline), protocol=pickle.HIGHEST_PROTOCOL)


def _timeline_data(digest: str, events: int, timeline: Timeline) -> tuple[Any, ...]:
    """What :func:`encode_timeline` pickles: plain data only."""
    from timeline.link.shards import entry_row

    return (
        TIMELINE_VERSION,
        digest,
        events,
        [entry_row(e) for e in timeline.entries],
        [_fields(d) for d in timeline.dossiers],
        [_fields(d) for d in timeline.documents],
        timeline.open_plans,
        timeline.title,
        timeline.extra,
    )


class _Counted:
    """A binary file's ``write`` that counts the bytes written and their CRC-32."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.length = 0
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.length += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return self.out.write(data)


def encode_timeline_to(out: BinaryIO, digest: str, events: int, timeline: Timeline) -> tuple[int, int]:
    """:func:`encode_timeline`'s bytes written to the binary file ``out`` as they are made (the
    pickler writes its frames to the file: no bytes object of the whole, hundreds of megabytes
    for a large corpus); returns their length and CRC-32."""
    counted = _Counted(out)
    pickle.dump(_timeline_data(digest, events, timeline), counted, protocol=pickle.HIGHEST_PROTOCOL)
    return counted.length, counted.crc


def decode_timeline(data: bytes) -> tuple[str, int, Timeline]:
    """The digest, number of events and timeline :func:`encode_timeline` wrote; ValueError
    for anything else (another version, damage, a foreign value: plain data only is read, so
    a planted row cannot make the build import or call anything)."""
    digest, events, make = read_timeline(data)
    return digest, events, make()


def read_timeline(data: bytes) -> tuple[str, int, Callable[[], Timeline]]:
    """:func:`decode_timeline` in two steps: the stored data read now (plain data only, its
    version and head checked; ValueError else), its objects made by the function returned
    (about 0.3 CPU-s for 12,000 entries; ValueError when the data is not a timeline's)."""
    digest, events, _sizes, make = read_timeline_sized(data)
    return digest, events, make


def read_timeline_sized(
    data: bytes,
) -> tuple[str, int, tuple[int, int, int], Callable[[], Timeline]]:
    """:func:`read_timeline`, and the timeline's numbers of entries, dossiers and open plans
    (known without making its objects: what ``timeline build`` prints of it)."""
    from timeline.link.shards import entry_of_row, plain_loads

    try:
        (version, digest, events, entries, dossiers, documents, open_plans, title,
         extra) = plain_loads(data)
    except Exception as exc:  # damaged or foreign
        raise ValueError(f"not a stored timeline ({type(exc).__name__})") from None
    if version != TIMELINE_VERSION or type(digest) is not str or type(events) is not int:
        raise ValueError("not a stored timeline")
    if type(extra) is not dict or type(title) is not str or type(open_plans) is not tuple:
        raise ValueError("not a stored timeline")

    def make() -> Timeline:
        try:
            return Timeline(
                entries=tuple(entry_of_row(e) for e in entries),
                dossiers=tuple(Dossier(*d) for d in dossiers),
                documents=tuple(Document(*d) for d in documents),
                open_plans=open_plans,
                title=title,
                extra=extra,
            )
        except Exception as exc:  # foreign
            raise ValueError(f"not a stored timeline ({type(exc).__name__})") from None

    try:
        sizes = (len(entries), len(dossiers), len(open_plans))
    except TypeError:  # foreign
        raise ValueError("not a stored timeline") from None
    return digest, events, sizes, make


#: Bump when what :func:`encode_timeline` writes changes.
TIMELINE_VERSION = 1
