"""Parallel, distributed and cached extraction give exactly what a serial run gives."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import timeline
from timeline.cache import FILENAME, ExtractionCache

SOURCES = Path(__file__).resolve().parent.parent / "sources"
STEMS = ["ip-09-342-fr", "ip-09-342-de", "celex-52010pc0094-en", "celex-32011l0093-fr", "ip-10-379-en"]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for stem in STEMS:
        shutil.copy(SOURCES / f"{stem}.txt", folder)
        shutil.copy(SOURCES / f"{stem}.meta.json", folder)
    return folder


def _json(result: timeline.ExtractResult) -> list[dict]:
    return result.to_json()


def test_two_processes_give_the_serial_result(corpus: Path) -> None:
    serial = timeline.extract([corpus], jobs=1)
    parallel = timeline.extract([corpus], jobs=2)
    assert len(serial.extractions) == len(STEMS)
    assert _json(parallel) == _json(serial)


def test_rebuild_after_adding_one_document_extracts_only_that_one(
    corpus: Path, tmp_path: Path
) -> None:
    with ExtractionCache(tmp_path / FILENAME) as cache:
        first = timeline.extract([corpus], cache=cache)
        assert (cache.hits, cache.misses) == (0, len(STEMS))
    shutil.copy(SOURCES / "speech-09-84-en.txt", corpus)
    with ExtractionCache(tmp_path / FILENAME) as cache:
        second = timeline.extract([corpus], cache=cache)
        assert (cache.hits, cache.misses) == (len(STEMS), 1)
    assert [x for x in _json(second) if "speech" not in x["document"]["path"]] == _json(first)


def test_changed_content_is_extracted_again(corpus: Path, tmp_path: Path) -> None:
    with ExtractionCache(tmp_path / FILENAME) as cache:
        timeline.extract([corpus], cache=cache)
    doc = corpus / "ip-10-379-en.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nAdded line.\n", encoding="utf-8")
    with ExtractionCache(tmp_path / FILENAME) as cache:
        timeline.extract([corpus], cache=cache)
        assert cache.misses == 1


@pytest.mark.parametrize(
    "damage",
    ["garbage", "foreign", "empty"],
)
def test_a_corrupt_or_foreign_cache_is_rebuilt_not_trusted(tmp_path: Path, damage: str) -> None:
    path = tmp_path / FILENAME
    if damage == "garbage":
        path.write_bytes(b"\x00not sqlite at all" * 100)
    elif damage == "foreign":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('application', 'someone-else')")
        db.commit()
        db.close()
    else:
        path.write_bytes(b"")
    with ExtractionCache(path) as cache:
        assert cache.rebuilt is not None or damage == "empty"
        assert cache.stats().entries == 0


def test_a_tampered_row_is_dropped_and_extracted_again(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    with ExtractionCache(path) as cache:
        clean = timeline.extract([corpus], cache=cache)
    db = sqlite3.connect(path)
    db.execute("UPDATE extraction SET payload = X'00112233' WHERE rowid = 1")
    db.commit()
    db.close()
    with ExtractionCache(path) as cache:
        again = timeline.extract([corpus], cache=cache)
        assert cache.misses == 1 and cache.hits == len(STEMS) - 1
    assert _json(again) == _json(clean)


def test_dask_local_cluster_gives_the_serial_result(corpus: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    serial = timeline.extract([corpus], jobs=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = timeline.extract([corpus], dask_address=cluster.scheduler_address)
    assert _json(remote) == _json(serial)
