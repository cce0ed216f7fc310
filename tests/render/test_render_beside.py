"""Formats written beside the images: the process that draws the images also writes the formats
``start_images`` is given in ``also``, from a forked copy of the fragments memo, and what it
made and used comes back into the caller's memo."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_fixtures import big_timeline

from timeline.fragments import Fragments
from timeline.model import Timeline
from timeline.render import FILENAMES, render, start_images

ALSO = ["ics", "timelinejs", "summary"]


def _bytes(out: Path, formats: list[str]) -> dict[str, bytes]:
    return {f: (out / FILENAMES[f]).read_bytes() for f in formats}


@pytest.fixture(scope="module")
def corpus() -> Timeline:
    """A small made-up timeline (the images are drawn in every test)."""
    return big_timeline(60)


def test_formats_beside_the_images_equal_a_plain_render_and_fill_the_memo(
    corpus: Timeline, tmp_path: Path
) -> None:
    # in this process: the files and the fragments a memo gets from them
    here = Fragments()
    render(corpus, tmp_path / "plain", ["png", *ALSO], memo=here)
    plain = _bytes(tmp_path / "plain", ["png", *ALSO])

    store: dict[str, bytes] = {}
    cold = Fragments(store)
    wait = start_images(corpus, tmp_path / "cold", ["png"], jobs=2, also=ALSO, memo=cold)
    if wait is None:
        pytest.skip("no fork here: the images are drawn in this process")
    written = wait()
    assert written == sorted(tmp_path / "cold" / FILENAMES[f] for f in ["png", *ALSO])
    assert _bytes(tmp_path / "cold", ["png", *ALSO]) == plain
    # what the other process made is here now, as if made here
    assert store == here.store and cold.made == here.made and cold.used == here.used
    assert cold.misses == here.misses > 0 and cold.hits == here.hits

    # a second build with that memo: the other process finds every fragment, makes none
    warm = Fragments(dict(store))
    wait = start_images(corpus, tmp_path / "warm", ["png"], jobs=2, also=ALSO, memo=warm)
    assert wait is not None
    wait()
    assert _bytes(tmp_path / "warm", ["png", *ALSO]) == plain
    assert not warm.made and warm.misses == 0 and warm.hits == here.misses
    assert warm.used == set(store)  # so a persistent store keeps them all


def test_without_a_memo_the_formats_beside_are_written_all_the_same(
    corpus: Timeline, tmp_path: Path
) -> None:
    render(corpus, tmp_path / "plain", ["ics", "summary"])
    wait = start_images(corpus, tmp_path / "out", ["png"], jobs=2, also=["ics", "summary"])
    if wait is None:
        pytest.skip("no fork here: the images are drawn in this process")
    assert [p.name for p in wait()] == sorted(["timeline.png", "deadlines.ics", "summary.md"])
    assert _bytes(tmp_path / "out", ["ics", "summary"]) == _bytes(
        tmp_path / "plain", ["ics", "summary"]
    )
