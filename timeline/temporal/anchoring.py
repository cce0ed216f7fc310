"""Resolve relative and underspecified values against the document's date (never today).

Values the finder leaves for this pass:

- ``XXXX-MM-DD``, ``XXXX-MM``, ``XXXX-SP``: the year comes from the anchor; the direction
  (the next or the last such day) from the tense cues around the expression, else the
  anchor's own year.
- ``R±N<unit>[suffix]``: N units (D, W, M, Q, H, Y, DE) from the anchor, written at the unit's
  precision (``R-1D`` -> ``2009-03-02``, ``R+1M`` -> ``2009-04``, ``R+0Y-02-15`` -> ``2009-02-15``).
  A time of day on ``R+0D`` is on the day named last, if near; on ``R-0D`` on the anchor's day.
- ``WD+n`` / ``WD-n`` / ``WD~n`` / ``WD*n`` / ``WD=n``: the next / last / tense-given / nearest
  weekday n (1 = Monday) / weekday n of the anchor's own (ISO) week.
- ``SAME``: the day of the previous day-precision expression (``SAME+1``, ``SAMETMO``).
- ``WE~``: the weekend of the anchor's week, or the one just past in a past-tense sentence.

Without an anchor date these stay underspecified (``XXXX-03-03``); relative values become
``PRESENT_REF``, ``PAST_REF`` or ``FUTURE_REF`` by their sign.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

from timeline.errors import UsageError
from timeline.model import Timex
from timeline.temporal.grammar import load
from timeline.temporal.lowered import compile_lowered, fold

_SAME = re.compile(r"^SAME([+-]\d+)?(T[A-Z0-9:]+)?$")
_REL = re.compile(r"^R([+-])([\dX.]+)(DE|CE|[DWMQHY])(.*)$")
_WD = re.compile(r"^WD([+~*=-])([1-7])(T.*)?$")
_MARKS = re.compile(r"(#[1-7]|[<>!@^])+$")
_XDATE = re.compile(r"^XXXX-(\d\d|SP|SU|FA|WI|Q[1-4]|H[12])(?:-(\d\d))?(?:T[\w:]+)?$")
_SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}
_WINDOW_BEFORE = 80
#: A cue after the expression counts as this many characters further than one before it
#: (the verb usually comes first: "met on Monday and will meet").
AFTER_PENALTY = 20
_WINDOW_AFTER = 60


def _with(t: Timex, value: str, end_value: str | None) -> Timex:
    """``t`` with another value and end value (what ``dataclasses.replace`` makes, made
    directly: anchoring makes one per expression that needs it)."""
    return Timex(t.start, t.end, t.text, t.type, value, t.mod, t.rule, end_value, t.language)


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
    """``n`` units (D, W, M, Q, H, Y, DE, CE) after (``sign`` 1) or before ``anchor``, written
    at the unit's precision. Raises OverflowError outside the years 1 to 9999."""
    out = _shift_raw(anchor, sign, n, unit)
    if out.startswith("-") or (unit not in ("DE", "CE") and not 1 <= int(out[:4]) <= 9999):
        raise OverflowError(out)
    if len(out.split("-")[0]) > {"DE": 3, "CE": 2}.get(unit, 4):
        raise OverflowError(out)
    return out


def _shift_raw(anchor: dt.date, sign: int, n: int, unit: str) -> str:
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


