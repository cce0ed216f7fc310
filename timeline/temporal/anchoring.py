"""Resolve relative and underspecified values against the document's date (never today).

Values the finder leaves for this pass:

- ``XXXX-MM-DD``, ``XXXX-MM``, ``XXXX-SP``: the year comes from the anchor; the direction
  (the next or the last such day) from the tense cues around the expression, else the
  anchor's own year.
- ``R±N<unit>[suffix]``: N units (D, W, M, Q, H, Y, DE) from the anchor, written at the unit's
  precision (``R-1D`` -> ``2009-03-02``, ``R+1M`` -> ``2009-04``, ``R+0Y-02-15`` -> ``2009-02-15``).
- ``WD+n`` / ``WD-n`` / ``WD~n``: the next / last / nearest weekday n (1 = Monday).
- ``SAME``: the day of the previous day-precision expression.

Without an anchor date these stay underspecified (``XXXX-03-03``); relative values become
``PRESENT_REF``, ``PAST_REF`` or ``FUTURE_REF`` by their sign.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from timeline.errors import UsageError
from timeline.model import Timex
from timeline.temporal.grammar import load

_REL = re.compile(r"^R([+-])([\dX.]+)(DE|CE|[DWMQHY])(.*)$")
_WD = re.compile(r"^WD([+~-])([1-7])$")
_XDATE = re.compile(r"^XXXX-(\d\d|SP|SU|FA|WI|Q[1-4]|H[12])(?:-(\d\d))?$")
_SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}
_WINDOW_BEFORE = 80
_WINDOW_AFTER = 60


def parse_dct(dct: str | None) -> dt.date | None:
    """The anchor date from an ISO string (only its first ten characters are read)."""
    if dct is None:
        return None
    try:
        return dt.date.fromisoformat(dct[:10])
    except ValueError as exc:
        raise UsageError(f"anchor date {dct!r} is not an ISO date (YYYY-MM-DD)") from exc


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _shift(anchor: dt.date, sign: int, n: int, unit: str) -> str:
    k = sign * n
    if unit == "D":
        return (anchor + dt.timedelta(days=k)).isoformat()
    if unit == "W":
        y, w, _ = (anchor + dt.timedelta(weeks=k)).isocalendar()
        return f"{y:04d}-W{w:02d}"
    if unit == "M":
        d = _add_months(anchor, k)
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "Q":
        q = (anchor.year * 4 + (anchor.month - 1) // 3) + k
        return f"{q // 4:04d}-Q{q % 4 + 1}"
    if unit == "H":
        h = (anchor.year * 2 + (anchor.month - 1) // 6) + k
        return f"{h // 2:04d}-H{h % 2 + 1}"
    if unit == "Y":
        return f"{anchor.year + k:04d}"
    if unit == "DE":
        return f"{anchor.year // 10 + k:03d}"
    if unit == "CE":
        return f"{anchor.year // 100 + k:02d}"
    raise ValueError(unit)


def _direction(timex: Timex, text: str) -> int:
    """-1 (past), +1 (future) or 0 from the tense cues of the expression's language."""
    if not timex.language or not text:
        return 0
    try:
        g = load(timex.language)
    except Exception:  # noqa: BLE001 - an unknown language simply gives no cue
        return 0
    lo = max(0, timex.start - _WINDOW_BEFORE)
    hi = min(len(text), timex.end + _WINDOW_AFTER)
    before = text[lo : timex.start]
    after = text[timex.end : hi]
    # Stay inside the sentence.
    cut = max(before.rfind(". "), before.rfind("\n\n"))
    if cut >= 0:
        before = before[cut + 2 :]
    cut2 = after.find(". ")
    if cut2 >= 0:
        after = after[:cut2]
    window = before + " " + after
    best: tuple[int, int] | None = None  # (distance, direction)
    for key, sign in (("past", -1), ("future", 1)):
        pat = g.tense.get(key)
        if pat is None:
            continue
        for m in pat.finditer(window):
            if m.end() <= len(before):
                dist = len(before) - m.end()
            else:
                dist = m.start() - len(before)
            if best is None or dist < best[0]:
                best = (dist, sign)
    return best[1] if best else 0


