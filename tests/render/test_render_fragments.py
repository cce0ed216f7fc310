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


@pytest.mark.parametrize("name", ["corpus", "big"])
def test_located_fragments_slice_back_out_of_the_files(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """With ``locate``, each file written through the memo records where its fragments lie:
    every one of them (a byte or more) is found, and each offset and length cuts that
    fragment's bytes out of the file; a file read back so gives a memo that finds them all."""
    from timeline.link import write_graph_json, write_graphml
    from timeline.link.export import write_timeline_json
    from timeline.link.graph import graph_data

    timeline = big_timeline(300) if name == "big" else request.getfixturevalue(name)
    memo = Fragments()
    memo.locate = True
    out = tmp_path / "out"
    render(timeline, out, TEXT_FORMATS, memo=memo)
    write_timeline_json(timeline, out / "timeline.json", memo=memo)
    graph = graph_data([], timeline)
    write_graphml(graph, out / "graph.graphml", memo=memo)
    write_graph_json(graph, out / "graph.json", memo=memo)
    names = {FILENAMES[f] for f in MEMO_FORMATS} | {"timeline.json", "graph.graphml", "graph.json"}
    assert set(memo.located) == names
    located = 0
    for file, (keys, offsets, lengths, size) in memo.located.items():
        data = (out / file).read_bytes()
        assert len(data) == size
        assert len(keys) == len(set(zip(keys, offsets, strict=True)))
        for key, offset, length in zip(keys, offsets, lengths, strict=True):
            assert data[offset : offset + length] == memo.store[key], (file, key)
        located += len(set(keys))
    assert located == len({k for k, v in memo.store.items() if len(v) > 1})
    # a memo made of the files alone finds every fragment, and writes the same bytes
    store: dict[str, bytes] = {}
    for file, (keys, offsets, lengths, _) in memo.located.items():
        data = (out / file).read_bytes()
        store.update((k, data[o : o + n]) for k, o, n in zip(keys, offsets, lengths, strict=True))
    again = Fragments(store)
    again.locate = True
    second = tmp_path / "again"
    render(timeline, second, TEXT_FORMATS, memo=again)
    write_timeline_json(timeline, second / "timeline.json", memo=again)
    write_graphml(graph, second / "graph.graphml", memo=again)
    write_graph_json(graph, second / "graph.json", memo=again)
    assert not again.made or all(len(again.store[k]) <= 1 for k in again.made)
    for file in names:
        assert (second / file).read_bytes() == (out / file).read_bytes(), file
    assert again.located == memo.located


def test_a_piece_not_the_fragment_expected_is_not_located(tmp_path: Path) -> None:
    """Pieces are matched to the fragments asked for by identity, in order: equal bytes that
    are not the fragment handed out, or fragments given out of order, are not recorded."""
    memo = Fragments()
    memo.locate = True
    first, second = memo.get_all("k", ["a", "b"], lambda i: ["alpha", "beta"][i])
    copy = bytes(bytearray(first))  # equal bytes, another object
    pieces = [b"[", copy, b",", second, b",", first, b"]"]
    assert b"".join(memo.tracked(tmp_path / "f.txt", pieces)) == b"[alpha,beta,alpha]"
    keys, offsets, lengths, size = memo.located["f.txt"]
    # the copy is not ``first``, and ``second`` is not looked for before ``first`` is found:
    # only ``first`` is recorded, where it is
    assert keys == ["1:k:a"] and offsets == [12] and lengths == [5]
    assert size == len(b"[alpha,beta,alpha]")
    memo.get_all("k", ["a", "b"], lambda i: ["alpha", "beta"][i])
    assert b"".join(memo.tracked(tmp_path / "g.txt", [first, b"-", second])) == b"alpha-beta"
    assert memo.located["g.txt"][:3] == (["1:k:a", "1:k:b"], [0, 6], [5, 4])