class _Cues:
    """The tense cues around expressions of one text (each window scanned once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._low: str | None | bool = False  # the lower-cased text, made on first use

    def _finditer(self, pat: re.Pattern[str], lo: int, hi: int) -> Iterator[re.Match[str]]:
        """The matches of a cue pattern in ``text[lo:hi]``: on the lower-cased text with the
        pattern in lower case when both can be had (same spans, faster; see
        :mod:`timeline.temporal.lowered`)."""
        low = self._low
        if low is False:
            low = self._low = fold(self.text)
        if isinstance(low, str):
            lowered = compile_lowered(pat.pattern)
            if lowered is not None:
                return lowered.finditer(low, lo, hi)
        return pat.finditer(self.text, lo, hi)

    def compares(self, timex: Timex) -> bool:
        """Whether the sentence of ``timex`` compares figures (the language's ``compare`` cue,
        at most 80 characters before it or 60 after, in its sentence)."""
        try:
            pat = load(timex.language).tense.get("compare") if timex.language else None
        except Exception:  # noqa: BLE001 - an unknown language simply gives no cue
            return False
        if pat is None:
            return False
        text = self.text
        lo = max(0, timex.start - _WINDOW_BEFORE)
        hi = min(len(text), timex.end + _WINDOW_AFTER)
        cut = text.rfind(". ", lo, timex.start)
        lo = cut + 2 if cut >= 0 else lo
        cut2 = text.find(". ", timex.end, hi)
        hi = cut2 if cut2 >= 0 else hi
        return pat.search(text, lo, hi) is not None

    def direction(self, timex: Timex) -> int:
        """-1 (past), +1 (future) or 0: the sign of the cue nearest to the expression in its
        sentence (at most 80 characters before, 60 after; a cue after counts further)."""
        if not timex.language:
            return 0
        try:
            g = load(timex.language)
        except Exception:  # noqa: BLE001 - an unknown language simply gives no cue
            return 0
        text = self.text
        lo = max(0, timex.start - _WINDOW_BEFORE)
        hi = min(len(text), timex.end + _WINDOW_AFTER)
        # the sentence: a full stop before a space or a line break ("... domingo .\nEl pasado")
        cut = max(
            text.rfind(". ", lo, timex.start),
            text.rfind(".\n", lo, timex.start),
            text.rfind("\n\n", lo, timex.start),
        )
        if cut >= 0:
            lo = cut + 2
        ends = [e for e in (text.find(". ", timex.end, hi), text.find(".\n", timex.end, hi))]
        ends = [e for e in ends if e >= 0]
        if ends:
            hi = min(ends)
        best: tuple[int, int] | None = None
        for key, sign in (("future", 1), ("past", -1)):  # a tie goes to the future cue
            pat = g.tense.get(key)
            if pat is None:
                continue
            for m in self._finditer(pat, lo, hi):
                a, b = m.span()
                if b <= timex.start:
                    dist = timex.start - b
                elif a >= timex.end:
                    dist = a - timex.end + AFTER_PENALTY
                else:
                    continue  # inside the expression itself
                if best is None or dist < best[0]:
                    best = (dist, sign)
        return best[1] if best else 0


def _direction(timex: Timex, text: str) -> int:
    """-1 (past), +1 (future) or 0 from the tense cues around one expression."""
    return _Cues(text).direction(timex)


#: A day or month at most this many months from the anchor keeps the anchor's year whatever the
#: tense: news report plans in the past tense ("said it will redeem the shares on Dec. 7" in an
#: October text) and recall the weeks just gone in the future tense's sentences; only a date
#: further away crosses into the previous or the next year.
NEAR_MONTHS = 2


def _resolve_x(value: str, anchor: dt.date, direction: int, near: int = NEAR_MONTHS) -> str:
    m = _XDATE.match(value)
    if m is None:
        return value
    part, day = m.groups()
    if part.isdigit():
        month, dd = int(part), int(day) if day else None
    elif part in _SEASON_MONTH:
        month, dd = _SEASON_MONTH[part], None
    elif part.startswith("Q"):  # a quarter by its last month: the one just ended is near
        month, dd = int(part[1]) * 3, None
    else:
        month, dd = (int(part[1]) - 1) * 6 + 3, None
    year = anchor.year
    if direction:
        key_anchor = (anchor.month, anchor.day if dd is not None else 0)
        key = (month, dd or 0)
        ahead = month - anchor.month
        if direction > 0 and key < key_anchor and ahead < -near:
            year += 1
        elif direction < 0 and key > key_anchor and ahead > near:
            year -= 1
    return f"{year:04d}" + value[4:]


def _weekday(anchor: dt.date, sign: str, wd: int, direction: int) -> str:
    """Weekday ``wd`` relative to ``anchor``: ``+`` the next one, ``-`` the last one (both
    strictly); ``~`` the one the tense points to, the anchor's own day included (a news item
    dated Friday saying "Friday" means that day); without a cue, the last one or today
    (reports tell what happened), within the coming days if the text speaks of the future."""
    delta = wd - anchor.isoweekday()
    if sign == "+":
        delta = delta if delta > 0 else delta + 7
    elif sign == "-":
        delta = delta if delta < 0 else delta - 7
    elif sign == "*":  # "ce mercredi", "this Wednesday": the nearest one, ties to the future
        delta = delta - 7 if delta > 3 else delta + 7 if delta < -3 else delta
    elif sign == "=":  # "este sábado" (Spanish): the one of the anchor's week, Monday to Sunday
        pass
    elif direction > 0:
        delta = delta if delta >= 0 else delta + 7
    else:
        delta = delta if delta <= 0 else delta - 7
    return (anchor + dt.timedelta(days=delta)).isoformat()


def resolve(value: str, anchor: dt.date | None, direction: int, previous_day: str | None) -> str:
    """The anchored form of one value (unchanged when it needs no anchor).

    A final ``!`` (set by a rule: "last year") keeps a unit whole: no quarter in context makes
    it that quarter a year before, as "a year ago" is. A final ``@`` ("the quarter") asks for
    the quarter in focus, the last one the text named (see :func:`anchor`), before the value.
    A final ``^`` ("the previous year", "two years earlier") counts, in a history, from the
    last date the text named instead of the anchor (see :func:`anchor`).
    A final ``<`` or ``>`` (set by a rule: "le 6 mai dernier", "next March") forces the
    direction to the past or the future.
    """
    weekday = 0
    forced = False
    marks = _MARKS.search(value)
    if marks is not None:
        tail = marks.group(0)
        value = value[: marks.start()]
        if "<" in tail:
            direction = -1
        elif ">" in tail:
            direction = 1
        forced = "<" in tail or ">" in tail
        if "#" in tail:
            weekday = int(tail[tail.index("#") + 1])
    same = _SAME.match(value)
    if same is not None:
        # the day of the previous day-precision expression, shifted ("the next day": SAME+1),
        # with a part of the day ("le matin même": SAMETMO)
        shift = int(same.group(1) or 0)
        base = dt.date.fromisoformat(previous_day) if previous_day else anchor
        unresolved = "PRESENT_REF" if shift == 0 else "PAST_REF" if shift < 0 else "FUTURE_REF"
        if base is None:
            return unresolved
        try:
            return (base + dt.timedelta(days=shift)).isoformat() + (same.group(2) or "")
        except OverflowError:
            return unresolved
    if value == "WE~":
        # "ce week-end": the one just past in a past-tense sentence, else the anchor's week's
        if anchor is None:
            return "XXXX-WXX-WE"
        back = direction < 0 and anchor.isoweekday() < 6
        y, week, _ = (anchor - dt.timedelta(days=7 if back else 0)).isocalendar()
        return f"{y:04d}-W{week:02d}-WE"
    m = _REL.match(value)
    if m is not None:
        sign, n, unit, suffix = m.groups()
        if anchor is None or not n.isdigit():
            if n == "0" and unit == "D":
                return "PRESENT_REF"
            return "PAST_REF" if sign == "-" else "FUTURE_REF"
        if n == "0" and unit == "D" and sign == "+" and suffix.startswith("T") and previous_day:
            # "à 18 h" after "mardi": that Tuesday ("R-0D" names the anchor's own day: "de hoy")
            return previous_day + suffix
        try:
            head = _shift(anchor, 1 if sign == "+" else -1, int(n), unit)
        except (OverflowError, ValueError):  # beyond year 1 or 9999: left unresolved
            return "PAST_REF" if sign == "-" else "FUTURE_REF"
        return head + suffix
    w = _WD.match(value)
    if w is not None:
        if anchor is None:
            return f"XXXX-WXX-{w.group(2)}"
        try:
            return _weekday(anchor, w.group(1), int(w.group(2)), direction) + (w.group(3) or "")
        except (OverflowError, ValueError):  # beyond year 1 or 9999: left unresolved
            return f"XXXX-WXX-{w.group(2)}"
    if value.startswith("XXXX-") and anchor is not None:
        # a rule's mark ("el próximo 15 de enero") is strict: no nearness kept
        value = _resolve_x(value, anchor, direction, 0 if forced else NEAR_MONTHS)
    return with_weekday(value, weekday)


def with_weekday(value: str, weekday: int) -> str:
    """Move a day's year to the nearest one (same, one before, one after...) on which it falls
    on ``weekday`` ("Monday 17 February" in a 2003 text is 2003-02-17, not 2002-02-17)."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)(.*)$", value)
    if not weekday or m is None:
        return value
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    for dy in (0, -1, 1):
        try:
            d = dt.date(year + dy, month, day)
        except ValueError:
            continue
        if d.isoweekday() == weekday:
            return f"{d.isoformat()}{m.group(4)}"
    return value


