"""Incremental rendering: files written through a :class:`~timeline.fragments.Fragments` memo
are the bytes of a plain render, and a second build re-encodes only what changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import big_timeline

from timeline.fragments import VERSION, Fragments, entry_digest
from timeline.link.export import timeline_json_bytes, timeline_to_json
from timeline.model import Timeline
from timeline.render import FILENAMES, MEMO_FORMATS, render

TEXT_FORMATS = [f for f in FILENAMES if f not in ("png", "svg", "pdf")]


def _files(timeline: Timeline, out: Path, memo: Fragments | None) -> dict[str, bytes]:
    render(timeline, out, TEXT_FORMATS, memo=memo)
    files = {f: (out / FILENAMES[f]).read_bytes() for f in TEXT_FORMATS}
    files["timeline.json"] = (
        timeline_json_bytes(timeline, memo=memo) if memo is not None else timeline_to_json(timeline).encode()
    )
    return files


@pytest.mark.parametrize("name", ["corpus", "xss", "big"])
def test_memoised_files_equal_plain_ones_cold_warm_and_changed(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    timeline = big_timeline(300) if name == "big" else request.getfixturevalue(name)
    plain = _files(timeline, tmp_path / "plain", None)
    store: dict[str, bytes] = {}
    cold = Fragments(store)
    assert _files(timeline, tmp_path / "cold", cold) == plain
    assert cold.hits == 0 and cold.misses > 0 and cold.made == set(store)
    warm = Fragments(store)
    assert _files(timeline, tmp_path / "warm", warm) == plain
    assert warm.misses == 0 and warm.hits == cold.misses and not warm.made
    assert all(k.startswith(f"{VERSION}:") for k in store)

    # one entry relabelled, one gone: only the changed entry is encoded again
    first, gone, *rest = timeline.entries
    changed = replace(first, label=first.label + " <changed>")
    dossiers = tuple(replace(d, entries=tuple(i for i in d.entries if i != gone.id)) for d in timeline.dossiers)
    edited = replace(timeline, entries=(changed, *rest), dossiers=dossiers,
                     open_plans=tuple(p for p in timeline.open_plans if p != gone.id))
    again = Fragments(store)
    assert _files(edited, tmp_path / "edited", again) == _files(edited, tmp_path / "edited-plain", None)
    per_entry = len(MEMO_FORMATS) + 1  # each memo format and timeline.json
    # the changed entry (and neighbours whose links changed); the page's data rows also hold
    # indexes into tables of acts, actors and languages, which an entry gone may shift
    made = [k for k in again.made if ":timeline.html data:" not in k]
    assert 1 <= len(made) <= per_entry * 2 + 2
    assert again.prune() > 0
    assert set(store) == again.used


def test_entry_digest_covers_every_field() -> None:
    entry = big_timeline(3).entries[0]
    digests = {entry_digest(entry)}
    for change in (
        {"label": entry.label + "x"}, {"dossier": "other"}, {"conflict": not entry.conflict},
        {"realised_by": "e-x"}, {"delay_days": 3}, {"actors": (*entry.actors, "x")},
        {"sources": (replace(entry.sources[0], quote=entry.sources[0].quote + "."), *entry.sources[1:])},
        {"sources": (replace(entry.sources[0], page=7), *entry.sources[1:])},
    ):
        digests.add(entry_digest(replace(entry, **change)))  # type: ignore[arg-type]
    assert len(digests) == 9
    assert entry_digest(replace(entry)) == entry_digest(entry)  # equal values, equal digest
