"""``timeline.png``, ``timeline.svg`` and ``timeline.pdf``: the timeline as a publication figure.

The only module that imports matplotlib. One lane per dossier, time running left to right; dated
facts are filled dots, planned steps hollow (dashed when a range), approximate dates and
earliest–latest ranges hatched bars, conflicting sources a dashed red ring, and a dashed arrow
leads from a plan to the entry that realised it. Labels are placed
greedily by importance (adoption before meeting) into a few rows per lane, never overlapping;
entries that find no room keep their mark and are counted in the footer.

At most :data:`MAX_LANES` lanes are drawn: those of the dossiers with the most entries (the
main dossiers), in their usual order. A figure of hundreds of lanes is neither readable nor
printable (and took minutes to draw). The figure then describes what it draws: the subtitle
names the largest dossiers and counts their entries, and the footer says that smaller dossiers
are left to ``timeline.html`` and ``events.csv``, which list everything
(:mod:`timeline.render.imageplan`).

Sized for A4 landscape (11.7 in wide, 8–9 pt text), so it prints at full page width and
scales onto a slide. Output is byte-identical between runs: the font is DejaVu Sans (shipped with
matplotlib), the figure is built without pyplot, and every timestamp and salt is fixed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import io
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, ConnectionStyle, Ellipse, Patch, Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextToPath

from timeline.errors import UsageError
from timeline.model import Timeline
from timeline.render._common import (
    GROUP_COLOURS,
    TYPE_RANK,
    lanes,  # noqa: F401  (re-exported: tests choose lanes through this module)
    title,
    type_group,
)
from timeline.render.imageplan import (
    _EPOCH,
    GUTTER_IN,
    MAX_LANES,  # noqa: F401  (re-exported)
    RIGHT_IN,
    WIDTH_IN,
    Plan,
    short,
)
from timeline.render.imageplan import Item as _Item
from timeline.render.imageplan import day as _day
from timeline.render.imageplan import main_lanes as _main_lanes  # noqa: F401
from timeline.render.imageplan import plan as make_plan

ROW_IN = 0.2
LANE_PAD_IN = 0.09
MAX_LABEL_ROWS = 4
MAX_ROWS = 5
LABEL_PT = 7.6
LABEL_CHARS = 44
DOT_PT = 3.75  # radius of a dot, in points
FONT = "DejaVu Sans"
INK = "#1b1f24"
MUTED = "#5b6470"
GRID = "#d9dde3"
STRIPE = "#f3f5f8"
WARN = "#c2261b"

_RC: dict[str, Any] = {
    "font.family": FONT,
    "font.size": 8,
    "svg.hashsalt": "policy-timeline",
    "svg.fonttype": "path",
    # Type 3: glyph outlines of the used characters, as drawn; Type 42 subset the TrueType fonts
    # with fontTools (six fonts, ~1.4 CPU s a PDF whatever its size); text stays extractable
    "pdf.fonttype": 3,
    "hatch.linewidth": 0.7,
    "path.simplify": False,
}
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return short(text, limit)


class _Measure:
    """Text widths in inches from per-character advances (no renderer, deterministic, fast).

    Each character is measured once through matplotlib's own text layout; kerning is ignored,
    and 2 % is added, so a label gets a little more room than it needs, never less.
    """

    def __init__(self, size: float, style: Literal["normal", "italic"] = "normal") -> None:
        self.prop = FontProperties(family=FONT, size=size, style=style)
        self.t2p = TextToPath()
        self.advance: dict[str, float] = {}
        self.known: dict[str, float] = {}  # whole labels: many entries share a title

    def width(self, text: str) -> float:
        known = self.known.get(text)
        if known is not None:
            return known
        total = 0.0
        for ch in text:
            adv = self.advance.get(ch)
            if adv is None:
                w, _h, _d = self.t2p.get_text_width_height_descent(ch * 10, self.prop, ismath=False)
                adv = self.advance[ch] = w / 720.0
            total += adv
        self.known[text] = total * 1.02
        return total * 1.02


def _year_ticks(t0: float, t1: float, plot_w_in: float) -> tuple[list[float], list[str]]:
    start = dt.date.fromordinal(int(t0) + _EPOCH)
    end = dt.date.fromordinal(int(t1) + _EPOCH)
    years = (t1 - t0) / 365.25
    per_in = years / plot_w_in
    if per_in < 0.35:  # months
        months = max(1, round(per_in * 12 * 0.9))
        step = next((m for m in (1, 2, 3, 6) if m >= months), 6)
        ticks, labels = [], []
        y, m = start.year, ((start.month - 1) // step) * step + 1
        while dt.date(y, m, 1) <= end:
            d = dt.date(y, m, 1)
            if _day(d) >= t0:
                ticks.append(_day(d))
                labels.append(str(y) if m == 1 else d.strftime("%b"))
            m += step
            if m > 12:
                y, m = y + 1, m - 12
        return ticks, labels
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if s / per_in >= 0.55), 100)
    first = (start.year // step) * step
    ticks, labels = [], []
    for year in range(first, end.year + 1, step):
        if year >= 1 and t0 <= _day(dt.date(year, 1, 1)) <= t1:
            ticks.append(_day(dt.date(year, 1, 1)))
            labels.append(str(year))
    return ticks, labels


class _Disjoint:
    """Spans of one row that never overlap one another (labels), sorted by start.

    Sorted by start, disjoint spans are sorted by end too, so the span overlapping
    ``[lo, hi)`` if any is the last one starting before ``hi``: one bisection, where scanning
    every label of the row made laying out 5,000 entries quadratic.
    """

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []

    def overlaps(self, lo: float, hi: float) -> bool:
        i = bisect.bisect_left(self.starts, hi)
        return i > 0 and self.ends[i - 1] > lo

    def add(self, lo: float, hi: float) -> None:
        i = bisect.bisect_left(self.starts, lo)
        self.starts.insert(i, lo)
        self.ends.insert(i, hi)


def _layout_lane(items: list[_Item], days_per_in: float, upright: _Measure, italic: _Measure, t1: float) -> int:
    """Give each item a row and, where it fits, a label. Returns the number of rows used.

    Ties are broken by each item's place in ``items`` (the plan's order), not by entry ids:
    ids hash the sources' paths, and the figure of a corpus does not depend on its folder."""
    labels = [_Disjoint() for _ in range(MAX_ROWS)]
    pad = 0.07 * days_per_in  # 0.07 in around a mark
    gap = 0.06 * days_per_in
    rank = {id(it): n for n, it in enumerate(items)}
    order = sorted(
        items,
        key=lambda it: (
            TYPE_RANK.get(it.entry.type, 99),
            it.entry.status != "planned",
            it.x0,
            rank[id(it)],
        ),
    )
    # labels first, by importance (no mark is placed yet, so only labels can be in the way)
    for it in order:
        text = _short(title(it.entry))
        measure = italic if it.entry.status == "planned" else upright
        width = measure.width(text) * days_per_in
        right = max(it.x1, it.x0) + gap + 0.02 * days_per_in
        lo, hi, left = it.x0 - pad, right + width + pad, False
        if right + width > t1 and it.x0 - gap - width - pad > 0:
            lo, hi, left = it.x0 - gap - width - pad, max(it.x1, it.x0) + pad, True
        for r in range(MAX_LABEL_ROWS):
            if not labels[r].overlaps(lo, hi):
                labels[r].add(lo, hi)
                it.row, it.label, it.label_left = r, text, left
                it.label_x = it.x0 - gap if left else right
                break
    # then the marks without a label, left to right. Their spans start in increasing order, so
    # a mark ending at or before the current start can never overlap again: each row keeps
    # the ends of its marks still open (a heap), and every open mark overlaps the current one.
    marks: list[list[float]] = [[] for _ in range(MAX_ROWS)]
    for it in sorted(items, key=lambda it: (it.x0, rank[id(it)])):
        if it.row >= 0:
            continue
        lo, hi = it.x0 - pad, max(it.x1, it.x0) + pad
        for heap in marks:
            while heap and heap[0] <= lo:
                heapq.heappop(heap)
        free = [r for r in range(MAX_ROWS) if not labels[r].overlaps(lo, hi) and not marks[r]]
        if not free:  # crowded: let marks touch marks, never labels; the least crowded row
            free = sorted(
                (r for r in range(MAX_ROWS) if not labels[r].overlaps(lo, hi)),
                key=lambda r: (len(marks[r]), r),
            ) or [MAX_ROWS - 1]
        it.row = free[0]
        heapq.heappush(marks[it.row], hi)
    return max([it.row + 1 for it in items] + [1])