#: A day or month without a year takes the year of an expression that gave one explicitly at
#: most this many characters before (narratives: "In March 1940 ... on 9 April"); else the
#: anchor's year.
NARRATIVE_WINDOW = 5000
#: ... when that year is at least this far from the anchor's (news compare with last year).
NARRATIVE_MIN_GAP = 2
#: ... and a document is a history only when it writes at least this many such far years (one
#: "since 1980" in a company report does not make it one).
NARRATIVE_MIN_YEARS = 2
#: ... and more than this many times as many far years as days counted from its date
#: ("yesterday", "on Friday": a report that recalls old years is still news).
NARRATIVE_DEICTIC_RATIO = 2
_DEICTIC_DAY = re.compile(r"^(?:WD[~+*-][1-7]|R[+-][0-2]D)")
_EXPLICIT_YEAR = re.compile(r"^(BC)?(\d{4})(?:-|$)")


def _year_int(m: re.Match[str]) -> int:
    """The year an :data:`_EXPLICIT_YEAR` match names (before Christ: negative)."""
    return -int(m.group(2)) if m.group(1) else int(m.group(2))


def _year_text(year: int) -> str:
    """A year as TimeML writes it (``1940``, ``BC0480``)."""
    return f"BC{-year:04d}" if year < 0 else f"{year:04d}"


