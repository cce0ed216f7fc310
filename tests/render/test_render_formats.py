"""The open formats: events.csv, deadlines.ics, timelinejs.json, summary.md, and render() itself."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from timeline.errors import UsageError
from timeline.model import ActRef, Entry, Source, Timeline
from timeline.render import FILENAMES, FORMATS, render
from timeline.render._common import display_date, extent, lanes, parse_partial, stamp
from timeline.render.ics import render_ics
from timeline.render.tabular import COLUMNS, render_csv, safe_cell
from timeline.render.timelinejs import render_timelinejs

ISO_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?$")


def _entry(i: str, date: str | None, *, status: str = "planned", type_: str = "deadline", **kw: object) -> Entry:
    src = Source("d.txt", "REF", "en", "https://example.org/d", f"Quote {i}.", (0, 8), None, None, date)
    fields: dict[str, object] = dict(
        id=i, date=date, precision="day", earliest=None, latest=None, status=status, type=type_,
        label=f"Entry {i}", acts=(ActRef("32011L0093", "Directive 2011/93/EU"),), procedures=(),
        actors=(), sources=(src,), dossier="d1",
    )
    fields.update(kw)
    return Entry(**fields)  # type: ignore[arg-type]


# --- render() ---------------------------------------------------------------------------------


def test_render_writes_every_format_sorted(rendered: Path) -> None:
    names = sorted(p.name for p in rendered.iterdir())
    assert names == sorted(FILENAMES.values())
    assert set(FILENAMES) == set(FORMATS)
    for name in names:
        assert (rendered / name).stat().st_size > 200, name


def test_render_returns_sorted_paths_of_the_formats_asked(xss: Timeline, tmp_path: Path) -> None:
    paths = render(xss, tmp_path, ["summary", "csv", "CSV"])
    assert paths == sorted(paths)
    assert [p.name for p in paths] == ["events.csv", "summary.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "summary.md"]


def test_unknown_format_raises_before_writing_anything(xss: Timeline, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"'gif'.*choose from html, png"):
        render(xss, tmp_path, ["csv", "gif"])
    assert list(tmp_path.iterdir()) == []


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2009-03-03", "2009-03-03", "2009-03-03"),
        ("2009-02", "2009-02-01", "2009-02-28"),
        ("2008-02", "2008-02-01", "2008-02-29"),
        ("2009-Q2", "2009-04-01", "2009-06-30"),
        ("2009-H2", "2009-07-01", "2009-12-31"),
        ("2009", "2009-01-01", "2009-12-31"),
    ],
)
def test_partial_dates_cover_their_whole_period(value: str, first: str, last: str) -> None:
    assert parse_partial(value) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("value", ["", "PRESENT_REF", "2009-13", "2009-02-30", "XXXX-03-03", "P2Y", "200"])
def test_unplaceable_dates_give_none_instead_of_raising(value: str) -> None:
    assert parse_partial(value) is None


def test_display_date_is_honest_about_precision_and_ranges() -> None:
    assert display_date(_entry("a", "2009-03-03")) == "3 Mar 2009"
    assert display_date(_entry("b", "2009-Q1", precision="quarter")) == "Q1 2009"
    assert display_date(_entry("c", None, earliest="2025-01", latest="2026")) == "between Jan 2025 and 2026"
    assert display_date(_entry("d", None, earliest="2009-03-03")) == "not before 3 Mar 2009"
    assert display_date(_entry("e", None)) == "date unknown"
    both = _entry("f", "1999-10-15", earliest="1999-10-15", latest="1999-10-16")
    assert display_date(both) == "15 Oct 1999 – 16 Oct 1999"
    ext = extent(both)
    assert ext is not None and ext.vague and (ext.end - ext.start).days == 1


def test_stamp_comes_from_the_data_not_the_clock(corpus: Timeline) -> None:
    latest = max(d.date for d in corpus.documents if d.date)
    assert stamp(corpus).date().isoformat() == latest


# --- events.csv -------------------------------------------------------------------------------


def test_csv_has_one_row_per_entry_source_with_iso_dates(rendered: Path, corpus: Timeline) -> None:
    text = (rendered / "events.csv").read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) == sum(len(e.sources) for e in corpus.entries)
    assert {r["entry_id"] for r in rows} == {e.id for e in corpus.entries}
    for row in rows:
        assert row["date"] == "" or ISO_PARTIAL.match(row["date"]), row["date"]
        for key in ("earliest", "latest"):
            assert row[key] == "" or ISO_PARTIAL.match(row[key]), row[key]
        assert row["status"] in ("past", "ongoing", "planned")
        assert row["quote"].strip()
    # chronological: every dated row comes before or on the day of the next one
    starts = [parse_partial(r["date"] or r["earliest"] or r["latest"]) for r in rows]
    days = [s[0] for s in starts if s is not None]
    assert days == sorted(days)


def test_csv_neutralises_formulas(xss: Timeline) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(xss), newline="")))
    cells = [c for row in rows for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
    assert safe_cell("-1") == "'-1" and safe_cell("2009-03-03") == "2009-03-03" and safe_cell(None) == ""


# --- deadlines.ics ------------------------------------------------------------------------------


def test_ics_holds_planned_entries_and_deadlines_as_all_day_events(rendered: Path, corpus: Timeline) -> None:
    data = (rendered / "deadlines.ics").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    wanted = {
        e.id for e in corpus.entries
        if (e.status == "planned" or e.type in ("deadline", "transposition_deadline"))
        and (x := extent(e)) is not None and not x.open_end
    }
    assert {str(ev["UID"]).split("@")[0] for ev in events} == wanted
    assert len({str(ev["UID"]) for ev in events}) == len(events)
    for ev in events:
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all-day, VALUE=DATE
        assert end > start
        assert ev.decoded("DTSTAMP") == stamp(corpus)
    assert b"DTSTART;VALUE=DATE:" in data


def test_ics_dates_deadlines_by_the_end_and_spans_vague_plans() -> None:
    tl = Timeline(
        entries=(
            _entry("day", "2013-12-18"),
            _entry("year", "2013", precision="year"),
            _entry("plan", "2026-Q3", precision="quarter", type_="report"),
            _entry("past", "2001-05-05", status="past", type_="adoption"),
            _entry("open", None, earliest="2025-01"),
        ),
        dossiers=(),
    )
    events = {str(ev["UID"]).split("@")[0]: ev for ev in Calendar.from_ical(render_ics(tl)).walk("VEVENT")}
    assert set(events) == {"day", "year", "plan"}
    span = {k: (ev.decoded("DTSTART"), ev.decoded("DTEND")) for k, ev in events.items()}
    assert span["day"] == (dt.date(2013, 12, 18), dt.date(2013, 12, 19))
    assert span["year"] == (dt.date(2013, 12, 31), dt.date(2014, 1, 1))
    assert span["plan"] == (dt.date(2026, 7, 1), dt.date(2026, 10, 1))
    assert render_ics(tl) == render_ics(tl)


# --- timelinejs.json ----------------------------------------------------------------------------


def test_timelinejs_groups_by_dossier_and_shows_vague_dates(rendered: Path, corpus: Timeline) -> None:
    data = json.loads((rendered / "timelinejs.json").read_text(encoding="utf-8"))
    events = data["events"]
    assert data["title"]["text"]["headline"]
    assert len(events) == sum(1 for e in corpus.entries if extent(e) is not None)
    assert {ev["group"] for ev in events} == {html.escape(lane.name) for lane in lanes(corpus)}
    by_id = {e.id: e for e in corpus.entries}
    for ev in events:
        entry = by_id[ev["unique_id"]]
        start = ev["start_date"]
        assert start["year"].isdigit()
        ext = extent(entry)
        assert ext is not None
        if ext.vague:
            assert ev["display_date"] == display_date(entry)
        if entry.precision == "year" and entry.date:
            assert set(start) == {"year"}
        if entry.precision == "day" and entry.date:
            assert dt.date(int(start["year"]), int(start["month"]), int(start["day"])) == ext.start


def test_timelinejs_escapes_text_for_its_html_fields(xss: Timeline) -> None:
    data = json.loads(render_timelinejs(xss))
    text = json.dumps(data)
    assert "<script" not in text and "<img" not in text and "<svg" not in text
    assert 'href=\\"javascript' not in text and 'href=\\"data:' not in text


# --- summary.md ---------------------------------------------------------------------------------


def test_summary_is_short_and_counts_right(rendered: Path, corpus: Timeline) -> None:
    text = (rendered / "summary.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {corpus.title}\n")
    assert f"{len(corpus.entries)} entries" in text
    assert len(text.splitlines()) < 60
    for lane in lanes(corpus):
        assert f"| {lane.name} | {len(lane.entries)} |" in text


# --- robustness -----------------------------------------------------------------------------------

_dates = st.one_of(
    st.none(),
    st.sampled_from(["2009", "2009-02", "2009-02-29", "2008-02-29", "2009-Q3", "2009-H1", "XXXX-03", "PRESENT_REF", ""]),
    st.text(max_size=12),
)
_text = st.text(max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            Entry,
            id=st.text(min_size=1, max_size=12),
            date=_dates,
            precision=st.sampled_from(["day", "month", "year", "unknown", "??"]),
            earliest=_dates,
            latest=_dates,
            status=st.sampled_from(["past", "planned", "ongoing", "?"]),
            type=st.sampled_from(["adoption", "deadline", "transposition_deadline", "x"]),
            label=_text,
            acts=st.just(()),
            procedures=st.just(()),
            actors=st.lists(_text, max_size=2).map(tuple),
            sources=st.lists(
                st.builds(Source, document=_text, reference=st.none() | _text, language=st.none() | _text,
                          url=st.none() | _text, quote=_text, quote_span=st.just((0, 0)), timex_text=st.none() | _text,
                          timex_span=st.none() | st.just((0, 3)), date=_dates),
                max_size=2,
            ).map(tuple),
            dossier=st.none() | _text,
        ),
        max_size=6,
        unique_by=lambda e: e.id,
    )
)
def test_text_formats_never_raise_on_odd_entries(entries: list[Entry]) -> None:
    from timeline.render.html import render_html
    from timeline.render.summary import render_summary

    tl = Timeline(entries=tuple(entries), dossiers=())
    rows = list(csv.reader(io.StringIO(render_csv(tl), newline="")))
    assert len(rows) == 1 + sum(max(1, len(e.sources)) for e in entries)
    Calendar.from_ical(render_ics(tl))
    json.loads(render_timelinejs(tl))
    assert render_summary(tl).startswith("# ")
    page = render_html(tl)
    assert page.count('<li class="entry') == len(entries)


def test_ics_summary_names_the_step_once() -> None:
    """A linked label already starting with its step ("Repeal: ...") is not prefixed again."""
    entry = Entry(
        id="e-1", date="2013-12-18", precision="day", earliest=None, latest=None,
        status="planned", type="transposition_deadline",
        label="Transposition deadline: Directive 2011/93/EU",
        acts=(ActRef("32011L0093", "Directive 2011/93/EU"),), procedures=(), actors=(),
        sources=(),
    )
    bare = Entry(
        id="e-2", date="2014-01-01", precision="day", earliest=None, latest=None,
        status="planned", type="deadline", label="Member States report", acts=(),
        procedures=(), actors=(), sources=(),
    )
    cal = Calendar.from_ical(render_ics(Timeline(entries=(entry, bare), dossiers=())))
    summaries = sorted(str(ev.get("summary")) for ev in cal.walk("VEVENT"))
    assert summaries == [
        "Deadline: Member States report",
        "Transposition deadline: Directive 2011/93/EU",
    ]