def _lane_name(name: str, width: int = 24, lines: int = 4) -> list[str]:
    """A lane name wrapped for the gutter, cut with an ellipsis after ``lines`` lines."""
    wrapped = textwrap.wrap(name, width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = _short(wrapped[-1] + " …", width)
    return wrapped


def _figure(drawn: Plan | Timeline) -> Figure:
    """The whole figure of a :func:`~timeline.render.imageplan.plan` (made here when given
    the timeline); deterministic, and reading nothing but the plan (its digest stands for the
    image bytes)."""
    plan = drawn if isinstance(drawn, Plan) else make_plan(drawn)
    placed = plan.placed
    t0, t1 = plan.t0, plan.t1
    plot_w = WIDTH_IN - GUTTER_IN - RIGHT_IN
    days_per_in = plan.days_per_in
    upright, italic = _Measure(LABEL_PT), _Measure(LABEL_PT, "italic")
    heights: list[float] = []
    names: list[list[str]] = []
    for name, items in placed:
        n = _layout_lane(items, days_per_in, upright, italic, t1)
        # room for the lane's name (up to four lines) and its count, even in a one-row lane
        names.append(_lane_name(name))
        heights.append(max(n * ROW_IN, 0.15 * len(names[-1]) + 0.2) + 2 * LANE_PAD_IN)
    head_in, axis_in, foot_in = 1.05, 0.3, 0.42
    body_in = max(sum(heights), ROW_IN * 2)
    height = head_in + axis_in + body_in + foot_in
    fig = Figure(figsize=(WIDTH_IN, height), dpi=100, facecolor="white")
    ax = fig.add_axes(
        (GUTTER_IN / WIDTH_IN, foot_in / height, plot_w / WIDTH_IN, body_in / height),
        facecolor="white",
    )
    ax.set_xlim(t0, t1)
    ax.set_ylim(body_in, 0)
    for side in ("left", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["top"].set_color(GRID)
    ax.set_yticks([])
    ticks, labels = _year_ticks(t0, t1, plot_w)
    ax.set_xticks(ticks, labels)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=8, labelcolor=MUTED, pad=4)
    for tick in ticks:
        ax.axvline(tick, color=GRID, linewidth=0.6, zorder=0)
    # lanes
    y = 0.0
    where: dict[str, tuple[float, float]] = {}
    marks = _Marks()
    for index, ((_, items), h) in enumerate(zip(placed, heights, strict=True)):
        if index % 2 == 0:
            ax.add_patch(Rectangle((t0, y), t1 - t0, h, facecolor=STRIPE, edgecolor="none", zorder=0.1))
            fig.patches.append(
                Rectangle((0.12 / WIDTH_IN, (height - head_in - axis_in - y - h) / height),
                          (GUTTER_IN - 0.12) / WIDTH_IN, h / height,
                          transform=fig.transFigure, facecolor=STRIPE, edgecolor="none", zorder=0)
            )
        wrapped = names[index]
        top = height - head_in - axis_in - y - LANE_PAD_IN - 0.02
        fig.text(0.2 / WIDTH_IN, top / height, "\n".join(wrapped), ha="left", va="top",
                 fontsize=8.2, fontweight="bold", color=INK, linespacing=1.15)
        fig.text(0.2 / WIDTH_IN, (top - 0.15 * len(wrapped) - 0.02) / height,
                 f"{len(items):,} entr{'y' if len(items) == 1 else 'ies'}", ha="left", va="top",
                 fontsize=7, color=MUTED)
        for it in items:
            cy = y + LANE_PAD_IN + it.row * ROW_IN + ROW_IN / 2
            _draw_item(ax, it, cy, days_per_in, marks)
            where[it.entry.id] = (it.x0, cy)
        y += h
    marks.draw(ax)
    # a planned step and the entry that realised it: a dashed arrow from plan to outcome
    arrows = [
        (where[it.entry.id], where[it.entry.realised_by])
        for _name, items in placed
        for it in items
        if it.entry.realised_by and it.entry.realised_by in where and it.entry.id in where
    ]
    if arrows:
        ax.add_collection(_arrows(fig, ax, arrows), autolim=False)
    # title, subtitle, legend
    subtitle = plan.subtitle
    fig.text(0.2 / WIDTH_IN, 1 - 0.16 / height, plan.title, ha="left", va="top",
             fontsize=14, fontweight="bold", color=INK)
    fig.text(0.2 / WIDTH_IN, 1 - 0.47 / height, subtitle, ha="left", va="top", fontsize=8.5, color=MUTED)
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor="none", label=g.capitalize()) for g, c in GROUP_COLOURS.items()
    ]
    handles += [
        Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor=MUTED, markeredgecolor=MUTED, label="happened"),
        Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="white", markeredgecolor=MUTED, markeredgewidth=1.3, label="planned"),
        Patch(facecolor="white", edgecolor=MUTED, hatch="//////", label="approximate / range"),
        Line2D([], [], marker="o", linestyle="none", markersize=10, markerfacecolor="none", markeredgecolor=WARN, label="sources disagree"),
    ]
    if plan.realised:
        handles.append(Line2D([], [], color=MUTED, linewidth=0.8, linestyle=(0, (2, 1.5)), label="plan → outcome"))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.14 / WIDTH_IN, 1 - 0.74 / height),
               ncol=len(handles), frameon=False, fontsize=7.4, handlelength=1.3, columnspacing=1.1, handletextpad=0.45,
               borderaxespad=0)
    unlabelled = sum(1 for _n, items in placed for it in items if it.label is None)
    fig.text(0.2 / WIDTH_IN, 0.14 / height, plan.footer(unlabelled), ha="left", va="bottom",
             fontsize=7, color=MUTED)
    return fig