#: explicit years by value (see :func:`_explicit_year`); values repeat across documents
_YEARS: dict[str, int | None] = {}
_YEARS_SIZE = 4096


def _explicit_year(value: str) -> int | None:
    """The year a value writes explicitly (:data:`_EXPLICIT_YEAR`; before Christ: negative),
    or None."""
    try:
        return _YEARS[value]
    except KeyError:
        pass
    m = _EXPLICIT_YEAR.match(value)
    year = None if m is None else _year_int(m)
    if len(_YEARS) >= _YEARS_SIZE:
        _YEARS.clear()
    _YEARS[value] = year
    return year


def _is_narrative(timexes: Sequence[Timex], when: dt.date | None) -> bool:
    """Whether most explicit years of a document lie far from its date (a history, not news):
    then a day or month without a year belongs to the year last written, not the anchor's."""
    if when is None:
        return True
    years = [
        y for t in timexes if t.type == "DATE" and (y := _explicit_year(t.value)) is not None
    ]
    if not years:
        return False
    # A history tells the past: future years (a plan's "in 2003") do not make one.
    far = sum(1 for y in years if when.year - y >= NARRATIVE_MIN_GAP)
    deictic = sum(1 for t in timexes if _DEICTIC_DAY.match(t.value))
    return (
        far >= NARRATIVE_MIN_YEARS
        and far * 2 > len(years)
        and far > NARRATIVE_DEICTIC_RATIO * deictic
    )


#: "A year earlier" within this many characters after a quarter is that quarter a year before
#: ("third-quarter profit rose to $5 million from $3 million a year earlier": the third quarter
#: of the year before), as reports compare like with like: in the quarter's sentence, or in a
#: later one that compares figures (the language's ``[tense] compare`` cue: "from $3 million").
QUARTER_WINDOW = 400
#: The quarters a report is about: one ended before the anchor, named without a year ("the
#: third quarter") or relative to the anchor ("the latest quarter"), or written with the
#: anchor's year; not the year-ago quarter it is compared with.
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_FOCUS_QUARTER = re.compile(r"^(?:XXXX-Q[1-4]|R[+-][01]Q)@?$")

