"""The build's stored timeline goes through a file, never whole in memory nor sent between
processes: the writer pickles it into a temporary file as it is made
(:func:`~timeline.cache.encode_timeline_to`), and the cache copies that file into its row a
chunk at a time (:meth:`~timeline.cache.ExtractionCache.put_memo_file`). The row holds the
bytes :func:`~timeline.cache.encode_timeline` makes, and no temporary file is left."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from timeline import cache as cachemod
from timeline import pipeline
from timeline.cache import ExtractionCache, encode_timeline, encode_timeline_to, read_timeline

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    # jobs 2: the stored timeline is encoded by the forked writer of the images
    pipeline.build([SOURCES], out, formats=["png", "csv", "graph"], jobs=2)
    return out


def test_encoding_to_a_file_makes_the_same_bytes(built: Path) -> None:
    with ExtractionCache(built / ".timeline-cache.sqlite") as cache:
        stored = cache.memo[pipeline._Outputs.KEY]
    digest, events, make = read_timeline(stored)
    timeline = make()
    whole = encode_timeline(digest, events, timeline)
    out = io.BytesIO()
    assert encode_timeline_to(out, digest, events, timeline) == (len(whole), zlib.crc32(whole))
    assert out.getvalue() == whole == stored  # the build stored these bytes


def test_the_build_leaves_no_temporary_file_and_finds_its_outputs_current(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not list(built.glob(".build-timeline.*"))

    def no_link(*_a: object, **_k: object) -> None:
        raise AssertionError("linked again: the stored timeline was not found")

    monkeypatch.setattr(pipeline, "_link_corpus", no_link)
    again = pipeline.build([SOURCES], built, formats=["png", "csv", "graph"], jobs=2)
    assert again.timeline.entries and not list(built.glob(".build-timeline.*"))


def test_a_file_is_stored_a_chunk_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cachemod, "MEMO_CHUNK", 7)
    data = bytes(range(256)) * 3 + b"tail"
    source = tmp_path / "value.bin"
    source.write_bytes(data)
    with ExtractionCache(tmp_path / "c.sqlite") as cache:
        cache.memo["k"] = b"pending, replaced"
        assert cache.put_memo_file("k", source, len(data), zlib.crc32(data))
        assert cache.memo["k"] == data
    with ExtractionCache(tmp_path / "c.sqlite") as cache:  # written, and sound (its CRC)
        assert cache.memo["k"] == data


def test_a_file_not_of_its_length_is_not_stored(tmp_path: Path) -> None:
    source = tmp_path / "value.bin"
    source.write_bytes(b"12345")
    with ExtractionCache(tmp_path / "c.sqlite") as cache:
        assert not cache.put_memo_file("k", source, 6, 0)
        assert not cache.put_memo_file("k", tmp_path / "missing.bin", 5, 0)
        assert "k" not in cache.memo
