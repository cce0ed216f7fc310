"""What the timeline figure draws, as plain data, and a digest of it (no matplotlib here).

:func:`plan` chooses the lanes drawn (the :data:`MAX_LANES` largest), places each entry on the
time axis and writes the title, subtitle and footer counts; :mod:`timeline.render.image` lays
out and draws that plan and reads nothing else of the timeline. So :meth:`Plan.digest` (with
the engine and matplotlib versions) says when two timelines give the same image bytes. Any
field of an entry the drawing reads must be in :meth:`Item.drawn`.

The figure describes what it draws. When every dossier is drawn, the subtitle counts the
timeline's entries and dossiers; when only the largest are, every count (subtitle, footer)
is of the drawn lanes, and the footer points to the files that list everything
(:data:`SUBTITLE_LARGEST`, :data:`NOTE_SMALLER`). So a build after adding one document whose
entries fall outside the drawn lanes gives the same plan, and need not draw the images again
(``timeline.pipeline``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from timeline.model import ActRef, Entry, Timeline
from timeline.render._common import TYPE_RANK, Extent, Lane, extent, lanes, title

WIDTH_IN = 11.69  # A4 landscape
GUTTER_IN = 1.85  # lane names
RIGHT_IN = 0.35
MAX_LANES = 12  # the main dossiers: what an A4 page shows readably
_EPOCH = dt.date(1970, 1, 1).toordinal()

# The header and footer texts (English, as the figure's legend). Counts are printed with
# thousands separators; ``{years}`` is the span drawn, as "2009–2020".
#: The subtitle when every dossier is drawn: the timeline's counts.
SUBTITLE_ALL = "{entries:,} entries in {dossiers:,} dossier{s}"
#: The subtitle when only the :data:`MAX_LANES` largest dossiers are drawn: their counts only
#: (the timeline's totals are in ``timeline.html`` and ``summary.md``).
SUBTITLE_LARGEST = "The {drawn} largest dossiers: {entries:,} entries"
#: Appended to the subtitle: the years drawn, and the planned entries among those counted.
SUBTITLE_YEARS = ", {years}"
SUBTITLE_PLANNED = "; {planned:,} planned"
#: The footer's notes, joined by "; " and ended by a full stop; their counts are of the drawn
#: lanes. When some dossiers are not drawn, :data:`NOTE_SMALLER` comes first and stands for
#: :data:`NOTE_FULL_LIST`.
NOTE_SMALLER = (
    "Smaller dossiers are not drawn: timeline.html and events.csv list every entry with its sources"
)
NOTE_UNLABELLED = "{unlabelled:,} entries without room for a label are shown by their mark only"
NOTE_UNDATED = "{undated:,} undated entries are not drawn"
NOTE_FULL_LIST = "full list with sources: timeline.html, events.csv"


@dataclass(slots=True)
class Item:
    """One entry drawn: its mark's place (days since 1970) and, once laid out, its row and
    label."""

    entry: Entry
    ext: Extent
    x0: float  # days since 1970
    x1: float
    row: int = -1
    label: str | None = None
    label_x: float = 0.0
    label_left: bool = False

    def drawn(self) -> tuple[object, ...]:
        """Every value of the entry and its place that the figure shows, but its id and the id
        of the entry it realises (see :meth:`Plan.digest`); they sort."""
        e = self.entry
        return (
            e.type, e.status, title(e), e.conflict,
            self.ext.start.toordinal(), self.ext.end.toordinal(), self.ext.vague,
            self.ext.open_end, self.ext.open_start, self.x0, self.x1,
        )


@dataclass(slots=True)
class Plan:
    """The figure before layout: the lanes drawn with their items, the time axis, the texts
    and counts of the header and footer."""

    placed: list[tuple[str, list[Item]]]
    t0: float
    t1: float
    lo_day: float
    hi_day: float
    dated: bool  # some entry of a drawn lane has a date
    title: str
    subtitle: str
    realised: bool  # some entry of a drawn lane realises a plan: the legend shows the arrow
    partial: bool  # some dossiers are not drawn (only the MAX_LANES largest are)
    undated: int  # entries of the drawn lanes without a place on the time axis

    @property
    def days_per_in(self) -> float:
        return (self.t1 - self.t0) / (WIDTH_IN - GUTTER_IN - RIGHT_IN)

    def footer(self, unlabelled: int) -> str:
        """The footer's text, given how many drawn entries found no room for a label."""
        notes = [NOTE_SMALLER] if self.partial else []
        if unlabelled:
            notes.append(NOTE_UNLABELLED.format(unlabelled=unlabelled))
        if self.undated:
            notes.append(NOTE_UNDATED.format(undated=self.undated))
        if not self.partial:
            notes.append(NOTE_FULL_LIST)
        return "; ".join(notes) + "."

    def plain(self) -> tuple[object, ...]:
        """This plan as plain tuples of numbers and strings (:meth:`of_plain` makes it again),
        each entry cut to what the figure reads: a few times cheaper to send to the process
        that draws it (:class:`timeline.render.WarmImages`) than the plan's objects."""
        lanes = [
            (
                name,
                [
                    (
                        (e := it.entry).id, e.date, e.precision, e.earliest, e.latest, e.status,
                        e.type, e.label, e.acts[0].label if e.acts else None, e.conflict,
                        e.realised_by, it.ext.start.toordinal(), it.ext.end.toordinal(),
                        it.ext.vague, it.ext.open_end, it.ext.open_start, it.x0, it.x1,
                    )
                    for it in items
                ],
            )
            for name, items in self.placed
        ]
        return (
            lanes, self.t0, self.t1, self.lo_day, self.hi_day, self.dated, self.title,
            self.subtitle, self.realised, self.partial, self.undated,
        )

    @classmethod
    def of_plain(cls, data: tuple[Any, ...]) -> Plan:
        """The plan :meth:`plain` gave ``data`` of (entries without sources, procedures or
        actors, and with their first act only: what the figure reads)."""
        lanes, *head = data
        date = dt.date.fromordinal
        placed = [
            (
                name,
                [
                    Item(
                        Entry(
                            id=i, date=d, precision=p, earliest=lo, latest=hi, status=st,
                            type=ty, label=la, acts=() if act is None else (ActRef(None, act),),
                            procedures=(), actors=(), sources=(), conflict=co, realised_by=rb,
                        ),
                        Extent(date(s), date(en), va, oe, os_),
                        x0,
                        x1,
                    )
                    for (
                        i, d, p, lo, hi, st, ty, la, act, co, rb, s, en, va, oe, os_, x0, x1
                    ) in items
                ],
            )
            for name, items in lanes
        ]
        return cls(placed, *head)

    def digest(self) -> str:
        """A digest of everything drawn and of the matplotlib drawing it (equal digests, equal
        figures, given the same code of this package).

        Entry ids are not shown, and the drawing reads them only to join a plan to the item
        that realised it by an arrow: the items of a lane are in the order :func:`plan` gives
        (by what is drawn, ids last) and laid out by their place in it. So each item stands
        for what it shows, in order, and for the place (lane, rank) of the item its arrow
        points to: a new source that changes an entry's id (ids are content hashes of the
        sources, whose paths are absolute), or the same corpus in another folder, leaves the
        digest alone.
        """
        from importlib.metadata import version

        place: dict[str, tuple[int, int]] = {}
        for index, (_name, items) in enumerate(self.placed):
            for rank, it in enumerate(items):
                place[it.entry.id] = (index, rank)
        lanes = [
            (
                name,
                [
                    (
                        place.get(it.entry.realised_by) if it.entry.realised_by else None,
                        it.drawn(),
                    )
                    for it in items
                ],
            )
            for name, items in self.placed
        ]
        head = (
            version("matplotlib"), self.t0, self.t1, self.lo_day, self.hi_day, self.dated,
            self.title, self.subtitle, self.realised, self.partial, self.undated,
        )
        data = repr((head, lanes))
        return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _drawn_order(it: Item) -> tuple[object, ...]:
    """:func:`~timeline.render._common.sort_key` of the item's entry without its id, then
    what the item shows and whether an arrow leaves it."""
    e = it.entry
    return (
        it.ext.start, it.ext.end, TYPE_RANK.get(e.type, 99), e.label, it.drawn(),
        bool(e.realised_by),
    )