_REL_YEARS = re.compile(r"^R-(\d{1,3})Y$")


def _year_before_quarter(quarter: str, rel: str) -> str | None:
    """``quarter`` (``YYYY-Qn``) shifted back by the years of ``rel`` (``R-1Y``), or None."""
    m = _REL_YEARS.match(rel)
    if m is None:
        return None
    year = int(quarter[:4]) - int(m.group(1))
    return f"{year:04d}{quarter[4:]}" if year >= 1 else None


#: A time of day ("à 18 h", "um 9 Uhr") is on the day named at most this many characters
#: before it; else on the anchor's day. A language may set its own (``[meta] time_window``):
#: French news tells one day's story over several paragraphs ("dimanche après-midi ... A 20 h").
TIME_WINDOW = 120


def _time_window(language: str | None) -> int:
    """The time-of-day window of ``language`` (see :data:`TIME_WINDOW`)."""
    if not language:
        return TIME_WINDOW
    try:
        return int(load(language).meta.get("time_window", TIME_WINDOW))
    except Exception:  # noqa: BLE001 - an unknown language keeps the default
        return TIME_WINDOW


_DAY_VALUE = re.compile(r"^\d{4}-\d\d-\d\d(?:T|$)")


def _weekday_fits(value: str, marks: str) -> bool:
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)", value)
    if m is None or "#" not in marks:
        return True
    wd = int(marks[marks.index("#") + 1])
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoweekday() == wd
    except ValueError:
        return False


#: A date a history has named, as the base of "the previous year", "two years earlier".
_FOCUS_DATE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?$")
_UNIT_NEEDS = {"D": 3, "W": 3, "M": 2, "Q": 2, "H": 2, "Y": 1, "DE": 1, "CE": 1}


def _from_focus(value: str, focus: str) -> str | None:
    """A relative ``value`` (``R-1Y``) counted from the date in ``focus`` instead of the
    anchor, when ``focus`` is precise enough for its unit; else None."""
    m = _REL.match(_MARKS.sub("", value))
    f = _FOCUS_DATE.match(focus)
    if m is None or f is None or not m.group(2).isdigit():
        return None
    sign, n, unit, suffix = m.groups()
    parts = [p for p in f.groups() if p is not None]
    if len(parts) < _UNIT_NEEDS.get(unit, 9):
        return None
    try:
        base = dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
        return _shift(base, 1 if sign == "+" else -1, int(n), unit) + suffix
    except (OverflowError, ValueError):
        return None


