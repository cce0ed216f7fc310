"""Images drawn by the warm processes a build forks at its start (``start_warm_images``): the
plan is handed over as plain data, the files equal a plain render's, the PNG is saved apart from
the SVG and PDF (in a copy forked once the figure is laid out), and a process never asked to draw
is ended."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from render_fixtures import big_timeline

from timeline import render as render_module
from timeline.model import Timeline
from timeline.render import FILENAMES, IMAGE_FORMATS, render, start_warm_images
from timeline.render.imageplan import Plan, plan

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork here"
)


@pytest.fixture()
def alone() -> None:
    """No thread but this one runs here (a session fixture's browser may leave some): else
    no warm process is made, by design (see the test below)."""
    if threading.active_count() > 1:
        pytest.skip("a thread runs in this process: start_warm_images makes no process")


def test_no_warm_process_while_a_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_warm_images() is None
    finally:
        stop.set()
        other.join()


@pytest.fixture(scope="module")
def corpus() -> Timeline:
    """A small made-up timeline (the images are drawn in every test)."""
    return big_timeline(60)


@pytest.fixture(scope="module")
def plain(corpus: Timeline, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("plain")
    render(corpus, out, list(IMAGE_FORMATS), jobs=1)
    return {f: (out / FILENAMES[f]).read_bytes() for f in IMAGE_FORMATS}


def test_a_plan_made_again_from_plain_data_draws_the_same(corpus: Timeline) -> None:
    made = plan(corpus)
    again = Plan.of_plain(made.plain())
    assert again.digest() == made.digest()
    assert [name for name, _ in again.placed] == [name for name, _ in made.placed]
    entry = next(it.entry for _, items in again.placed for it in items)
    assert entry.sources == () and len(entry.acts) <= 1  # cut to what the figure reads


@pytest.mark.parametrize("split", [True, False], ids=["png-apart", "one-process"])
def test_warm_images_equal_a_plain_render(
    corpus: Timeline, plain: dict[str, bytes], tmp_path: Path, split: bool,
    monkeypatch: pytest.MonkeyPatch, alone: None,
) -> None:
    if not split:
        monkeypatch.setattr(render_module, "SPLIT_ITEMS", 0)
    warm = start_warm_images()
    assert warm is not None
    try:
        warm.draw(plan(corpus), tmp_path, ["png", "svg", "pdf"])
        assert warm.split is split
        written = warm.wait()
    finally:
        warm.stop()
    assert written == sorted(tmp_path / FILENAMES[f] for f in IMAGE_FORMATS)
    for fmt in IMAGE_FORMATS:
        assert (tmp_path / FILENAMES[fmt]).read_bytes() == plain[fmt], fmt


def test_a_warm_process_never_asked_is_ended(alone: None) -> None:
    warm = start_warm_images()
    assert warm is not None
    process = warm._process
    warm.stop()
    assert process is not None and not process.is_alive()
    assert process.exitcode is not None  # joined: no process left behind


def test_warm_images_raise_what_drawing_raised(
    corpus: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alone: None
) -> None:
    from timeline.render import image

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(image, "_figure", broken)  # before the fork: the warm process has it
    warm = start_warm_images()
    assert warm is not None
    warm.draw(plan(corpus), tmp_path, ["png", "svg"])
    assert warm.split  # the layout, before the copy saving the PNG is forked, fails
    with pytest.raises(RuntimeError, match="drawing failed"):
        warm.wait()
    assert not (tmp_path / "timeline.png").exists()
