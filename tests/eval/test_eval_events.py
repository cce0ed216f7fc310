"""The event scorer agrees with scores computed by hand on a tiny gold folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import cli
from timeline.errors import GoldError
from timeline.eval.events import evaluate_events


def _event(date, type_, status="past", celex=None, optional=False):
    event = {
        "date": date, "precision": "day" if date else "unknown", "earliest": None,
        "latest": None, "status": status, "type": type_,
        "acts": [{"celex": celex, "label": "x"}] if celex else [],
        "procedures": [], "actors": [], "summary": "", "timex": None,
    }
    if optional:
        event["optional"] = True
    return event


def _write(folder: Path, stem: str, data: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stem).write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    _write(gold, "a.events.json", {
        "document": {"path": "a.txt", "language": "fr", "date": "2009-03-03"},
        "events": [
            _event("2009-03-03", "funding"),
            _event("2009-03-03", "launch"),
            _event(None, "proposal", "planned", celex="32004F0068"),
            _event("1999-01-01", "other", optional=True),
        ],
    })
    _write(gold, "a.meta.json", {"language": "fr", "date": "2009-03-03", "parallel": "p"})
    _write(gold, "b.events.json", {
        "document": {"path": "b.txt", "language": "de", "date": "2011-12-17"},
        "events": [_event("2011-12-13", "adoption", celex="32011L0093")],
    })
    _write(gold, "b.meta.json", {"language": "de", "date": "2011-12-17", "parallel": "p"})
    (gold / "a.txt").write_text("a", encoding="utf-8")
    (gold / "b.txt").write_text("b", encoding="utf-8")
    _write(pred, "a.json", {
        "document": {"language": "fr", "date": "2009-03-03"},
        "events": [
            _event("2009-03-03", "funding"),
            _event(None, "proposal", "past"),
            _event("2010-01-01", "adoption"),
        ],
    })
    _write(pred, "b.json", {
        "document": {"language": "en", "date": None},
        "events": [
            _event("2011-12-13", "adoption", celex="32011L0093"),
            _event("2011-12-17", "publication"),
        ],
    })
    return gold, pred


def test_scores_match_hand_computation(tiny: tuple[Path, Path]) -> None:
    gold, pred = tiny
    report = evaluate_events(gold, predictions_dir=pred)
    # events: a -> tp 2 (funding, proposal), fp 1 (adoption 2010), fn 1 (launch; the optional
    # 1999 event is not a miss); b -> tp 1, fp 1 (publication), fn 0.
    assert (report.events.tp, report.events.fp, report.events.fn) == (3, 2, 1)
    assert report.events.precision == pytest.approx(3 / 5)
    assert report.events.recall == pytest.approx(3 / 4)
    assert report.events.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    # dates: a -> tp 1, fp 1 (2010-01-01), fn 1 (the second 2009-03-03); b -> tp 1, fp 1.
    assert (report.dates.tp, report.dates.fp, report.dates.fn) == (2, 2, 1)
    assert report.status_accuracy == pytest.approx(2 / 3)  # the proposal's status is wrong
    assert report.celex_recall == pytest.approx(1 / 2)  # 32004F0068 missed, 32011L0093 found
    assert report.document_date_accuracy == pytest.approx(1 / 2)
    assert report.language_accuracy == pytest.approx(1 / 2)
    assert report.translation_pairs == [("a", "b", 0.0)]
    assert report.confusions == {}


def test_same_date_wrong_type_is_a_confusion(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    _write(gold, "c.events.json", {"document": {}, "events": [_event("2010-03-29", "proposal")]})
    (gold / "c.txt").write_text("c", encoding="utf-8")
    _write(pred, "c.json", {"document": {}, "events": [_event("2010-03-29", "adoption")]})
    report = evaluate_events(gold, predictions_dir=pred)
    assert report.confusions == {("proposal", "adoption"): 1}
    assert report.dates.f1 == 1.0 and report.events.f1 == 0.0


def test_cli_prints_figures_and_rejects_a_missing_folder(tiny: tuple[Path, Path]) -> None:
    gold, pred = tiny
    runner = CliRunner()
    ok = runner.invoke(cli, ["eval", "events", str(gold), "--predictions", str(pred), "-v"])
    assert ok.exit_code == 0, ok.output
    assert "events P 0.600 R 0.750 F1 0.667" in ok.output
    assert "miss        a: 2009-03-03 launch" in ok.output
    bad = runner.invoke(cli, ["eval", "events", str(gold / "nowhere")])
    assert bad.exit_code == 3
    assert "not a folder of gold files" in bad.output


def test_gold_folder_without_gold_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="no gold files"):
        evaluate_events(tmp_path)