@dataclass(slots=True)
class _Marks:
    """Marks collected while laying out, drawn at the end as a few collections (fast for 5,000)."""

    dots: dict[tuple[str, bool], list[tuple[float, float]]] = field(default_factory=dict)
    bars: dict[tuple[str, bool], list[tuple[float, float, float, float]]] = field(default_factory=dict)
    rings: list[tuple[float, float]] = field(default_factory=list)

    def draw(self, ax: Axes) -> None:
        size = (2 * DOT_PT) ** 2
        for (colour, planned), bars in sorted(self.bars.items()):
            # one compound path per style: a backend hatches each path of a collection apart
            # (Agg renders the hatch tile again for every path: ~3 ms a bar at 200 dpi)
            ax.add_collection(
                PathCollection(
                    [_rectangles(bars)], facecolor="white", edgecolor=colour, hatch="//////",
                    linewidth=1.0, linestyle=(0, (2.5, 1.5)) if planned else "solid", zorder=3,
                ),
                autolim=False,
            )
        for (colour, planned), points in sorted(self.dots.items()):
            xs, ys = zip(*points, strict=True)
            ax.scatter(
                xs, ys, s=size, marker="o", zorder=4,
                facecolors="white" if planned else colour, edgecolors=colour if planned else "white",
                linewidths=1.3 if planned else 0.5,
            )
        if self.rings:
            xs, ys = zip(*self.rings, strict=True)
            ax.scatter(xs, ys, s=(3.5 * DOT_PT) ** 2, marker="o", facecolors="none", edgecolors=WARN,
                       linewidths=0.9, linestyles=(0, (1.5, 1)), zorder=4.2)


