"""Dates of the contract as intervals: ``2011-12`` is every day of December 2011."""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache

import regex

_ISO = regex.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|Q(?P<q>[1-4])|H(?P<h>[12])|(?P<s>SP|SU|FA|AU|WI)))?$"
)

#: Rank of a precision: more precise is larger.
PRECISION_RANK = {"day": 5, "month": 4, "quarter": 3, "half": 2, "year": 1, "unknown": 0}


@lru_cache(maxsize=8192)
def interval(value: str | None) -> tuple[date, date] | None:
    """The first and last day a contract date covers, or None when it is not a calendar date."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    y = int(m.group("y"))
    try:
        if m.group("d"):
            d = date(y, int(m.group("m")), int(m.group("d")))
            return d, d
        if m.group("m"):
            mo = int(m.group("m"))
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if m.group("q"):
            q = int(m.group("q"))
            first, last = 3 * q - 2, 3 * q
            return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])
        if m.group("h"):
            h = int(m.group("h"))
            return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))
    except ValueError:
        return None
    return date(y, 1, 1), date(y, 12, 31)


def overlap(a: str | None, b: str | None) -> bool:
    """Whether two contract dates can name the same day (``2011-12`` and ``2011-12-13`` can)."""
    if a is not None and a == b:
        return True
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        return False
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def is_day(value: str | None) -> bool:
    """Whether the date is a single day."""
    iv = interval(value)
    return iv is not None and iv[0] == iv[1]


def sort_key(value: str | None) -> str:
    """A string that sorts dates in time order, unknown last."""
    iv = interval(value)
    return iv[0].isoformat() if iv else "9999-99-99"
