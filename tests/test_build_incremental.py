"""A rebuild from the cache touches only what changed, and writes what a build without the
cache writes: documents added, removed or changed, a damaged memo, a foreign cache file.

The cached build links shard by shard (``timeline.link.shards.link_sharded``), reading back
only the records of shards whose documents changed, and takes the writers' per-entry fragments
from the cache's memo; a ``--no-cache`` build links everything in memory. Every output file
must be the same bytes either way.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from built_files import count_drawings
from built_files import output_files as _files

from timeline import fragments, pipeline
from timeline.cache import FILENAME
from timeline.link import shards

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import dev_texts, synthetic_corpus, write_corpus  # noqa: E402

SOURCES = ROOT / "sources"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
#: Every output but the images (drawn from the timeline alone, and the slowest to make)
FORMATS = ["html", "csv", "ics", "timelinejs", "summary", "graph", "timeml"]


class Work:
    """What a build did: shards linked, documents read back, fragments made."""

    def __init__(self) -> None:
        self.linked: list[int] = []
        self.made = 0
        self.hits = 0


@pytest.fixture()
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    seen = Work()
    link_part = shards.link_part

    def counted_link(xs, facts, **kw):  # type: ignore[no-untyped-def]
        seen.linked.append(len(xs))
        return link_part(xs, facts, **kw)

    get = fragments.Fragments.get

    def counted_get(self, kind, key, make):  # type: ignore[no-untyped-def]
        before = self.misses
        out = get(self, kind, key, make)
        if self.misses > before:
            seen.made += 1
        else:
            seen.hits += 1
        return out

    get_all = fragments.Fragments.get_all

    def counted_get_all(self, kind, keys, make):  # type: ignore[no-untyped-def]
        # the writers ask for a whole kind at once (the same counts as one get per key)
        hits, misses = self.hits, self.misses
        out = get_all(self, kind, keys, make)
        seen.made += self.misses - misses
        seen.hits += self.hits - hits
        return out

    merge = fragments.Fragments.merge

    def counted_merge(self, made, used, hits=0, located=None):  # type: ignore[no-untyped-def]
        # what a forked writer made and found (see timeline.render.start_images)
        seen.made += len(made)
        seen.hits += hits
        return merge(self, made, used, hits, located)

    monkeypatch.setattr(shards, "link_part", counted_link)
    monkeypatch.setattr(fragments.Fragments, "get", counted_get)
    monkeypatch.setattr(fragments.Fragments, "get_all", counted_get_all)
    monkeypatch.setattr(fragments.Fragments, "merge", counted_merge)
    yield seen


def _same_as_plain(
    docs: Path, out: Path, tmp: Path, formats: list[str] = FORMATS, gone: tuple[str, ...] = ()
) -> None:
    """``out`` (a cached build of ``docs``) holds what a build without the cache writes (and
    the TimeML files of the documents ``gone``, which a build leaves where they are)."""
    plain = tmp / f"plain-{len(list(tmp.iterdir()))}"
    pipeline.build([docs], plain, formats=formats, use_cache=False)
    got, want = _files(out), _files(plain)
    assert sorted(got) == sorted([*want, *(f"timeml/{stem}.tml" for stem in gone)])
    for name in want:
        assert got[name] == want[name], name


def _reset(work: Work) -> None:
    work.linked.clear()
    work.made = work.hits = 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 documents made from the dev texts (the speed benchmark's synthetic corpus), and 2
    more kept apart to add."""
    folder = tmp_path_factory.mktemp("generated")
    texts = synthetic_corpus(dev_texts(DEV), 62, seed=5)
    write_corpus(texts[:60], folder / "docs")
    write_corpus(texts[60:], folder / "extra")
    return folder


