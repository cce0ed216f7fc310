"""`timeline build` at scale: batches, the cache of derived facts, TimeML without a second
tagging pass, and a readable image of a large timeline."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from built_files import output_files as _files

from timeline import pipeline
from timeline.cache import FILENAME

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
DEV = ROOT / ".." / "shared" / "corpus" / "dev"
FORMATS = ["graph", "timeml", "csv", "ics", "timelinejs", "summary"]  # no browser, no images


def test_a_build_in_many_batches_equals_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = pipeline.build([SOURCES, tmp_path / "missing"], tmp_path / "one", formats=FORMATS)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)  # every document its own batch
    many = pipeline.build([SOURCES, tmp_path / "missing"], tmp_path / "many", formats=FORMATS)
    assert _files(tmp_path / "one") == _files(tmp_path / "many")
    assert [str(f) for f in one.failures] == [str(f) for f in many.failures]
    assert len(one.failures) == 1 and "missing" in one.failures[0].path
    # what a build keeps of its documents: no text
    assert all(x.document.text == "" for x in many.extractions)


def test_a_rebuild_reads_facts_from_the_cache_and_leaves_unchanged_files_alone(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    pipeline.build([SOURCES], out, formats=FORMATS)
    db = sqlite3.connect(out / FILENAME)
    built = db.execute("SELECT COUNT(*) FROM built").fetchone()[0]
    timeml = db.execute("SELECT COUNT(*) FROM timeml").fetchone()[0]
    db.close()
    n_docs = len(list((out / "timeml").glob("*.tml")))
    assert built == timeml == n_docs
    stamps = {p: p.stat().st_mtime_ns for p in (out / "timeml").glob("*.tml")}
    for p in stamps:
        os.utime(p, ns=(1, 1))
    first = _files(out)
    pipeline.build([SOURCES], out, formats=FORMATS)
    assert _files(out) == first
    assert all(p.stat().st_mtime_ns == 1 for p in stamps)  # not written again


def test_timeml_from_the_extraction_equals_a_second_tagging_pass() -> None:
    if not DEV.is_dir():
        pytest.skip(f"no dev corpus at {DEV.resolve()} (the ../shared folder next to the repo)")
    checked = 0
    for x in pipeline.extract([DEV, SOURCES]).extractions:
        if any(t.end_value is not None for t in x.timexes):
            continue  # a range is split for TimeML: those documents are tagged again
        assert list(x.timexes) == pipeline._timeml_timexes(x.document), x.document.path
        checked += 1
    assert checked >= 30


def test_the_image_draws_the_largest_dossiers_only() -> None:
    from timeline.model import Dossier, Entry, Timeline
    from timeline.render import image

    entries, dossiers = [], []
    for d in range(image.MAX_LANES + 5):
        ids = []
        for k in range(d + 1):  # dossier d has d + 1 entries
            e = Entry(
                id=f"e-{d}-{k}", date=f"{2000 + k}-01-0{1 + d % 9}", precision="day",
                earliest=None, latest=None, status="past", type="adoption", label=f"Act {d}",
                acts=(), procedures=(), actors=(), sources=(), dossier=f"d-{d}",
            )
            entries.append(e)
            ids.append(e.id)
        dossiers.append(Dossier(f"d-{d}", f"Dossier {d}", (), (), tuple(ids)))
    tl = Timeline(entries=tuple(entries), dossiers=tuple(dossiers))
    shown, left, left_entries = image._main_lanes(image.lanes(tl))
    assert len(shown) == image.MAX_LANES and left == 5
    assert {lane.key for lane in shown} == {f"d-{d}" for d in range(5, image.MAX_LANES + 5)}
    assert left_entries == sum(range(1, 6))
    assert image.render_image(tl, "svg")  # draws
