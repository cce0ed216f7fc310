"""The event store (timeline.events.store): a new process reads the event patterns and their
prefilter analyses instead of making them, and gets the same patterns, analyses and events."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from timeline.events import prefilter, resources
from timeline.events import store as events_store
from timeline.temporal import store as grammar_store

_TEXT = (
    "On 3 March 2009 the Commission adopted a proposal for a Regulation (COM(2009) 123). "
    "The European Parliament approved it on 12 May 2010 and Regulation (EU) No 1234/2010 "
    "entered into force on 1 January 2011."
)


def _fresh(monkeypatch: pytest.MonkeyPatch, where: Path | None) -> None:
    """A process's state: no store opened yet, nothing compiled; the store in ``where``."""
    monkeypatch.setenv(grammar_store.ENV, str(where) if where is not None else "off")
    monkeypatch.setattr(events_store, "_STATE", events_store._State())


def _analyses(pack: resources.LanguagePack) -> list[object]:
    pats = [t.pattern for t in pack.triggers] + [p for _, p in pack.actors]
    return [
        (
            prefilter.necessary_literals(p),
            prefilter.leading_literals(p),
            prefilter.leading_literals(p, into_branches=True),
        )
        for p in pats
    ]


@pytest.mark.pure_python  # compiled prefilter calls _necessary_literals in C, unpatched
def test_a_second_process_reads_patterns_and_analyses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "grammars"
    _fresh(monkeypatch, where)
    made = resources.pack.__wrapped__("en")  # type: ignore[attr-defined]
    made_analyses = _analyses(made)
    events_store._save_at_exit()
    (path,) = where.glob("events-*.json")
    assert path.stat().st_mode & 0o077 == 0  # readable by this user only
    body = json.loads(path.read_bytes().partition(b"\n")[2])
    assert len(body["patterns"]) >= len(made.triggers) and body["facts"]

    _fresh(monkeypatch, where)

    def no_compiling(*args: object) -> object:
        raise AssertionError("compiled although stored")

    monkeypatch.setattr(events_store, "parts_of", no_compiling)
    monkeypatch.setattr(prefilter, "_necessary_literals", no_compiling)
    monkeypatch.setattr(prefilter, "_leading_literals", no_compiling)
    read = resources.pack.__wrapped__("en")  # type: ignore[attr-defined]
    assert [t.pattern for t in read.triggers] == [t.pattern for t in made.triggers]
    for a, b in zip(read.triggers, made.triggers, strict=True):
        assert a.pattern is not b.pattern  # really read, not this process's objects
        assert a.pattern == re.compile(a.pattern.pattern, a.pattern.flags)
    assert [p for _, p in read.actors] == [p for _, p in made.actors]
    assert _analyses(read) == made_analyses
    assert not events_store._STATE.store.dirty  # type: ignore[union-attr]


def test_the_same_events_with_the_store_cold_warm_and_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.load import load_text
    from timeline.pipeline import extract_document

    def events() -> list[object]:
        for f in (resources.pack, resources.trigger_set, resources.trigger_lead_set):
            f.cache_clear()
        doc = load_text(_TEXT)
        return [e.to_dict() for e in extract_document(doc, language="en").events]

    where = tmp_path / "grammars"
    _fresh(monkeypatch, None)
    off = events()
    assert off
    _fresh(monkeypatch, where)
    assert events() == off  # made and written
    assert list(where.glob("events-*.json"))
    _fresh(monkeypatch, where)
    assert events() == off  # read


def test_a_bad_pattern_still_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh(monkeypatch, tmp_path / "grammars")
    with pytest.raises(Exception, match="bad pattern") as info:
        resources.compile_pattern("(?<=a+)b", {})
    assert type(info.value).__name__ == "ResourceError"
