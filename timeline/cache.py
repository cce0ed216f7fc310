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

A build keeps its own, smaller entries (:meth:`ExtractionCache.get_built`): what the outputs
need of a document and nothing else -- its metadata and events without the text, the facts linking
reads off the text, its ``events.json`` fragment as ready JSON, and the size and hash of its
TimeML file, whose content sits in a table of its own and is read only when the file on disk
differs. A rebuild thus decodes neither texts nor time expressions and re-encodes no JSON. The
worker that extracts a document also makes its entry (encoded, compressed and checksummed), so
the build process only stores bytes.
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
from typing import TYPE_CHECKING, Any

from timeline import __version__
from timeline.model import ActRef, Amount, Document, Event, Extraction, Timex

if TYPE_CHECKING:
    from timeline.link.facts import DocumentFacts

APPLICATION = "policy-timeline"
SCHEMA = 3
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
        self._pending_built: list[tuple[str, str, str, bytes]] = []
        self._pending_timeml: list[tuple[str, str, bytes]] = []
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
                "CREATE TABLE built (key TEXT PRIMARY KEY, engine TEXT NOT NULL,"
                " checksum TEXT NOT NULL, payload BLOB NOT NULL)"
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

    def get_built(self, keys: Iterable[str]) -> dict[str, BuiltRecord]:
        """The build entries (:func:`encode_built`) stored for each of ``keys`` that has one.

        One query per thousand keys; a damaged row is left out (and dropped), never trusted.
        """
        self.flush()
        wanted = list(dict.fromkeys(keys))
        out: dict[str, BuiltRecord] = {}
        bad: list[str] = []
        for i in range(0, len(wanted), 1000):
            part = wanted[i : i + 1000]
            rows = self._db.execute(
                "SELECT key, checksum, payload FROM built WHERE key IN"
                f" ({','.join('?' * len(part))})",
                part,
            ).fetchall()
            for key, checksum, payload in rows:
                try:
                    if hashlib.sha256(payload).hexdigest() != checksum:
                        raise ValueError("checksum mismatch")
                    out[key] = decode_built(zlib.decompress(payload))
                except (ValueError, KeyError, TypeError, IndexError, zlib.error):
                    bad.append(key)
        if bad:
            with self._db:
                self._db.executemany("DELETE FROM built WHERE key = ?", [(k,) for k in bad])
        self.hits += len(out)
        self.misses += len(wanted) - len(out)
        return out

    def put_built(self, key: str, entry: EncodedBuilt) -> None:
        """Store a build entry made by :func:`encode_built` (written with the next batch)."""
        self._pending_built.append((key, engine_version(), entry.checksum, entry.payload))
        if entry.timeml is not None:
            self._pending_timeml.append((key, entry.timeml_checksum, entry.timeml))
        if len(self._pending_built) >= BATCH:
            self.flush()

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
        if not (self._pending or self._pending_built or self._pending_timeml):
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?)", self._pending
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO built VALUES (?, ?, ?, ?)", self._pending_built
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO timeml VALUES (?, ?, ?)", self._pending_timeml
            )
        self._pending.clear()
        self._pending_built.clear()
        self._pending_timeml.clear()

    def stats(self) -> CacheStats:
        """How many entries, how many bytes, and which engine versions made them."""
        self.flush()
        (n,) = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT key FROM extraction UNION SELECT key FROM built)"
        ).fetchone()
        size = sum(
            self._db.execute(f"SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM {table}").fetchone()[0]
            for table in ("extraction", "built", "timeml")
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
        return cur.rowcount + built.rowcount

    def clear(self) -> int:
        """Drop every entry; returns how many."""
        self._pending.clear()
        self._pending_built.clear()
        self._pending_timeml.clear()
        with self._db:
            cur = self._db.execute("DELETE FROM extraction")
            built = self._db.execute("DELETE FROM built")
            self._db.execute("DELETE FROM timeml")
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

#: Bump when the layout of a build entry changes.
BUILT_FORMAT = 1


@dataclass(frozen=True, slots=True)
class BuiltRecord:
    """What a build keeps of one document: all its outputs need, without the text.

    ``extraction`` holds the document without its text and no time expressions; ``fragment``
    is its object of ``events.json`` as that file holds it (indented one level);
    ``timeml_size`` and ``timeml_sha256`` describe its TimeML file (None when none was made).
    """

    extraction: Extraction
    facts: DocumentFacts
    fragment: str
    timeml_size: int | None = None
    timeml_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class EncodedBuilt:
    """A build entry ready to store: compressed JSON and, apart, the compressed TimeML file."""

    payload: bytes
    checksum: str
    timeml: bytes | None = None
    timeml_checksum: str = ""


def _converter(annotation: str) -> Any:
    """How a JSON value of a model field with this annotation becomes the field's value."""
    if "ActRef" in annotation:
        return lambda v: tuple(_from_row(ActRef, a) for a in v)
    if "Amount" in annotation:
        return lambda v: tuple(_from_row(Amount, a) for a in v)
    if "Timex" in annotation:
        return lambda v: None if v is None else Timex(*v)
    if annotation.startswith("tuple[tuple"):
        return _tuples
    if annotation.startswith("tuple"):
        return tuple  # of plain values: no need to look inside
    return None


_PLANS: dict[type, tuple[tuple[str, ...], tuple[Any, ...]]] = {}


def _plan(cls: type) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The field names of a model class and how each is read back from JSON."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
        names = tuple(fields)
        plan = _PLANS[cls] = (names, tuple(_converter(str(fields[n].type)) for n in names))
    return plan


def _to_row(obj: Any, skip: str = "") -> list[Any]:
    names, convert = _plan(type(obj))
    row: list[Any] = []
    for name, conv in zip(names, convert, strict=True):
        if name == skip:
            continue
        value = getattr(obj, name)
        if conv is not None and value is not None and not isinstance(value, (str, int, float)):
            if isinstance(value, tuple) and value and hasattr(value[0], "__dataclass_fields__"):
                value = [_to_row(v) for v in value]
            elif hasattr(value, "__dataclass_fields__"):
                value = _to_row(value)
        row.append(value)
    return row


def _from_row(cls: type, row: list[Any], skip: str = "", default: Any = None) -> Any:
    names, convert = _plan(cls)
    if skip:
        row = list(row)
        row.insert(names.index(skip), default)
    return cls(
        *[
            value if conv is None or value is None else conv(value)
            for value, conv in zip(row, convert, strict=True)
        ]
    )


def encode_built(record: BuiltRecord, timeml: bytes | None = None) -> EncodedBuilt:
    """A build entry as stored: compact JSON, compressed and checksummed (run by the worker)."""
    from timeline.link.facts import facts_to_json

    x = record.extraction
    data = {
        "format": BUILT_FORMAT,
        "document": _to_row(x.document, skip="text"),
        "events": [_to_row(e) for e in x.events],
        "facts": facts_to_json(record.facts),
        "fragment": record.fragment,
        "timeml": (
            None if record.timeml_size is None else [record.timeml_size, record.timeml_sha256]
        ),
    }
    payload = zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)
    packed = None if timeml is None else zlib.compress(timeml, 6)
    return EncodedBuilt(
        payload,
        hashlib.sha256(payload).hexdigest(),
        packed,
        "" if packed is None else hashlib.sha256(packed).hexdigest(),
    )


def decode_built(raw: bytes) -> BuiltRecord:
    """The inverse of :func:`encode_built` (after decompression); ValueError for another format."""
    from timeline.link.facts import facts_from_json

    data = json.loads(raw)
    if data.get("format") != BUILT_FORMAT:
        raise ValueError(f"build entry of format {data.get('format')!r}, not {BUILT_FORMAT}")
    document = _from_row(Document, data["document"], skip="text", default="")
    events = tuple(_from_row(Event, e) for e in data["events"])
    timeml = data["timeml"]
    return BuiltRecord(
        Extraction(document, events, ()),
        facts_from_json(data["facts"]),
        data["fragment"],
        None if timeml is None else int(timeml[0]),
        None if timeml is None else str(timeml[1]),
    )
