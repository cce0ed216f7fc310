"""TimeML in and out: read gold TIMEX3 annotations with their offsets, write TIMEX3 inline.

Offsets follow ../shared/timeml/README.md: the raw text of a document is the content of its
``<TEXT>`` element with the tags removed and XML entities decoded. The document creation time
is the TIMEX3 with ``functionInDocument="CREATION_TIME"`` (usually inside ``<DCT>``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import GoldError
from timeline.model import Timex

_TAG = re.compile(r"<(/?)([A-Za-z_][\w.-]*)((?:\s+[^>]*?)?)\s*(/?)>|<!--.*?-->|<\?.*?\?>", re.S)
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_TEXT = re.compile(r"<TEXT(?:\s[^>]*)?>(.*?)</TEXT>", re.S)
_CREATION = re.compile(
    r"<TIMEX3\b[^>]*functionInDocument\s*=\s*[\"']CREATION_TIME[\"'][^>]*>", re.S
)
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """A TIMEX3 of a TimeML file: its span in the raw text and its attributes."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    tid: str = ""


@dataclass(frozen=True, slots=True)
class TimeMLDocument:
    """A TimeML document: raw text (offsets refer to it), creation date, gold TIMEX3s."""

    path: str
    text: str
    dct: str | None
    timexes: tuple[GoldTimex, ...]


def _attrs(raw: str) -> dict[str, str]:
    return {k: html.unescape(v[1:-1]) for k, v in _ATTR.findall(raw)}


def parse_tml(markup: str, path: str = "<string>") -> TimeMLDocument:
    """Parse TimeML markup. Raises :class:`GoldError` when there is no ``<TEXT>`` element."""
    m = _TEXT.search(markup)
    if m is None:
        raise GoldError(f"{path}: TimeML file without a <TEXT> element")
    dct: str | None = None
    c = _CREATION.search(markup)
    if c is not None:
        day = _ISO_DAY.match(_attrs(c.group(0)).get("value", ""))
        dct = day.group(1) if day else None
    body = m.group(1)
    parts: list[str] = []
    length = 0
    open_timexes: list[tuple[int, dict[str, str]]] = []
    spans: list[tuple[int, int, dict[str, str]]] = []
    pos = 0
    for t in _TAG.finditer(body):
        chunk = html.unescape(body[pos : t.start()])
        parts.append(chunk)
        length += len(chunk)
        pos = t.end()
        name = t.group(2)
        if name != "TIMEX3":
            continue
        closing, attrs, selfclosing = t.group(1), t.group(3) or "", t.group(4)
        if closing:
            if not open_timexes:
                raise GoldError(f"{path}: </TIMEX3> without an opening tag")
            start, a = open_timexes.pop()
            spans.append((start, length, a))
        elif not selfclosing:
            open_timexes.append((length, _attrs(attrs)))
    parts.append(html.unescape(body[pos:]))
    if open_timexes:
        raise GoldError(f"{path}: unclosed <TIMEX3>")
    text = "".join(parts)
    gold = [
        GoldTimex(
            start=start,
            end=end,
            text=text[start:end],
            type=a.get("type", "DATE"),
            value=a.get("value", ""),
            mod=a.get("mod"),
            tid=a.get("tid", ""),
        )
        for start, end, a in sorted(spans, key=lambda s: (s[0], s[1]))
    ]
    return TimeMLDocument(path=path, text=text, dct=dct, timexes=tuple(gold))


def read_tml(path: str | Path) -> TimeMLDocument:
    """Read a ``.tml`` file: its raw text, creation date and gold TIMEX3s with offsets."""
    p = Path(path)
    try:
        markup = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{p}: cannot read TimeML file ({exc})") from exc
    return parse_tml(markup, str(p))


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    return _esc(s).replace('"', "&quot;")


def to_timeml(text: str, timexes: Sequence[Timex], dct: str | None) -> str:
    """``text`` as a TimeML document with ``timexes`` inline as TIMEX3 and ``dct`` as DCT.

    Removing the tags and decoding the entities of ``<TEXT>`` gives back ``text`` exactly.
    Overlapping timexes are skipped (the first one wins); a range's second end is written as
    the non-standard attribute ``endValue``.
    """
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<TimeML>"]
    if dct:
        out.append(
            f'<DCT><TIMEX3 tid="t0" type="DATE" value="{_attr(dct)}" temporalFunction="false" '
            f'functionInDocument="CREATION_TIME">{_esc(dct)}</TIMEX3></DCT>'
        )
    body: list[str] = []
    pos = 0
    n = 0
    for t in sorted(timexes, key=lambda x: (x.start, -x.end)):
        if t.start < pos or t.end > len(text) or t.start >= t.end:
            continue
        n += 1
        body.append(_esc(text[pos : t.start]))
        attrs = f'tid="t{n}" type="{_attr(t.type)}" value="{_attr(t.value)}"'
        if t.mod:
            attrs += f' mod="{_attr(t.mod)}"'
        if t.end_value:
            attrs += f' endValue="{_attr(t.end_value)}"'
        body.append(f"<TIMEX3 {attrs}>{_esc(text[t.start : t.end])}</TIMEX3>")
        pos = t.end
    body.append(_esc(text[pos:]))
    out.append("<TEXT>" + "".join(body) + "</TEXT>")
    out.append("</TimeML>")
    return "\n".join(out) + "\n"