def anchor(timexes: Sequence[Timex], dct: str | None, text: str) -> list[Timex]:
    """Resolve the relative and underspecified values of ``timexes`` against ``dct``."""
    when = parse_dct(dct)
    out: list[Timex] = []
    previous_day: tuple[str, int] | None = None  # the last day named, and where
    last_year: tuple[int, int] | None = None  # (year, end offset) of an explicit year
    quarter: tuple[str, int] | None = None  # the last quarter named, and where
    narrative_doc = _is_narrative(timexes, when)
    cues = _Cues(text)
    focus: str | None = None  # the last date named with its year, in a history
    for t in timexes:
        anaphoric = t.value.endswith("^")
        if anaphoric:
            t = _with(t, t.value[:-1], t.end_value)
        original = t.value
        needs = (
            t.value.startswith(("R", "WD", "WE~", "XXXX-", "SAME"))
            and t.value not in ("PRESENT_REF",)
        ) or (t.end_value or "").startswith(("R", "WD", "XXXX-"))
        explicit = _explicit_year(t.value) if t.type in ("DATE", "TIME") else None
        if needs and t.type in ("DATE", "TIME"):
            narrative = (
                last_year is not None
                and t.value.startswith("XXXX-")
                and not t.value.endswith(("<", ">"))
                and t.start - last_year[1] <= NARRATIVE_WINDOW
                and (when is None or (narrative_doc and last_year[0] <= when.year))
            )
            day = (
                previous_day
                if previous_day and t.start - previous_day[1] <= _time_window(t.language)
                else None
            )
            if t.value.startswith("SAME"):
                day = previous_day  # "the next day": the last day named, however far
            value = ""
            end_value = t.end_value
            if narrative and last_year is not None:
                year = _year_text(last_year[0])
                value = resolve(year + t.value[4:], None, 0, None)
                end_value = (
                    resolve(year + t.end_value[4:], None, 0, None)
                    if t.end_value and t.end_value.startswith("XXXX-")
                    else t.end_value
                )
                mark = _MARKS.search(t.value)
                if mark and "#" in mark.group(0) and not _weekday_fits(value, mark.group(0)):
                    value = ""  # the weekday rules out the narrative year: back to the anchor
            if not value:
                # Only days and months without a year and tense-given weekdays need the tense.
                uses_tense = t.value.startswith(("XXXX-", "WD~", "WE~")) or (
                    t.end_value or ""
                ).startswith("XXXX-")
                direction = cues.direction(t) if when is not None and uses_tense else 0
                value = resolve(t.value, when, direction, day[0] if day else None)
                end_value = (
                    resolve(t.end_value, when, direction, day[0] if day else None)
                    if t.end_value
                    else None
                )
            if (
                quarter is not None
                and t.value.startswith("R-")
                and t.value.endswith("Y")
                and t.start - quarter[1] <= QUARTER_WINDOW
                and (". " not in text[quarter[1] : t.start] or cues.compares(t))
            ):
                value = _year_before_quarter(quarter[0], t.value) or value
            if original.endswith("@") and quarter is not None and _QUARTER.match(value):
                value = quarter[0]  # "the quarter": the one the report is about
            if anaphoric and narrative_doc and focus is not None:
                value = _from_focus(original, focus) or value
            t = _with(t, value, end_value)
        if (
            _QUARTER.match(t.value)
            and (
                _FOCUS_QUARTER.match(original)
                or (when is not None and t.value[:4] == f"{when.year:04d}")
            )
            and (when is None or t.value <= _shift(when, -1, 1, "Q"))
        ):  # a quarter ended before the anchor (a report's "fourth-quarter outlook" is none)
            quarter = (t.value, t.end)
        if explicit is not None:
            last_year = (explicit, t.end)
        elif needs and _explicit_year(t.value) is not None and last_year is not None:
            last_year = (last_year[0], t.end)  # a date in the same year keeps it in view
        if _DAY_VALUE.match(t.value) and not original.startswith("R+0DT"):
            # a day, or a time on a day it names ("dimanche après-midi"); a bare clock time
            # ("à 20 h") only borrows its day, it names none
            previous_day = (t.value[:10], t.end)
        if narrative_doc and t.type == "DATE" and _FOCUS_DATE.match(t.value):
            focus = t.value
        out.append(t)
    return _clock_then_day(out, timexes, text)


#: A clock time right before a day ("vers 15 h 30, hier", "Vers 0 h 40, jeudi", "at 3 p.m.
#: yesterday") is on that day, unless a day was named right before the time ("lundi à 10 h,
#: mardi à 14 h").
_CLOCK_GAP = re.compile(r"\s*,?\s*")
_CLOCK_BEFORE = 20


def _clock_then_day(out: list[Timex], originals: Sequence[Timex], text: str) -> list[Timex]:
    """``out`` with each bare clock time put on the day named right after it."""
    for i in range(len(out) - 1):
        t, nxt = out[i], out[i + 1]
        if not originals[i].value.startswith("R+0DT") or not _DAY_VALUE.match(nxt.value):
            continue
        if not _CLOCK_GAP.fullmatch(text[t.end : nxt.start]) or not _DAY_VALUE.match(t.value):
            continue
        before = out[i - 1] if i > 0 else None
        if before and _DAY_VALUE.match(before.value) and t.start - before.end <= _CLOCK_BEFORE:
            continue
        out[i] = _with(t, nxt.value[:10] + t.value[10:], t.end_value)
    return out
