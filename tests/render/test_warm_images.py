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


_IDLE_POLICY = pytest.mark.skipif(
    not hasattr(__import__("os"), "SCHED_IDLE") or not render_module._may_renice(),
    reason="no SCHED_IDLE here, or no right to give a process the normal policy back",
)


@_IDLE_POLICY
def test_a_warm_process_runs_idle_until_asked_to_draw(
    corpus: Timeline, plain: dict[str, bytes], tmp_path: Path, alone: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its import takes only CPU time nobody else wants while the build links; asked to
    draw, it runs as any process again (before the plan is sent), and draws the same."""
    import os

    warm = start_warm_images()
    assert warm is not None and warm._process is not None
    pid = warm._process.pid
    assert warm.idle and os.sched_getscheduler(pid) == os.SCHED_IDLE
    policies: list[int] = []
    send = warm._conn.send

    def sent(data: object) -> None:  # the policy the process has when handed the plan
        policies.append(os.sched_getscheduler(pid))
        send(data)

    monkeypatch.setattr(warm._conn, "send", sent)
    try:
        warm.draw(plan(corpus), tmp_path, ["png", "svg", "pdf"])
        warm.wait()
    finally:
        warm.stop()
    assert policies == [os.SCHED_OTHER] and not warm.idle
    for fmt in IMAGE_FORMATS:
        assert (tmp_path / FILENAMES[fmt]).read_bytes() == plain[fmt], fmt


@_IDLE_POLICY
def test_an_idle_warm_process_is_ended_as_any(alone: None) -> None:
    """Given the normal policy back before it is killed: an idle process could wait for a CPU
    to end on for as long as the machine is busy."""
    import os

    warm = start_warm_images()
    assert warm is not None and warm._process is not None and warm.idle
    process = warm._process
    pid = process.pid
    assert pid is not None
    normal: list[int] = []
    kill = process.kill

    def killed() -> None:
        normal.append(os.sched_getscheduler(pid))
        kill()

    process.kill = killed  # type: ignore[method-assign]
    warm.stop()
    assert normal in ([os.SCHED_OTHER], [])  # [] when it had ended already
    assert not process.is_alive() and process.exitcode is not None


def test_no_idle_warm_process_without_the_right_to_end_it(
    monkeypatch: pytest.MonkeyPatch, alone: None
) -> None:
    import os

    monkeypatch.setattr(render_module, "_may_renice", lambda: False)
    warm = start_warm_images()
    assert warm is not None and warm._process is not None
    try:
        assert not warm.idle
        if hasattr(os, "sched_getscheduler"):
            assert os.sched_getscheduler(warm._process.pid) != os.SCHED_IDLE
    finally:
        warm.stop()


@_IDLE_POLICY
def test_a_warm_process_known_to_draw_runs_as_any(alone: None) -> None:
    """A first build draws its images: its warm process imports at the normal policy."""
    import os

    warm = start_warm_images(idle=False)
    assert warm is not None and warm._process is not None
    try:
        assert not warm.idle and os.sched_getscheduler(warm._process.pid) != os.SCHED_IDLE
    finally:
        warm.stop()
