"""Rendering a large timeline: the same figure as before the speed work, laid out in near
linear time, and one figure saved in every image format."""

from __future__ import annotations

import random

import pytest
from render_fixtures import big_timeline

from timeline.model import Timeline
from timeline.render import _common
from timeline.render.image import (
    MAX_LABEL_ROWS,
    MAX_ROWS,
    TYPE_RANK,
    _Disjoint,
    _Item,
    _layout_lane,
    _Measure,
    _short,
    render_image,
    render_images,
    title,
)


def _overlaps(spans: list[tuple[float, float]], lo: float, hi: float) -> bool:
    return any(not (hi <= a or lo >= b) for a, b in spans)


def _reference_layout(items, days_per_in, upright, italic, t1) -> int:
    """The quadratic layout this module had before (every span of a row scanned per item)."""
    labels: list[list[tuple[float, float]]] = [[] for _ in range(MAX_ROWS)]
    marks: list[list[tuple[float, float]]] = [[] for _ in range(MAX_ROWS)]
    pad = 0.07 * days_per_in
    gap = 0.06 * days_per_in
    rank = {id(it): n for n, it in enumerate(items)}  # ties: the place in the plan's order
    order = sorted(
        items,
        key=lambda it: (TYPE_RANK.get(it.entry.type, 99), it.entry.status != "planned", it.x0, rank[id(it)]),
    )
    for it in order:
        text = _short(title(it.entry))
        measure = italic if it.entry.status == "planned" else upright
        width = measure.width(text) * days_per_in
        right = max(it.x1, it.x0) + gap + 0.02 * days_per_in
        lo, hi, left = it.x0 - pad, right + width + pad, False
        if right + width > t1 and it.x0 - gap - width - pad > 0:
            lo, hi, left = it.x0 - gap - width - pad, max(it.x1, it.x0) + pad, True
        for r in range(MAX_LABEL_ROWS):
            if not _overlaps(labels[r], lo, hi) and not _overlaps(marks[r], lo, hi):
                labels[r].append((lo, hi))
                it.row, it.label, it.label_left = r, text, left
                it.label_x = it.x0 - gap if left else right
                break
    for it in sorted(items, key=lambda it: (it.x0, rank[id(it)])):
        if it.row >= 0:
            continue
        lo, hi = it.x0 - pad, max(it.x1, it.x0) + pad
        free = [r for r in range(MAX_ROWS) if not _overlaps(labels[r], lo, hi) and not _overlaps(marks[r], lo, hi)]
        if not free:
            free = sorted(
                (r for r in range(MAX_ROWS) if not _overlaps(labels[r], lo, hi)),
                key=lambda r: (sum(1 for a, b in marks[r] if not (hi <= a or lo >= b)), r),
            ) or [MAX_ROWS - 1]
        it.row = free[0]
        marks[it.row].append((lo, hi))
    return max([it.row + 1 for it in items] + [1])


def _items(timeline: Timeline, seed: int) -> list[_Item]:
    rng = random.Random(seed)
    out = []
    for entry in timeline.entries:
        ext = _common.extent(entry)
        if ext is None:
            continue
        x0 = float(ext.start.toordinal()) + rng.choice([0.0, 0.5, 0.25])
        x1 = float(ext.end.toordinal()) + 1 if ext.vague else x0
        out.append(_Item(entry, ext, x0, x1))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lane_layout_equals_the_quadratic_one(seed: int) -> None:
    timeline = big_timeline(600, seed=seed)
    upright, italic = _Measure(7.6), _Measure(7.6, "italic")
    for days_per_in in (30.0, 400.0, 4000.0):  # crowded and sparse
        fast, slow = _items(timeline, seed), _items(timeline, seed)
        t1 = max(it.x1 for it in fast)
        assert _layout_lane(fast, days_per_in, upright, italic, t1) == _reference_layout(
            slow, days_per_in, upright, italic, t1
        )
        assert [(it.row, it.label, it.label_left, it.label_x) for it in fast] == [
            (it.row, it.label, it.label_left, it.label_x) for it in slow
        ]


def test_disjoint_spans_answer_as_a_scan_does() -> None:
    rng = random.Random(5)
    spans = _Disjoint()
    kept: list[tuple[float, float]] = []
    for _ in range(2000):
        lo = rng.uniform(0, 1000)
        hi = lo + rng.choice([0.5, 3.0, 20.0])
        expected = _overlaps(kept, lo, hi)
        assert spans.overlaps(lo, hi) == expected
        if not expected:
            spans.add(lo, hi)
            kept.append((lo, hi))


def test_one_figure_saved_in_every_format_equals_a_figure_per_format(xss: Timeline) -> None:
    together = render_images(xss, ["png", "svg", "pdf"])
    assert together == {fmt: render_image(xss, fmt) for fmt in ("png", "svg", "pdf")}


def test_dossier_key_reads_an_index_built_once_per_timeline() -> None:
    timeline = big_timeline(300, seed=4)
    expected = {}
    for entry in timeline.entries:
        key = entry.dossier or next((d.id for d in timeline.dossiers if entry.id in d.entries), "")
        expected[entry.id] = key
    assert {e.id: _common.dossier_key(timeline, e) for e in timeline.entries} == expected


@pytest.mark.parametrize("jobs", [2, 3])
def test_render_with_jobs_writes_the_files_of_a_serial_render(
    xss: Timeline, tmp_path, jobs: int
) -> None:
    from timeline.render import FILENAMES, render

    serial = render(xss, tmp_path / "serial")
    parallel = render(xss, tmp_path / "parallel", jobs=jobs)
    assert [p.name for p in parallel] == [p.name for p in serial] == sorted(FILENAMES.values())
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    only = render(xss, tmp_path / "some", ["svg", "csv"], jobs=jobs)
    assert [p.name for p in only] == ["events.csv", "timeline.svg"]


def test_render_with_jobs_raises_what_a_worker_raises(xss: Timeline, tmp_path, monkeypatch) -> None:
    from timeline.render import image, render

    def broken(*_args, **_kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(image, "render_images", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        render(xss, tmp_path, ["png", "csv"], jobs=2)