def _arrows(fig: Figure, ax: Axes, arrows: list[tuple[tuple[float, float], tuple[float, float]]]) -> PathCollection:
    """Dashed curved arrows (plan to outcome) as one collection, as ``ax.annotate`` draws them.

    Each arrow's shaft and head are made once, in data coordinates, by the connection and arrow
    styles an annotation's arrow patch uses (its sizes in points scaled to the figure's pixels, so
    the shape is the same in every format); an annotation per arrow redid that geometry in every
    format and backend.
    """
    scale = fig.dpi / 72  # points to pixels, as a renderer corrects an arrow patch
    paths: list[Path] = []
    faces: list[str] = []
    to_data = ax.transData.inverted()
    # the styles' instances are callables (matplotlib's stubs type them as the style classes)
    connect: Any = ConnectionStyle("arc3", rad=-0.25)
    style: Any = ArrowStyle("-|>")
    for start, end in arrows:
        a, b = ax.transData.transform([start, end])
        curve = connect(tuple(a), tuple(b), shrinkA=4 * scale, shrinkB=4 * scale)
        shaft_head, fillable = style(curve, 7 * scale, 0.8 * scale, 1)
        for part, fill in zip(shaft_head, fillable, strict=True):
            paths.append(to_data.transform_path(part))
            faces.append(MUTED if fill else "none")
    return PathCollection(
        paths, facecolors=faces, edgecolors=MUTED, linewidths=0.8, linestyles=(0, (2, 1.5)),
        capstyle="round", joinstyle="round", zorder=3.5, clip_on=False, transform=ax.transData,
    )


