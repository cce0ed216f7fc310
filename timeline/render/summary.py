"""``summary.md``: a short overview of the timeline in Markdown, for a README or a pull request."""

from __future__ import annotations

from timeline.model import Timeline
from timeline.render._common import display_date, extent, lanes, title, type_label


def _cell(text: str) -> str:
    """Markdown table cell text: no pipes, no line breaks, no HTML."""
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").split())


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def render_summary(timeline: Timeline) -> str:
    """Counts, one table row per dossier, open plans and conflicts; never more than a screen or two."""
    lane_list = lanes(timeline)
    entries = timeline.entries
    n_sources = sum(len(e.sources) for e in entries)
    planned = [e for e in entries if e.status == "planned"]
    conflicts = [e for e in entries if e.conflict]
    undated = [e for e in entries if extent(e) is None]
    out = [f"# {_cell(timeline.title)}", ""]
    facts = [
        f"{_n(len(entries), 'entry', 'entries')} from {_n(n_sources, 'source statement')}",
        _n(len(lane_list), "dossier"),
    ]
    if timeline.documents:
        facts.append(_n(len(timeline.documents), "document"))
    if planned:
        facts.append(f"{len(planned)} planned")
    if conflicts:
        facts.append(f"{len(conflicts)} with conflicting dates")
    if undated:
        facts.append(f"{len(undated)} undated")
    out += [", ".join(facts) + ".", ""]
    if lane_list:
        out += ["| Dossier | Entries | First | Latest | Next planned |", "| --- | ---: | --- | --- | --- |"]
        for lane in lane_list:
            dated = [e for e in lane.entries if extent(e) is not None]
            done = [e for e in dated if e.status != "planned"]
            plans = [e for e in dated if e.status == "planned"]
            first = display_date(dated[0]) if dated else "–"
            last = f"{display_date(done[-1])}: {type_label(done[-1].type).lower()}" if done else "–"
            nxt = f"{display_date(plans[0])}: {_cell(title(plans[0]))}" if plans else "–"
            out.append(f"| {_cell(lane.name)} | {len(lane.entries)} | {first} | {_cell(last)} | {_cell(nxt)} |")
        out.append("")
    by_id = {e.id: e for e in entries}
    open_plans = [by_id[p] for p in timeline.open_plans if p in by_id]
    if open_plans:
        out += ["## Open plans", ""]
        out += [f"- {display_date(e)}: {_cell(title(e))}" for e in open_plans[:20]]
        if len(open_plans) > 20:
            out.append(f"- … and {len(open_plans) - 20} more (see events.csv)")
        out.append("")
    if conflicts:
        out += ["## Dates the sources disagree on", ""]
        for e in conflicts[:20]:
            dates = sorted({s.date for s in e.sources if s.date})
            out.append(f"- {_cell(title(e))}: {', '.join(dates)}")
        out.append("")
    out += [
        "Outputs: `timeline.html` (interactive page), `timeline.png`/`.svg`/`.pdf`, `events.csv`,",
        "`deadlines.ics`, `timelinejs.json`.",
        "",
    ]
    return "\n".join(out)