def test_generated_corpus_add_remove_change(generated: Path, tmp_path: Path, work: Work) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(generated / "docs", docs)
    out = tmp_path / "out"
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    _same_as_plain(docs, out, tmp_path)
    assert len(work.linked) > 1 and sum(work.linked) == 60  # else nothing is spared below

    # one added: only its shard linked again, most fragments reused
    for p in sorted((generated / "extra").iterdir())[:2]:
        shutil.copy(p, docs)
    _reset(work)
    result = pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert len(work.linked) == 1 and work.linked[0] < 40, work.linked
    assert work.hits > 10 * work.made, (work.hits, work.made)
    assert result.documents == 61 and len(result.extractions) == 61
    assert result.events == sum(len(x.events) for x in result.extractions)
    _same_as_plain(docs, out, tmp_path)

    # one removed
    victim = sorted(docs.glob("*.txt"))[7]
    victim.unlink()
    victim.with_suffix("").with_suffix(".meta.json").unlink()
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert len(work.linked) <= 1
    _same_as_plain(docs, out, tmp_path, gone=(victim.stem,))

    # one changed: an event's date moves
    changed = sorted(docs.glob("*.txt"))[3]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("20", "19", 1), encoding="utf-8")
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert len(work.linked) == 1
    _same_as_plain(docs, out, tmp_path, gone=(victim.stem,))

    # nothing changed: nothing linked, no fragment made
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert work.linked == [] and work.made == 0


def test_sources_add_one_and_select(tmp_path: Path, work: Work) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SOURCES, docs, ignore=shutil.ignore_patterns("README.md"))
    out = tmp_path / "out"
    pipeline.build([docs], out)  # every format, images too
    _same_as_plain(docs, out, tmp_path, formats=None)  # type: ignore[arg-type]
    # a dev document sources/ lacks (its text and sidecar)
    added = [
        p for p in sorted(DEV.glob("ip-*"))
        if not p.name.endswith(".events.json") and not (docs / p.name).exists()
    ][:2]
    assert [p.suffix for p in added] == [".json", ".txt"], added
    for p in added:
        shutil.copy(p, docs)
    _reset(work)
    pipeline.build([docs], out)
    assert work.hits > work.made > 0
    _same_as_plain(docs, out, tmp_path, formats=None)  # type: ignore[arg-type]
    # a narrowed build from the same cache
    sel = tmp_path / "sel"
    sel.mkdir()
    shutil.copy(out / FILENAME, sel / FILENAME)
    pipeline.build([docs], sel, act="32011L0093", formats=FORMATS)
    plain = tmp_path / "sel-plain"
    pipeline.build([docs], plain, act="32011L0093", formats=FORMATS, use_cache=False)
    assert _files(sel) == _files(plain)


def _memo_rows(out: Path) -> list[tuple[str, bytes]]:
    db = sqlite3.connect(out / FILENAME)
    try:
        return [(k, bytes(v)) for k, v in db.execute("SELECT key, value FROM memo ORDER BY key")]
    finally:
        db.close()


def _set_memo(out: Path, key: str, value: bytes, checksum: int | None = None) -> None:
    """Overwrite a memo row's value (and its checksum, when given)."""
    db = sqlite3.connect(out / FILENAME)
    with db:
        db.execute("UPDATE memo SET value = ? WHERE key = ?", (value, key))
        if checksum is not None:
            db.execute("UPDATE memo SET checksum = ? WHERE key = ?", (checksum, key))
    db.close()


