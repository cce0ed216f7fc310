"""``timeline eval timeline``: date and event recall against a curated list of key events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from link_helpers import doc, event, extraction

from timeline.errors import GoldError
from timeline.link import evaluate_timeline, link

REFERENCE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "link" / "2010-0064-cod.reference.json"
)


def _reference(tmp_path: Path) -> Path:
    ref = {
        "procedure": "2010/0064(COD)",
        "origin": "test",
        "events": [
            {"date": "2010-03-29", "type": "proposal"},
            {"date": "2011-12-13", "type": "adoption"},
            {"date": "2013-12-18", "type": "transposition_deadline"},
        ],
    }
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(ref), encoding="utf-8")
    return path


def test_recall_and_tolerance(tmp_path) -> None:
    xs = [
        extraction(
            doc("a.txt"),
            event(
                "proposal",
                "2010-03-29",
                acts=(("52010PC0094", "x"),),
                procedures=("2010/0064(COD)",),
            ),
        ),
        extraction(
            doc("b.txt"),
            event(
                "vote", "2011-12-14", acts=(("32011L0093", "y"),), procedures=("2010/0064(COD)",)
            ),
        ),
    ]
    tl = link(xs)
    exact = evaluate_timeline(tl, _reference(tmp_path))
    assert exact.event_recall == pytest.approx(1 / 3)
    assert exact.date_recall == pytest.approx(1 / 3)
    loose = evaluate_timeline(tl, _reference(tmp_path), tolerance_days=1)
    assert loose.event_recall == pytest.approx(1 / 3)  # a vote is not an adoption
    assert loose.date_recall == pytest.approx(2 / 3)
    assert "event recall: 1/3" in exact.format()


def test_malformed_reference_is_a_gold_error(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"events": [{"date": "someday", "type": "vote"}]}', encoding="utf-8")
    with pytest.raises(GoldError, match="ISO 'date'"):
        evaluate_timeline(link([]), bad)


def test_reference_file_documents_its_origin() -> None:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert data["procedure"] == "2010/0064(COD)" and "origin" in data
    assert all(e.get("source") for e in data["events"])


def test_bundled_gold_timeline_against_the_reference(bundled_timeline) -> None:
    report = evaluate_timeline(bundled_timeline, REFERENCE)
    assert report.event_recall == 1.0 and report.date_recall == 1.0