def _resolve_x(value: str, anchor: dt.date, direction: int) -> str:
    m = _XDATE.match(value)
    if m is None:
        return value
    part, day = m.groups()
    if part.isdigit():
        month, dd = int(part), int(day) if day else None
    elif part in _SEASON_MONTH:
        month, dd = _SEASON_MONTH[part], None
    elif part.startswith("Q"):
        month, dd = (int(part[1]) - 1) * 3 + 2, None
    else:
        month, dd = (int(part[1]) - 1) * 6 + 3, None
    year = anchor.year
    if direction:
        key_anchor = (anchor.month, anchor.day if dd is not None else 0)
        key = (month, dd or 0)
        if direction > 0 and key < key_anchor:
            year += 1
        elif direction < 0 and key > key_anchor:
            year -= 1
    return f"{year:04d}" + value[4:]


def _weekday(anchor: dt.date, sign: str, wd: int, direction: int) -> str:
    delta = wd - anchor.isoweekday()
    if sign == "~":
        sign = "+" if direction > 0 else "-" if direction < 0 else ""
    if sign == "+":
        delta = delta if delta > 0 else delta + 7
    elif sign == "-":
        delta = delta if delta < 0 else delta - 7
    else:  # nearest, ties to the future
        if delta > 3:
            delta -= 7
        elif delta < -3:
            delta += 7
    return (anchor + dt.timedelta(days=delta)).isoformat()


def resolve(value: str, anchor: dt.date | None, direction: int, previous_day: str | None) -> str:
    """The anchored form of one value (unchanged when it needs no anchor).

    A final ``<`` or ``>`` (set by a rule: "le 6 mai dernier", "next March") forces the
    direction to the past or the future.
    """
    if value.endswith(("<", ">")):
        direction = -1 if value[-1] == "<" else 1
        value = value[:-1]
    if value == "SAME":
        return previous_day or ("PRESENT_REF" if anchor is None else anchor.isoformat())
    m = _REL.match(value)
    if m is not None:
        sign, n, unit, suffix = m.groups()
        if anchor is None or not n.isdigit():
            if n == "0" and unit == "D":
                return "PRESENT_REF"
            return "PAST_REF" if sign == "-" else "FUTURE_REF"
        head = _shift(anchor, 1 if sign == "+" else -1, int(n), unit)
        return head + suffix
    w = _WD.match(value)
    if w is not None:
        if anchor is None:
            return f"XXXX-WXX-{w.group(2)}"
        return _weekday(anchor, w.group(1), int(w.group(2)), direction)
    if value.startswith("XXXX-") and anchor is not None:
        return _resolve_x(value, anchor, direction)
    return value


def anchor(timexes: Sequence[Timex], dct: str | None, text: str) -> list[Timex]:
    """Resolve the relative and underspecified values of ``timexes`` against ``dct``."""
    when = parse_dct(dct)
    out: list[Timex] = []
    previous_day: str | None = None
    for t in timexes:
        needs = (
            t.value.startswith(("R", "WD", "XXXX-", "SAME")) and t.value not in ("PRESENT_REF",)
        ) or (t.end_value or "").startswith(("R", "WD", "XXXX-"))
        if needs and t.type in ("DATE", "TIME"):
            direction = _direction(t, text) if when is not None else 0
            value = resolve(t.value, when, direction, previous_day)
            end_value = resolve(t.end_value, when, direction, previous_day) if t.end_value else None
            t = dataclasses.replace(t, value=value, end_value=end_value)
        if re.match(r"^\d{4}-\d\d-\d\d$", t.value):
            previous_day = t.value
        out.append(t)
    return out