def test_damaged_or_planted_memo_rows_are_made_again(
    generated: Path, tmp_path: Path, work: Work
) -> None:
    import pickle
    import zlib

    docs = generated / "docs"
    out = tmp_path / "out"
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    rows = dict(_memo_rows(out))
    parts = [k for k in rows if k.startswith(shards.PART_PREFIX)]
    frags = [k for k in rows if k.startswith(pipeline.FRAGMENTS_PREFIX)]
    assert parts and frags and shards.STATE_KEY in rows
    # damage: a flipped byte in a part, a fragment, the join state and the stored timeline
    # (which a rebuild that finds every output current returns)
    assert pipeline._Outputs.KEY in rows
    for key in (parts[0], frags[0], shards.STATE_KEY, pipeline._Outputs.KEY):
        value = bytearray(rows[key])
        value[len(value) // 2] ^= 0xFF
        _set_memo(out, key, bytes(value))
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert len(work.linked) == 1 and work.made >= 1
    _same_as_plain(docs, out, tmp_path)

    # planted: a pickle that would run code, with a sound checksum, as a part and as the state
    class Boom:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (Path("/tmp/wire-planted-pickle-ran").touch, ())

    evil = pickle.dumps(Boom())
    rows = dict(_memo_rows(out))
    part = next(k for k in rows if k.startswith(shards.PART_PREFIX))
    _set_memo(out, part, evil, zlib.crc32(evil))
    _set_memo(out, shards.STATE_KEY, evil, zlib.crc32(evil))
    _set_memo(out, pipeline._Outputs.KEY, evil, zlib.crc32(evil))
    # and a slim row: a planted pickle with a sound checksum
    db = sqlite3.connect(out / FILENAME)
    with db:
        key, record, fragment = db.execute(
            "SELECT key, record, fragment FROM built ORDER BY key LIMIT 1"
        ).fetchone()
        checksum = zlib.crc32(evil, zlib.crc32(fragment, zlib.crc32(record)))
        db.execute("UPDATE built SET slim = ?, checksum = ? WHERE key = ?", (evil, checksum, key))
    db.close()
    marker = Path("/tmp/wire-planted-pickle-ran")
    marker.unlink(missing_ok=True)
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    assert not marker.exists()
    assert len(work.linked) == 1
    _same_as_plain(docs, out, tmp_path)


def test_a_foreign_cache_file_is_replaced(generated: Path, tmp_path: Path, work: Work) -> None:
    docs = generated / "docs"
    out = tmp_path / "out"
    out.mkdir()
    db = sqlite3.connect(out / FILENAME)
    with db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('application', 'something-else')")
        db.execute("CREATE TABLE memo (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    db.close()
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    _same_as_plain(docs, out, tmp_path)
    # and a file that is no database at all
    (out / FILENAME).write_bytes(b"not a database\n" * 100)
    pipeline.build([docs], out, formats=FORMATS, jobs=2)
    _same_as_plain(docs, out, tmp_path)


@pytest.mark.parametrize("table", ["built", "memo", "files"])
def test_a_cache_with_a_damaged_page_is_rebuilt(
    generated: Path, tmp_path: Path, work: Work, table: str
) -> None:
    """The build opens its cache without SQLite's whole-file check: a page SQLite finds
    malformed on a read makes the build start again without the file, never trust it."""
    docs = generated / "docs"
    out = tmp_path / "out"
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    db = sqlite3.connect(out / FILENAME)
    (page_size,) = db.execute("PRAGMA page_size").fetchone()
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    db.close()
    with open(out / FILENAME, "r+b") as handle:  # the table's root page: garbage
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    if table == "built":
        # a rebuild that finds every document as it was reads no build entry (the outputs
        # made of them are current): one file touched, its entry is read
        touched = sorted(docs.glob("*.txt"))[0]
        os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert work.linked  # linked again, from a new cache
    _same_as_plain(docs, out, tmp_path)
    db = sqlite3.connect(out / FILENAME)
    try:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM built").fetchone()[0] == 60
    finally:
        db.close()


def test_images_are_drawn_again_only_when_what_they_show_changes(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached build keeps timeline.png/.svg/.pdf when the digest of what they show and the
    files' signatures are those recorded; a change of either draws them again, and the files
    are always those a build without the cache writes."""
    drawn = count_drawings(monkeypatch)
    docs = tmp_path / "docs"
    shutil.copytree(generated / "docs", docs)
    out = tmp_path / "out"
    formats = [*FORMATS, "png", "svg", "pdf"]
    pipeline.build([docs], out, formats=formats, jobs=1)
    assert drawn == [("png", "svg", "pdf")]
    drawn.clear()
    result = pipeline.build([docs], out, formats=formats, jobs=1)
    assert drawn == []  # nothing drawn changed: the files stay
    assert {p.name for p in result.outputs} >= {"timeline.png", "timeline.svg", "timeline.pdf"}
    _same_as_plain(docs, out, tmp_path, formats)
    drawn.clear()  # the plain build's
    (out / "timeline.svg").write_bytes(b"<svg/>")  # changed by hand: drawn again
    pipeline.build([docs], out, formats=formats, jobs=1)
    assert drawn == [("svg",)]
    _same_as_plain(docs, out, tmp_path, formats)
    drawn.clear()
    shutil.copytree(generated / "extra", docs, dirs_exist_ok=True)  # two more documents
    pipeline.build([docs], out, formats=formats, jobs=1)
    assert drawn == [("png", "svg", "pdf")]  # their entries join drawn lanes
    _same_as_plain(docs, out, tmp_path, formats)


def test_the_image_digest_follows_what_is_drawn(generated: Path, tmp_path: Path) -> None:
    """:meth:`Plan.digest` changes with a drawn field of an entry (its status), not with one the
    figure does not show (its sources' quotes)."""
    from dataclasses import replace

    from timeline.render.imageplan import plan

    result = pipeline.build([generated / "docs"], tmp_path / "out", formats=["csv"], jobs=1)
    timeline = result.timeline
    digest = plan(timeline).digest()
    drawn = {it.entry.id for _, items in plan(timeline).placed for it in items}
    index = next(i for i, e in enumerate(timeline.entries) if e.id in drawn and e.sources)
    entry = timeline.entries[index]

    def with_entry(e):  # type: ignore[no-untyped-def]
        entries = list(timeline.entries)
        entries[index] = e
        return replace(timeline, entries=tuple(entries))

    quiet = replace(entry, sources=tuple(replace(s, quote=s.quote + " (more)") for s in entry.sources))
    assert plan(with_entry(quiet)).digest() == digest
    # an id (a content hash: a new source changes it) is not drawn, only its order among the
    # items at the same place, and an arrow's ends
    places = [it.x0 for _, items in plan(timeline).placed for it in items]
    linked = {e.realised_by for e in timeline.entries}
    alone = next(
        i for i, e in enumerate(timeline.entries)
        if e.id in drawn and e.id not in linked and not e.realised_by
        and places.count(next(it.x0 for _, its in plan(timeline).placed for it in its if it.entry.id == e.id)) == 1
    )
    entries = list(timeline.entries)
    entries[alone] = replace(entries[alone], id="e-renamed")
    assert plan(replace(timeline, entries=tuple(entries))).digest() == digest
    status = "planned" if entry.status != "planned" else "happened"
    assert plan(with_entry(replace(entry, status=status))).digest() != digest


def test_fragments_are_read_back_from_the_outputs_and_old_rows_go(
    generated: Path, tmp_path: Path, work: Work
) -> None:
    """The writers' fragments are read back from the output files the last build wrote: the
    cache keeps one row per file saying where each fragment lies (no fragment's bytes), and
    the rows older builds kept (one per fragment, or buckets of fragments) are deleted. A
    file changed since gives none of its fragments."""
    docs = generated / "docs"
    out = tmp_path / "out"
    pipeline.build([docs], out, formats=["csv"], jobs=1)
    db = sqlite3.connect(out / FILENAME)
    with db:
        db.execute("INSERT INTO memo VALUES ('fragment:1:csv:old', X'00', 0)")
        db.execute("INSERT INTO memo VALUES ('fragments/events.csv/000', X'00', 0)")
    db.close()
    (out / "events.json").unlink()  # else every output is current: nothing is written
    _reset(work)
    pipeline.build([docs], out, formats=["csv"], jobs=1)
    assert work.hits > 0 and work.made == 0  # every fragment read back from the files
    rows = dict(_memo_rows(out))
    assert not [k for k in rows if k.startswith(("fragment:", "fragments/"))]
    placed = sorted(k for k in rows if k.startswith(pipeline.FRAGMENTS_PREFIX))
    assert placed == [pipeline.FRAGMENTS_PREFIX + n for n in ("events.csv", "timeline.json")]
    assert sum(len(rows[k]) for k in placed) < (out / "events.csv").stat().st_size
    _same_as_plain(docs, out, tmp_path, ["csv"])
    # events.csv changed by hand (its first entry's row): its fragments are made again
    csv = out / "events.csv"
    lines = csv.read_bytes().split(b"\r\n")
    csv.write_bytes(b"\r\n".join([lines[0], lines[1].replace(b",", b";", 1), *lines[2:]]))
    _reset(work)
    pipeline.build([docs], out, formats=["csv"], jobs=1)
    assert work.made > 0 and work.hits > 0  # the CSV's made, timeline.json's read back
    _same_as_plain(docs, out, tmp_path, ["csv"])


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each output file's inode and modification time (TimeML files and the cache left out)."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(out.iterdir())
        if p.is_file() and not p.name.startswith(FILENAME)
    }


def test_a_rebuild_with_nothing_changed_writes_nothing(
    generated: Path, tmp_path: Path, work: Work
) -> None:
    """With every output still the file the last build wrote, made of the same documents and
    options, a rebuild links nothing, makes no fragment and replaces no file; it returns the
    timeline that build made. A changed document, a changed or missing output, or other
    options write again, and the files are those a build without the cache writes."""
    docs = tmp_path / "docs"
    shutil.copytree(generated / "docs", docs)
    out = tmp_path / "out"
    first = pipeline.build([docs], out, formats=FORMATS, jobs=1)
    before = _stamps(out)
    assert {"events.json", "timeline.json", "graph.json", "timeline.html"} <= set(before)

    _reset(work)
    again = pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert work.linked == [] and work.made == 0 and work.hits == 0
    assert _stamps(out) == before
    assert again.timeline == first.timeline and again.timeline.extra == first.timeline.extra
    assert (again.documents, again.events) == (first.documents, first.events) == (60, first.events)
    assert again.outputs == first.outputs
    assert [x.document.path for x in again.extractions] == [
        x.document.path for x in first.extractions
    ]

    # an output replaced by hand: every output written again (the same bytes as a plain build)
    (out / "events.csv").write_text("edited\n", encoding="utf-8")
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert work.hits > 0
    _same_as_plain(docs, out, tmp_path)
    before = _stamps(out)

    # another selection of formats, then back: written each time
    pipeline.build([docs], out, formats=["csv"], jobs=1)
    assert _stamps(out)["events.csv"] != before["events.csv"]
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert work.hits > 0
    before = _stamps(out)

    # a document changed: written again
    changed = sorted(docs.glob("*.txt"))[5]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _reset(work)
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert work.hits > 0
    after = _stamps(out)
    assert all(after[name] != before[name] for name in before)
    _same_as_plain(docs, out, tmp_path)


def test_a_rebuild_with_nothing_changed_reads_the_stored_timeline_only_when_asked(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild finding every output current takes its counts from the stored timeline's
    head row, and reads the timeline itself (7 MB at 10,000 documents) only when its result
    is asked for it; a head that is not the stored row's (an older build's, or damaged) is
    not trusted: the row is read then."""
    from timeline import cache as cache_module

    out = tmp_path / "out"
    first = pipeline.build([generated / "docs"], out, formats=["csv"], jobs=2)
    reads: list[int] = []
    read = cache_module.read_timeline_sized

    def counted(data: bytes):  # type: ignore[no-untyped-def]
        reads.append(len(data))
        return read(data)

    monkeypatch.setattr(cache_module, "read_timeline_sized", counted)
    again = pipeline.build([generated / "docs"], out, formats=["csv"], jobs=2)
    assert reads == [] and again.counts == first.counts and again.events == first.events
    assert again.timeline == first.timeline and len(reads) == 1
    # a head of another row: the stored row is read (and found current) at once
    rows = dict(_memo_rows(out))
    head = pickle.loads(rows[pipeline._Outputs.HEAD_KEY])
    other = pickle.dumps((*head[:4], head[4] + 1, head[5]))
    _set_memo(out, pipeline._Outputs.HEAD_KEY, other, zlib.crc32(other))
    reads.clear()
    third = pipeline.build([generated / "docs"], out, formats=["csv"], jobs=2)
    assert len(reads) == 1 and third.counts == first.counts and third.events == first.events
