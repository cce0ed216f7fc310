"""What a build keeps of each document: slim cache entries made by the workers, events.json
from ready fragments, TimeML files checked by size and hash, and no text back in the build."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from built_files import output_files as _files

from timeline import pipeline
from timeline.cache import FILENAME, ExtractionCache, decode_built, encode_built
from timeline.jsontext import json_text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
FORMATS = ["timeml"]  # events.json is always written; no link exports or renderers needed
STEMS = ["ip-09-342-fr", "ip-09-342-de", "celex-52010pc0094-en", "celex-32011l0093-fr",
         "ip-10-379-en"]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Five of the bundled documents, with their sidecars."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for stem in STEMS:
        shutil.copy(SOURCES / f"{stem}.txt", folder)
        shutil.copy(SOURCES / f"{stem}.meta.json", folder)
    return folder


@pytest.fixture(scope="module")
def sources_extractions() -> list:
    return list(pipeline.extract([SOURCES], exclude=["README.md"]).extractions)


def test_events_json_fragments_join_into_the_dumped_list(sources_extractions: list) -> None:
    extractions = sources_extractions
    whole = json.dumps([x.to_dict() for x in extractions], ensure_ascii=False, indent=2)
    joined = "[\n" + ",\n".join(pipeline._fragment(x) for x in extractions) + "\n]"
    assert joined == whole
    assert len(extractions) > 20


def test_a_build_entry_reads_back_as_written(sources_extractions: list) -> None:
    for x in sources_extractions:
        record, timeml = pipeline._built_of(x, want_timeml=True)
        entry = encode_built(record, timeml)
        back = decode_built(entry)
        assert back == record, x.document.path
        assert back.extraction.document.text == "" and back.extraction.timexes == ()
        assert back.extraction.events == x.events
        assert zlib.decompress(entry.timeml or b"") == timeml
        assert back.timeml_size == len(timeml or b"")


def test_what_a_worker_sends_back_grows_with_events_not_text(tmp_path: Path) -> None:
    """A long text without events comes back as a few hundred bytes when no TimeML is wanted."""
    doc = tmp_path / "long.txt"
    doc.write_text("The weather was fine and nothing happened. " * 5_000, encoding="utf-8")
    task = pipeline._Task(str(doc), None, "2020-01-01", "en", True)
    built = pipeline._build_one(pipeline._BuildJob(task, timeml=False))
    assert isinstance(built, pipeline._Built)
    assert decode_built(built.entry).extraction.events == ()
    size = len(pickle.dumps(built))
    assert doc.stat().st_size > 200_000 and size < 5_000, size


def test_a_rebuild_extracts_nothing_and_writes_no_timeml(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    first = _files(out)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "timeml").glob("*.tml")}
    for p in stamps:
        os.utime(p, ns=(1, 1))

    def no_extraction(job: object) -> object:
        raise AssertionError("a cached document was extracted again")

    monkeypatch.setattr(pipeline, "_build_one", no_extraction)
    pipeline.build([corpus], out, formats=FORMATS)
    assert _files(out) == first
    assert all(p.stat().st_mtime_ns == 1 for p in stamps)


def test_a_changed_or_missing_timeml_file_comes_back_from_the_cache(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    first = _files(out)
    tmls = sorted((out / "timeml").glob("*.tml"))
    tmls[0].unlink()
    tmls[1].write_bytes(tmls[1].read_bytes().replace(b"TIMEX3", b"TIMEX4"))  # same size
    tmls[2].unlink()
    tmls[2].symlink_to(tmls[3])
    monkeypatch.setattr(pipeline, "_build_one", None)  # nothing may be extracted
    pipeline.build([corpus], out, formats=FORMATS)
    assert _files(out) == first
    assert not tmls[2].is_symlink()


def test_a_lost_timeml_row_extracts_that_document_again(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    first = _files(out)
    db = sqlite3.connect(out / FILENAME)
    (key,) = db.execute("SELECT key FROM timeml ORDER BY key LIMIT 1").fetchone()
    db.execute("UPDATE timeml SET payload = X'00' WHERE key = ?", (key,))
    db.commit()
    db.close()
    shutil.rmtree(out / "timeml")
    pipeline.build([corpus], out, formats=FORMATS)
    assert _files(out) == first
    with ExtractionCache(out / FILENAME) as cache:
        assert cache.get_timeml(key) is not None  # stored again


def test_a_build_without_timeml_is_extracted_again_when_timeml_is_wanted(
    corpus: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    pipeline.build([corpus], plain, formats=["summary"])
    assert not (plain / "timeml").exists()
    pipeline.build([corpus], plain, formats=FORMATS)
    fresh = tmp_path / "fresh"
    pipeline.build([corpus], fresh, formats=FORMATS)
    assert _files(plain / "timeml") == _files(fresh / "timeml")
    assert (plain / "events.json").read_bytes() == (fresh / "events.json").read_bytes()


def test_a_failing_build_leaves_no_temporary_file(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline import link
    from timeline.link import shards

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("link broke")

    monkeypatch.setattr(link, "link", broken)
    monkeypatch.setattr(shards, "link_sharded", broken)  # a cached build links shard by shard
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        pipeline.build([corpus], out, formats=FORMATS)
    assert not (out / "events.json").exists()
    assert not list(out.rglob(".*.tmp"))


def test_atomic_files_are_renamed_only_after_their_batch_is_synced(tmp_path: Path) -> None:
    target = tmp_path / "a.tml"
    target.write_bytes(b"old")
    files = pipeline._AtomicFiles()
    files.write(target, b"new")
    assert target.read_bytes() == b"old"  # not in place before the flush
    files.discard()
    assert target.read_bytes() == b"old" and not list(tmp_path.glob(".*.tmp"))
    with pipeline._AtomicFiles() as files:
        for i in range(5):
            files.write(tmp_path / f"f{i}.tml", bytes([i]) * 100_000)
    assert [(tmp_path / f"f{i}.tml").read_bytes() == bytes([i]) * 100_000 for i in range(5)] == [
        True
    ] * 5
    assert not list(tmp_path.glob(".*.tmp"))


def test_cache_info_counts_build_entries(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pipeline.build([corpus], out, formats=FORMATS)
    with ExtractionCache(out / FILENAME) as cache:
        stats = cache.stats()
        assert stats.entries == len(result.extractions)
        assert stats.bytes > 0 and len(stats.engine_versions) == 1
        assert cache.clear() == len(result.extractions)
        assert cache.stats().entries == 0


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(pipeline, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, name, counted)
    return calls


def test_a_rebuild_hashes_no_input_whose_signature_is_trusted(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    first = _files(out)
    hashed = _count_calls(monkeypatch, "_cache_key")
    # as if every file had been written within the racy window (a slow first build on a loaded
    # machine must not age the files out of the real 2 s window)
    monkeypatch.setattr(pipeline, "RACY_NS", 10**15)
    pipeline.build([corpus], out, formats=FORMATS)
    assert len(hashed) == len(STEMS)  # racy: hashed, not trusted
    monkeypatch.setattr(pipeline, "RACY_NS", -10**12)  # as if every file were old
    hashed.clear()
    pipeline.build([corpus], out, formats=FORMATS)
    assert len(hashed) == len(STEMS)  # now remembered
    hashed.clear()
    built = _count_calls(monkeypatch, "_build_one")
    pipeline.build([corpus], out, formats=FORMATS)
    assert hashed == [] and built == []
    assert _files(out) == first
    # a change of content of the same size changes the signature: hashed and extracted again
    doc = corpus / f"{STEMS[0]}.txt"
    text = doc.read_bytes()
    doc.write_bytes(text.replace(b"2009", b"2008", 1))
    pipeline.build([corpus], out, formats=FORMATS)
    assert len(hashed) == 1 and len(built) == 1
    # and so does a change of its sidecar
    hashed.clear()
    side = corpus / f"{STEMS[1]}.meta.json"
    side.write_text(side.read_text(encoding="utf-8").replace("\n", " \n", 1), encoding="utf-8")
    pipeline.build([corpus], out, formats=FORMATS)
    assert len(hashed) == 1


def test_a_rebuild_reads_no_timeml_file_it_wrote(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    first = _files(out)

    def no_hashing(*args: object) -> bool:
        raise AssertionError("a TimeML file was read to check it")

    monkeypatch.setattr(pipeline, "_same_file", no_hashing)
    pipeline.build([corpus], out, formats=FORMATS)
    assert _files(out) == first


def test_adding_one_document_extracts_that_one_without_warming_up(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    shutil.copy(SOURCES / "speech-09-84-en.txt", corpus)
    built = _count_calls(monkeypatch, "_build_one")
    warmed = _count_calls(monkeypatch, "warm_up")
    again = pipeline.build([corpus], out, formats=FORMATS)
    assert [job.task.path for job in built] == [str(corpus / "speech-09-84-en.txt")]  # type: ignore[attr-defined]
    assert warmed == []
    fresh = pipeline.build([corpus], tmp_path / "fresh", formats=FORMATS)
    assert again.extractions == fresh.extractions
    assert _files(out) == _files(tmp_path / "fresh")


def test_with_two_jobs_one_added_document_is_extracted_by_one_other_process(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    from timeline import parallel

    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS, jobs=2)
    shutil.copy(SOURCES / "speech-09-84-en.txt", corpus)
    pools: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(max_workers: int) -> object:
        pools.append(max_workers)
        return real(max_workers=max_workers)

    early: list[object] = []
    real_early = parallel._EarlyWorker

    def counted_early(warm: object) -> object:
        early.append(warm)
        return real_early(warm)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    monkeypatch.setattr(parallel, "_EarlyWorker", counted_early)
    again = pipeline.build([corpus], out, formats=FORMATS, jobs=2)
    # the worker forked warm before the inputs were listed (a pool of one while another
    # thread runs: no early fork then)
    assert (len(early), pools) == ((1, []) if threading.active_count() == 1 else (0, [1]))
    fresh = pipeline.build([corpus], tmp_path / "fresh", formats=FORMATS, jobs=1)
    assert again.extractions == fresh.extractions
    assert _files(out) == _files(tmp_path / "fresh")


def test_the_corpus_reads_documents_back_from_the_cache_in_bulk(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    whole = pipeline.build([corpus], out, formats=FORMATS)
    with ExtractionCache(out / FILENAME) as cache:
        found = pipeline._extract_streaming(
            [corpus], None, cache=cache, exclude=(), follow_symlinks=False, progress=None,
            keep=False,
        )
        assert found.extractions == () and found.facts == {}  # nothing held
        assert [p for p, _ in found.keys] == [x.document.path for x in whole.extractions]
        extractions, facts = found.load(cache)
        assert tuple(extractions) == whole.extractions
        some = [found.keys[3][0], found.keys[1][0]]
        part, part_facts = found.load(cache, some)
        assert [x.document.path for x in part] == sorted(some, key=[p for p, _ in found.keys].index)
        assert part_facts == {p: facts[p] for p in some}


def test_a_forged_record_is_refused_not_run(tmp_path: Path) -> None:
    from timeline.cache import EncodedBuilt, decode_record

    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, ("touch " + str(tmp_path / "ran"),))

    forged = zlib.compress(pickle.dumps(Evil(), protocol=5))
    with pytest.raises(ValueError):
        decode_record(forged)
    with pytest.raises(ValueError):
        decode_record(zlib.compress(pickle.dumps(("not", "a record"), protocol=5)))
    with pytest.raises(ValueError):
        decode_built(EncodedBuilt(b"garbage", b""))
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize(
    "value",
    [
        {"a": [], "b": {}, "c": [1, 2.5, -0.0, 1e300, None, True, False], "d": {"e": ["x"]}},
        {"quote": 'he said "no"\\ \u2028 \x00 \t é', "nested": [[[]], [{}], [[1]]]},
        [],
        {},
        "plain",
        {"nan": float("nan")},  # left to json
        {1: "non-string key"},  # left to json
        {"tuple": (1, 2)},
    ],
)
def test_the_indented_writer_writes_what_json_writes(value: object) -> None:
    want = json.dumps(value, ensure_ascii=False, indent=2)
    assert json_text(value, indent=2, sort_keys=False) == want
    # one level in, as events.json's pieces are written
    nested = json.dumps([value], ensure_ascii=False, indent=2)
    assert "[\n  " + json_text(value, indent=2, sort_keys=False, depth=1) + "\n]" == nested


def test_the_quick_stem_is_safe_stem() -> None:
    import random
    import string

    from timeline.fileio import safe_stem

    rng = random.Random(8)
    alphabet = string.ascii_letters + string.digits + "._-/\\ é~"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 100))) for _ in range(20_000)]
    names += [
        "a/b/syn00001-x-fr.txt", "x.tar.gz", "..a.txt", "a..txt", "a-.txt", "a" * 120 + ".txt",
        "a" * 79 + "-b.txt", "a_" * 40 + "-.txt", ".txt", "a.b", "dir\\x.txt", "-.txt",
    ]
    names += names[:500]  # collisions: the same names again
    mine: set[str] = set()
    theirs: set[str] = set()
    assert [pipeline._stem(n, mine) for n in names] == [safe_stem(n, theirs) for n in names]


def test_the_cache_memo_is_a_mapping_kept_across_builds(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    with ExtractionCache(path) as cache:
        memo = cache.memo
        memo["a"] = b"1"
        memo["b"] = b"2"
        assert memo["a"] == b"1" and len(memo) == 2 and list(memo) == ["a", "b"]
        cache.flush()
        del memo["a"]
        assert "a" not in memo and list(memo) == ["b"]
        with pytest.raises(KeyError):
            del memo["a"]
    with ExtractionCache(path) as cache:
        assert dict(cache.memo) == {"b": b"2"}
        assert cache.prune() == 0 and dict(cache.memo) == {}  # another engine's, maybe
        cache.memo["c"] = b"3"
        cache.clear()
        assert dict(cache.memo) == {}


def test_a_rebuild_that_writes_nothing_counts_its_timeline_without_reading_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = pipeline.build([corpus], out, formats=["csv"])
    tl = first.timeline
    assert first.counts == (len(tl.entries), len(tl.dossiers), len(tl.open_plans))
    written = {p: p.stat().st_mtime_ns for p in first.outputs}
    made = _count_calls(monkeypatch, "_link_corpus")
    again = pipeline.build([corpus], out, formats=["csv"])
    assert made == [] and {p: p.stat().st_mtime_ns for p in again.outputs} == written
    assert again.counts == first.counts
    assert again._timeline is None  # counted from the stored rows: no entry made
    assert again.timeline == tl


def _hits_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = ExtractionCache.get_hits

    def counted(self: ExtractionCache, keys: object) -> object:
        calls.append(1)
        return real(self, keys)  # type: ignore[arg-type]

    monkeypatch.setattr(ExtractionCache, "get_hits", counted)
    return calls


def test_a_rebuild_finding_all_as_it_was_reads_no_fragment(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "RACY_NS", -10**12)  # as if every file were old
    out = tmp_path / "out"
    first = pipeline.build([corpus], out, formats=["csv", "timeml"])
    files = _files(out)
    hits = _hits_read(monkeypatch)
    linked = _count_calls(monkeypatch, "_link_corpus")
    again = pipeline.build([corpus], out, formats=["csv", "timeml"])
    assert hits == [] and linked == []  # settled from the keys and the TimeML files' stat
    assert _files(out) == files
    assert (again.documents, again.events, again.counts) == (
        first.documents, first.events, first.counts
    )
    assert again.outputs == first.outputs
    assert again.extractions == first.extractions


def test_a_timeml_file_left_by_an_unfinished_build_is_not_taken_as_settled(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    monkeypatch.setattr(pipeline, "RACY_NS", -10**12)
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=["csv", "timeml"])
    files = _files(out)
    # as a build of an edited document that stopped before its end: the TimeML file written
    # and recorded, the other outputs not
    target = out / "timeml" / f"{STEMS[0]}.tml"
    other = target.read_bytes().replace(b"2009", b"2008")
    target.write_bytes(other)
    with ExtractionCache(out / FILENAME) as cache:
        cache.put_written(
            target.name, pipeline._plain_signature(target) or "", hashlib.sha256(other).hexdigest()
        )
    hits = _hits_read(monkeypatch)
    pipeline.build([corpus], out, formats=["csv", "timeml"])
    assert hits == [1]  # checked one by one
    assert _files(out) == files  # the file made again from the cache
    hits.clear()
    pipeline.build([corpus], out, formats=["csv", "timeml"])
    assert hits == [] and _files(out) == files  # and settled again


@pytest.mark.parametrize("asked", ["all", "one"])
def test_get_hits_leaves_out_and_drops_a_damaged_row(
    corpus: Path, tmp_path: Path, asked: str
) -> None:
    """Asked for most of the table, get_hits reads it in one pass; for a few keys, by key:
    either way a row whose bytes no longer match its checksum is left out and dropped."""
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    with sqlite3.connect(out / FILENAME) as db:
        keys = sorted(k for (k,) in db.execute("SELECT key FROM built"))
        assert len(keys) == len(STEMS)
        damaged = keys[1]
        (fragment,) = db.execute("SELECT fragment FROM built WHERE key = ?", (damaged,)).fetchone()
        db.execute("UPDATE built SET fragment = ? WHERE key = ?", (fragment + b" ", damaged))
        # stale rows (of documents since changed): half the table
        db.execute("INSERT INTO built SELECT 'stale' || key, engine, checksum, record, fragment,"
                   " timeml_size, timeml_sha256, slim FROM built")
    cache = ExtractionCache(out / FILENAME)
    by_key: list[int] = []  # the keys looked up one by one, by call
    real_rows = cache._rows

    def rows(sql: str, keys: list[str]) -> Iterator[tuple[Any, ...]]:
        by_key.append(len(keys))
        return real_rows(sql, keys)

    cache._rows = rows  # type: ignore[method-assign]
    try:
        wanted = keys if asked == "all" else [keys[0], damaged]
        hits = cache.get_hits([*wanted, "no such key"])
        assert by_key == ([] if asked == "all" else [3])
        assert sorted(hits) == [k for k in wanted if k != damaged]
        assert hits[keys[0]].fragment.startswith(b"  {")
        assert cache.get_hits([damaged]) == {}  # dropped, not read again
    finally:
        cache.close()
    with sqlite3.connect(out / FILENAME) as db:
        left = {k for (k,) in db.execute("SELECT key FROM built")}
    assert damaged not in left and len(left) == 2 * len(STEMS) - 1  # the stale rows stay


def test_a_rebuild_forks_its_early_worker_before_checking_the_inputs(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input the cache has never seen (added, sorting last) starts the worker that will
    extract it before the other inputs are checked against the cache, not once the check
    reaches it; a rebuild with nothing new starts none."""
    from timeline.parallel import WorkerPool

    monkeypatch.setattr(pipeline, "RACY_NS", -10**12)  # as if every file were old
    out = tmp_path / "out"
    pipeline.build([corpus], out, formats=FORMATS)
    checked: list[str] = []
    started: list[int] = []  # how many inputs were checked when a worker was asked for
    real_known = pipeline._Keys.known

    def known(self: pipeline._Keys, path: str, *args: object, **kwargs: object) -> object:
        checked.append(path)
        return real_known(self, path, *args, **kwargs)  # type: ignore[arg-type]

    def prestart(self: WorkerPool, warm: object) -> bool:
        started.append(len(checked))
        return False  # no fork: the document is extracted as without an early worker

    monkeypatch.setattr(pipeline._Keys, "known", known)
    monkeypatch.setattr(WorkerPool, "prestart", prestart)
    pipeline.build([corpus], out, formats=FORMATS)
    assert started == [] and len(checked) == len(STEMS)
    checked.clear()
    for suffix in (".txt", ".meta.json"):
        shutil.copy(corpus / f"{STEMS[0]}{suffix}", corpus / f"zz-added{suffix}")
    again = pipeline.build([corpus], out, formats=FORMATS)
    assert started and started[0] == 0
    assert again.documents == len(STEMS) + 1 and not again.failures
