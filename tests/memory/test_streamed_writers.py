"""A large build's writers and link hold no list of every fragment nor every document's keys.

With a memo that keeps nothing (a corpus beyond ``HOLD_FRAGMENTS`` events) the page, the CSV
and ``timeline.json`` make each entry's fragment as it is written (``Fragments.each``): a list
of them all is the whole file (about 0.9 MB per MB of a long-document corpus's text). The
shard keys a cached build hands to the link are let go as the partition reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import pipeline
from timeline.fragments import Fragments
from timeline.render import html, tabular

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("built")
    return pipeline.build([SOURCES], out, formats=["csv"], jobs=1).timeline


def test_each_makes_a_fragment_only_when_asked() -> None:
    asked: list[int] = []

    def make(i: int) -> str:
        asked.append(i)
        return f"<{i}>"

    forgetting = Fragments(remember=False)
    pieces = iter(forgetting.each("k", ["a", "b", "c"], make))
    assert asked == []
    assert next(pieces) == b"<0>" and asked == [0]
    assert list(pieces) == [b"<1>", b"<2>"] and asked == [0, 1, 2]
    assert forgetting.misses == 3 and not forgetting.store and not forgetting.used
    keeping = Fragments()
    assert list(keeping.each("k", ["a", "b", "a"], make)) == [b"<0>", b"<1>", b"<0>"]
    assert asked == [0, 1, 2, 0, 1]  # made at once, each key once (get_all's answer)
    assert keeping.misses == 2 and keeping.hits == 1


@pytest.mark.parametrize(
    ("module", "maker", "pieces"),
    [(tabular, "_entry_rows", "csv_pieces"), (html, "_entry_html", "html_pieces")],
)
def test_writers_stream_their_fragments_without_a_memo(
    timeline, module, maker: str, pieces: str, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    made: list[object] = []
    real = getattr(module, maker)

    def counted(*args: object) -> str:
        made.append(args[0])
        return str(real(*args))

    monkeypatch.setattr(module, maker, counted)
    streamed = iter(getattr(module, pieces)(timeline, Fragments(remember=False)))
    assert made == []  # nothing made before the file is written
    whole = b"".join(streamed)
    assert len(made) == len(timeline.entries)
    monkeypatch.setattr(module, maker, real)
    assert whole == b"".join(getattr(module, pieces)(timeline, Fragments()))


def test_handed_keys_are_let_go_once_read() -> None:
    handed = pipeline._HandedKeys({"a": "keys of a", "b": "keys of b"})  # type: ignore[dict-item]
    assert len(handed) == 2 and handed["a"] == "keys of a"
    assert sorted(handed.values()) == ["keys of a", "keys of b"]
    assert len(handed) == 0 and list(handed.values()) == []


def test_timelinejs_streams_its_slides_counted_up_front(
    timeline, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """timelinejs.json's title counts the slides before any is made (no list of them all),
    and its bytes are the whole document's, with a memo or without, at 0, 1, 2 and all
    entries."""
    import dataclasses

    from timeline.render import timelinejs

    made: list[object] = []
    real = timelinejs._slide_json

    def counted(*args: object) -> str:
        made.append(args[0])
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(timelinejs, "_slide_json", counted)
    streamed = iter(timelinejs.timelinejs_pieces(timeline, Fragments(remember=False)))
    head = next(streamed)  # the text before the first slide, the title's count in it
    assert made == []
    whole = head + b"".join(streamed)
    assert len(made) == len(timeline.entries)
    monkeypatch.setattr(timelinejs, "_slide_json", real)
    placed = [e for e in timeline.entries if timelinejs._slide(e, "") is not None]
    unplaced = [e for e in timeline.entries if timelinejs._slide(e, "") is None]
    assert len(placed) >= 2
    for entries in (timeline.entries, placed[:2], placed[:1], [], unplaced[:1], [*unplaced, *placed[:1]]):
        cut = dataclasses.replace(timeline, entries=tuple(entries))
        plain = str(timelinejs.render_timelinejs(cut)).encode("utf-8")
        assert b"".join(timelinejs.timelinejs_pieces(cut, Fragments(remember=False))) == plain
        assert b"".join(timelinejs.timelinejs_pieces(cut, Fragments())) == plain
        if entries is timeline.entries:
            assert plain == whole


def test_a_memo_that_keeps_nothing_digests_no_entry(timeline) -> None:  # type: ignore[no-untyped-def]
    forgetting = Fragments(remember=False)
    assert {forgetting.entry_key(e) for e in timeline.entries} == {""}
    assert not forgetting._digests  # nothing held per entry
    keeping = Fragments()
    assert len({keeping.entry_key(e) for e in timeline.entries}) > 1
    assert len(keeping._digests) == len(timeline.entries)