def day(d: dt.date) -> float:
    """Days since 1970-01-01."""
    return float(d.toordinal() - _EPOCH)


def main_lanes(lane_list: list[Lane]) -> tuple[list[Lane], int, int]:
    """The :data:`MAX_LANES` lanes with the most entries, in lane order; and how many lanes and
    entries are left out."""
    if len(lane_list) <= MAX_LANES:
        return lane_list, 0, 0
    ranked = sorted(range(len(lane_list)), key=lambda i: (-len(lane_list[i].entries), i))
    keep = sorted(ranked[:MAX_LANES])
    shown = [lane_list[i] for i in keep]
    left = len(lane_list) - len(shown)
    return shown, left, sum(len(lane.entries) for lane in lane_list) - sum(
        len(lane.entries) for lane in shown
    )


def short(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word with an ellipsis to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.-–") + "…"


def plan(timeline: Timeline) -> Plan:
    """The figure's plan for ``timeline``; deterministic."""
    all_lanes = lanes(timeline)
    lane_list, lanes_left, _entries_left = main_lanes(all_lanes)
    placed: list[tuple[str, list[Item]]] = []
    undated = 0
    all_ext: list[Extent] = []
    for lane in lane_list:
        items: list[Item] = []
        for entry in lane.entries:
            ext = extent(entry)
            if ext is None:
                undated += 1
                continue
            all_ext.append(ext)
            items.append(Item(entry, ext, day(ext.start), day(ext.end + dt.timedelta(days=1)) if ext.vague else day(ext.start)))
        # the lane's order (chronological, ids last) with ties broken by what is drawn, so that
        # only items drawn alike stay in the order of their ids (see Plan.digest)
        items.sort(key=_drawn_order)
        if items:
            placed.append((lane.name, items))
    if all_ext:
        lo_day = day(min(x.start for x in all_ext))
        hi_day = day(max(x.end for x in all_ext))
    else:
        lo_day, hi_day = 0.0, 365.0
    span = max(hi_day - lo_day, 60.0)
    t0, t1 = lo_day - span * 0.025, hi_day + span * 0.025
    plot_w = WIDTH_IN - GUTTER_IN - RIGHT_IN
    days_per_in = (t1 - t0) / plot_w
    for _name, items in placed:
        for it in items:
            if it.ext.open_end:
                it.x1 = it.x0 + 0.35 * days_per_in
            if it.ext.open_start:
                it.x0 = it.x1 - 0.35 * days_per_in
            if it.ext.vague and it.x1 - it.x0 < 0.06 * days_per_in:
                mid = (it.x0 + it.x1) / 2
                it.x0, it.x1 = mid - 0.03 * days_per_in, mid + 0.03 * days_per_in
    dated_years = f"{dt.date.fromordinal(int(lo_day) + _EPOCH).year}–{dt.date.fromordinal(int(hi_day) + _EPOCH).year}"
    # every count is of the lanes drawn (every entry is in a lane: all of them when every
    # lane is drawn), so that entries outside them leave the plan as it is
    counted = [e for lane in lane_list for e in lane.entries]
    n_planned = sum(1 for e in counted if e.status == "planned")
    if lanes_left:
        subtitle = SUBTITLE_LARGEST.format(drawn=len(lane_list), entries=len(counted))
    else:
        subtitle = SUBTITLE_ALL.format(
            entries=len(counted), dossiers=len(all_lanes), s="s" if len(all_lanes) != 1 else ""
        )
    if all_ext:
        subtitle += SUBTITLE_YEARS.format(years=dated_years)
    if n_planned:
        subtitle += SUBTITLE_PLANNED.format(planned=n_planned)
    return Plan(
        placed, t0, t1, lo_day, hi_day, bool(all_ext), short(timeline.title, 110), subtitle,
        any(e.realised_by for e in counted), bool(lanes_left), undated,
    )
