"""Outputs streamed into their atomic temporary files (:class:`~timeline.fileio.AtomicOutput`):
the same bytes as the whole texts, the previous file kept when writing fails, and memory that
does not grow with the output."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from render_fixtures import big_timeline

from timeline import fileio
from timeline.fileio import AtomicOutput, write_atomic, write_atomic_pieces
from timeline.fragments import Fragments
from timeline.link.export import timeline_json_bytes, timeline_to_json, write_timeline_json
from timeline.model import Timeline
from timeline.render import FILENAMES, MEMO_FORMATS, render


def test_pieces_are_written_in_order_in_few_large_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "CHUNK", 1000)
    pieces = [(f"{i:05d}|" * (i % 7)).encode() for i in range(3000)]
    writes: list[int] = []
    real = os.fsync

    with AtomicOutput(tmp_path / "out.txt") as out:
        handle = out._handle
        assert handle is not None
        original = handle.write
        monkeypatch.setattr(handle, "write", lambda data: writes.append(len(data)) or original(data))
        out.writelines(pieces[:1500])
        for piece in pieces[1500:]:
            out.write(piece)
    monkeypatch.setattr(os, "fsync", real)
    assert (tmp_path / "out.txt").read_bytes() == b"".join(pieces)
    # ~1,000 bytes a write (the last one less), not one write per piece
    assert len(writes) == pytest.approx(sum(map(len, pieces)) / 1000, abs=3)
    assert min(writes[:-1]) >= 1000
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_failure_while_streaming_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "timeline.json"
    write_atomic(target, b"previous")

    def pieces():
        yield b"x" * (fileio.CHUNK + 10)  # written to the temporary file already
        raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError, match="the writer failed"):
        write_atomic_pieces(target, pieces())
    assert target.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".*.tmp"))


def test_text_pieces_mode_and_commit(tmp_path: Path) -> None:
    out = AtomicOutput(tmp_path / "a" / "private.txt", mode=0o600)
    out.write("Zoë ")
    out.write(b"and bytes")
    assert out.commit() == tmp_path / "a" / "private.txt"
    assert (tmp_path / "a" / "private.txt").read_bytes() == "Zoë and bytes".encode()
    assert (tmp_path / "a" / "private.txt").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValueError, match="after commit"):
        out.write(b"late" * fileio.CHUNK)


def test_get_all_answers_as_get_does() -> None:
    store: dict[str, bytes] = {}
    one, many = Fragments(store), Fragments({})
    keys = ["a", "b", "a", "c"]
    expected = [one.get("k", key, lambda key=key: key.upper()) for key in keys]
    assert many.get_all("k", keys, lambda i: keys[i].upper()) == expected == [b"A", b"B", b"A", b"C"]
    assert (many.hits, many.misses, many.used, many.made) == (one.hits, one.misses, one.used, one.made)
    again = Fragments(store)
    assert again.get_all("k", keys, lambda i: pytest.fail("known")) == expected
    assert (again.hits, again.misses, again.made) == (4, 0, set())


@pytest.mark.parametrize("size", [40, 400])
def test_memo_formats_and_timeline_json_stream_the_same_bytes(size: int, tmp_path: Path) -> None:
    timeline = big_timeline(size)
    render(timeline, tmp_path / "plain", list(MEMO_FORMATS))
    store: dict[str, bytes] = {}
    for run in ("cold", "warm"):
        memo = Fragments(store)
        render(timeline, tmp_path / run, list(MEMO_FORMATS), memo=memo)
        for fmt in MEMO_FORMATS:
            name = FILENAMES[fmt]
            assert (tmp_path / run / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name
        write_timeline_json(timeline, tmp_path / run / "timeline.json", memo=memo)
        assert (tmp_path / run / "timeline.json").read_bytes() == timeline_json_bytes(timeline, memo=Fragments(store))
        assert memo.hits == (0 if run == "cold" else memo.hits) and (run == "cold") == (memo.misses > 0)
    write_timeline_json(timeline, tmp_path / "plain" / "timeline.json")
    assert (tmp_path / "plain" / "timeline.json").read_bytes() == timeline_to_json(timeline).encode()
    assert (tmp_path / "warm" / "timeline.json").read_bytes() == timeline_to_json(timeline).encode()


def _peaks(timeline: Timeline, out: Path) -> dict[str, tuple[int, int]]:
    """Each memo writer's traced peak with a warm memo (above what was held before) and the
    size of its file."""
    store: dict[str, bytes] = {}
    render(timeline, out, list(MEMO_FORMATS), memo=Fragments(store))
    write_timeline_json(timeline, out / "timeline.json", memo=Fragments(store))
    memo = Fragments(store)
    [memo.entry_key(e) for e in timeline.entries]  # a build's digests: held for every writer
    found: dict[str, tuple[int, int]] = {}
    for fmt in ("timeline.json", *MEMO_FORMATS):
        name = fmt if fmt == "timeline.json" else FILENAMES[fmt]
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        if fmt == "timeline.json":
            write_timeline_json(timeline, out / name, memo=memo)
        else:
            render(timeline, out, [fmt], memo=memo)
        found[name] = (tracemalloc.get_traced_memory()[1] - base, (out / name).stat().st_size)
        tracemalloc.stop()
    return found


def test_streamed_writers_hold_far_less_than_their_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the whole files were made in memory before (a writer's peak above its file's size);
    # streamed, a writer holds a chunk, its frame and a key per entry (the fragments are the
    # memo's): three times the entries, the peak grows far less than the file
    monkeypatch.setattr(fileio, "CHUNK", 1 << 16)
    small = _peaks(big_timeline(600), tmp_path / "small")
    large = _peaks(big_timeline(1800), tmp_path / "large")
    for name, share in (("timeline.json", 0.6), ("timelinejs.json", 1.0)):
        # timelinejs.json's slides are short here (about 270 bytes), its frame and keys not
        grown = large[name][1] - small[name][1]
        assert large[name][1] > 4 * fileio.CHUNK
        assert large[name][0] - small[name][0] < share * grown, (name, small[name], large[name])
    # the page's own text (its documents table, one row per document here) is still made
    # whole: held once, not three times as when the whole page was joined
    page = large["timeline.html"]
    assert page[0] < 1.5 * page[1], page
    assert large["timeline.json"][0] < 0.4 * large["timeline.json"][1], large["timeline.json"]
