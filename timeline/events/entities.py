"""Actors (institutions and bodies, canonical English names) and amounts of money."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from timeline.events.prefilter import DocText, window_matches
from timeline.events.resources import actor_lead_set, common, compile_pattern, pack
from timeline.model import Amount


def find_actors(
    text: str,
    language: str,
    start: int = 0,
    end: int | None = None,
    *,
    doc: DocText | None = None,
) -> list[str]:
    """Canonical names of the institutions named in ``text[start:end]``, in order of mention.

    A more specific name listed first in ``actors.toml`` ("European Council") keeps a less
    specific one ("Council") from matching the same words. ``doc`` (the same text, indexed
    once per document) lets many calls skip the names whose keywords are not in the window.
    """
    end = len(text) if end is None else end
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    actors = pack(language).actors
    if doc is None or doc.text is not text:
        tried: Sequence[tuple[int, Sequence[re.Match[str]]]] = [
            (i, list(pattern.finditer(text, start, end))) for i, (_, pattern) in enumerate(actors)
        ]
    else:
        # a name whose leading literal (else keyword) is not in the window cannot match
        # there; one with a leading literal is tried only where a match can start
        tried = window_matches(actor_lead_set(language), doc, start, end)
    for i, matches in tried:
        canonical = actors[i][0]
        for m in matches:
            if m.end() == m.start() or any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), canonical))
    found.sort()
    return list(dict.fromkeys(name for _, name in found))


@cache
def _amount_patterns() -> tuple[re.Pattern[str], ...]:
    data = common("amounts")
    blocks = {str(k): str(v) for k, v in (data.get("blocks") or {}).items()}
    return tuple(compile_pattern(p, blocks) for p in (data.get("patterns") or {}).values())


def _number(text: str) -> float | None:
    """A written figure as a float: 427 000 -> 427000.0, 1.500.000 -> 1500000.0, 2,5 -> 2.5."""
    digits = re.sub(r"[\s\u00a0\u202f\u2019']", "", text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", digits):
        digits = digits.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Sums of money in ``text[start:end]``: "427 000 euros" -> Amount(427000.0, "EUR", ...)."""
    end = len(text) if end is None else end
    data = common("amounts")
    currencies = {str(k): str(v) for k, v in (data.get("currencies") or {}).items()}
    multipliers = sorted(
        ((str(k), float(v)) for k, v in (data.get("multipliers") or {}).items()),
        key=lambda kv: -len(kv[0]),
    )
    out: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for pattern in _amount_patterns():
        for m in pattern.finditer(text, start, end):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _number(m.group("num"))
            cur = currencies.get(" ".join(m.group("cur").lower().split()).rstrip("."))
            if value is None or cur is None:
                continue
            mult = (m.group("mult") or "").lower()
            if mult:
                for prefix, factor in multipliers:
                    if mult.startswith(prefix):
                        value *= factor
                        break
            taken.append((m.start(), m.end()))
            out.append(
                Amount(value=value, currency=cur, text=m.group(0), span=(m.start(), m.end()))
            )
    out.sort(key=lambda a: a.span or (0, 0))
    return out