def _rectangles(bars: list[tuple[float, float, float, float]]) -> Path:
    """One path of closed rectangles ``(x, y, width, height)``, each drawn as a Rectangle is."""
    vertices: list[tuple[float, float]] = []
    for x, y, w, h in bars:
        vertices += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
    codes = [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY] * len(bars)
    return Path(vertices, codes)


def _draw_item(ax: Axes, it: _Item, cy: float, days_per_in: float, marks: _Marks) -> None:
    """Collect one entry's mark (dot, hollow dot or hatched bar); draw its label if it has room."""
    entry = it.entry
    colour = GROUP_COLOURS.get(type_group(entry.type), MUTED)
    planned = entry.status == "planned"
    if it.ext.vague:
        h_in = 0.11
        w = max(it.x1 - it.x0, 0.06 * days_per_in)
        marks.bars.setdefault((colour, planned), []).append((it.x0, cy - h_in / 2, w, h_in))
        if it.ext.open_end or it.ext.open_start:
            tip = it.x0 + w if it.ext.open_end else it.x0
            d = 0.07 * days_per_in * (1 if it.ext.open_end else -1)
            ax.fill([tip, tip + d, tip], [cy - h_in / 2, cy, cy + h_in / 2], color=colour, zorder=3.1, linewidth=0)
    else:
        marks.dots.setdefault((colour, planned or entry.status == "ongoing"), []).append((it.x0, cy))
        if entry.status == "ongoing":  # a hollow dot with a solid centre
            ax.add_artist(_dot((it.x0, cy), DOT_PT / 72 * 0.55, days_per_in, facecolor=colour, edgecolor="none", zorder=4.1))
    if entry.conflict:
        marks.rings.append((it.x0, cy))
    if it.label:
        ax.text(it.label_x, cy, it.label, ha="right" if it.label_left else "left", va="center_baseline",
                fontsize=LABEL_PT, color=INK, fontstyle="italic" if planned else "normal", zorder=5, clip_on=False)


def _dot(xy: tuple[float, float], r_in: float, days_per_in: float, **kwargs: Any) -> Ellipse:
    """A circle of radius ``r_in`` inches on axes whose x unit is days and y unit is inches."""
    return Ellipse(xy, 2 * r_in * days_per_in, 2 * r_in, **kwargs)


def warm_up() -> None:
    """Import what saving a figure loads on its first save (the PNG, SVG and PDF backends,
    Pillow's PNG writer: about 0.4 CPU-s), so that a process forked to draw later draws at
    once (:class:`timeline.render.WarmImages`)."""
    from matplotlib.backends import backend_agg, backend_pdf, backend_svg  # noqa: F401
    from PIL import PngImagePlugin  # noqa: F401


def render_image(timeline: Timeline, fmt: str = "png", dpi: int = 200) -> bytes:
    """The figure as PNG, SVG or PDF bytes, identical for identical input."""
    return render_images(timeline, (fmt,), dpi)[fmt]


def render_images(
    timeline: Timeline | Plan, formats: Sequence[str], dpi: int = 200
) -> dict[str, bytes]:
    """The figure of ``timeline`` (or of its :func:`~timeline.render.imageplan.plan`) in each of
    ``formats`` (png, svg, pdf), laid out once and saved in each.

    Saving one figure again gives the bytes a fresh figure gives (a test holds this), so the
    layout, the costliest part after drawing, is not repeated per format.
    """
    with laid_out(timeline, formats, dpi) as save:
        return {fmt: save(fmt) for fmt in dict.fromkeys(formats)}


def _check_format(fmt: str) -> None:
    if fmt not in _METADATA:
        raise UsageError(f"unknown image format {fmt!r}; choose png, svg or pdf")


@contextmanager
def laid_out(
    timeline: Timeline | Plan, formats: Sequence[str] = (), dpi: int = 200
) -> Iterator[Callable[[str], bytes]]:
    """The figure of ``timeline`` (or of its plan) laid out once, as a function that saves it in
    one format (png, svg or pdf) and gives the bytes: :func:`render_images` in steps, so that a
    process may fork after the layout and save some formats in the copy
    (:class:`timeline.render.WarmImages`). ``formats`` are checked before the layout."""
    for fmt in formats:
        _check_format(fmt)
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = _figure(timeline)

        def save(fmt: str) -> bytes:
            _check_format(fmt)
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt], facecolor="white")
            return buffer.getvalue()

        yield save
