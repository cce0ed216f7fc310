"""`timeline extract` keeps the EVENTS.md contract and finds the seed document's events."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import timeline
from timeline.cli import cli

SOURCES = Path(__file__).resolve().parent.parent / "sources"

SCHEMA = json.loads(
    resources.files("timeline").joinpath("schema/events.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _assert_valid(obj: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(obj), key=lambda e: list(e.path))
    assert not errors, f"{obj['document']['path']}: {errors[0].message} at {list(errors[0].path)}"


def _assert_offsets(text: str, obj: dict) -> None:
    for event in obj["events"]:
        timex = event["timex"]
        if timex and "span" in timex:
            start, end = timex["span"]
            assert text[start:end] == timex["text"], (obj["document"]["path"], timex)


def test_every_bundled_source_validates_against_the_contract() -> None:
    result = timeline.extract([SOURCES])
    assert not result.failures
    assert len(result.extractions) == len(list(SOURCES.glob("*.txt")))
    for extraction in result.extractions:
        obj = extraction.to_dict()
        _assert_valid(obj)
        _assert_offsets(extraction.document.text, obj)


def test_every_dev_document_validates_without_sidecars(dev_corpus: Path) -> None:
    paths = sorted(dev_corpus.glob("*.txt"))
    result = timeline.extract(paths, use_sidecar=False)
    assert not result.failures
    for extraction in result.extractions:
        obj = extraction.to_dict()
        _assert_valid(obj)
        _assert_offsets(extraction.document.text, obj)


def test_seed_press_release_gives_its_three_events() -> None:
    """IP/09/342 (fr): funding and launch today, a proposal promised in the short term."""
    extraction = timeline.extract_path(SOURCES / "ip-09-342-fr.txt", use_sidecar=False)
    doc = extraction.document
    assert (doc.language, doc.date) == ("fr", "2009-03-03")
    keys = {(e.date, e.type, e.status) for e in extraction.events}
    assert ("2009-03-03", "funding", "past") in keys
    assert ("2009-03-03", "launch", "past") in keys
    planned = [e for e in extraction.events if e.type == "proposal" and e.status == "planned"]
    assert planned, keys
    assert planned[0].date is None and planned[0].earliest == "2009-03-03"
    assert planned[0].timex is not None and planned[0].timex.value == "FUTURE_REF"


def test_cli_json_is_one_array_in_input_order_and_jsonl_one_line_each() -> None:
    files = [str(SOURCES / "ip-09-342-de.txt"), str(SOURCES / "ip-09-342-fr.txt")]
    runner = CliRunner()
    out = runner.invoke(cli, ["extract", "--format", "json", *files])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [d["document"]["path"] for d in data] == files
    lines = runner.invoke(cli, ["extract", "--format", "jsonl", *files]).stdout.splitlines()
    assert [json.loads(line)["document"]["path"] for line in lines] == files


def test_cli_date_and_language_override_detection(tmp_path: Path) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text("The Commission adopted the proposal today.\n", encoding="utf-8")
    out = CliRunner().invoke(
        cli, ["extract", "--date", "2010-03-29", "--language", "en", str(doc)]
    )
    assert out.exit_code == 0, out.output
    (obj,) = json.loads(out.stdout)
    assert obj["document"]["date"] == "2010-03-29" and obj["document"]["language"] == "en"
    assert [e["date"] for e in obj["events"]] == ["2010-03-29"]


@pytest.mark.parametrize("bad", ["2009-13-01", "yesterday"])
def test_cli_rejects_a_malformed_date_as_usage(bad: str) -> None:
    out = CliRunner().invoke(cli, ["extract", "--date", bad, str(SOURCES / "ip-09-342-fr.txt")])
    assert out.exit_code == 2
    assert f"--date {bad!r} is not a date of the form YYYY-MM-DD" in out.stderr


def test_missing_and_binary_files_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "nowhere.txt"
    good = SOURCES / "ip-10-379-en.txt"
    out = CliRunner().invoke(cli, ["extract", str(missing), str(binary), str(good)])
    assert out.exit_code == 1
    lines = out.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("timeline: error: ")]
    assert len(errors) == 2
    assert lines[-1] == (
        "timeline: 1 document(s) read, 2 skipped (1 binary content, 1 no such file or folder)"
    )
    assert errors[0].startswith(f"timeline: error: {missing}: ")
    assert errors[1].startswith(f"timeline: error: {binary}: ")
    assert "Traceback" not in out.stderr
    (obj,) = json.loads(out.stdout)
    assert obj["document"]["path"] == str(good)


def test_nothing_usable_exits_3(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["extract", str(tmp_path / "nowhere.txt")])
    assert out.exit_code == 3
