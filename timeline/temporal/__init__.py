"""Stage 2: find time expressions, normalize them, and anchor them to the document's date.

    find(text, language)        -> spans with TIMEX3 type and (possibly unanchored) value
    anchor(timexes, dct, text)  -> relative values resolved against the document date
    tag(text, language, dct)    -> find + anchor, sorted, non-overlapping

Every language-specific word and pattern lives in ``timeline/resources/<lang>/temporal.toml``;
see :mod:`timeline.temporal.grammar` for the file format.
"""

from __future__ import annotations

from typing import Any

from timeline.model import Timex
from timeline.temporal.anchoring import anchor
from timeline.temporal.finder import scan
from timeline.temporal.grammar import available_languages, load

__all__ = ["anchor", "find", "languages", "tag"]


def find(text: str, language: str, *, split_ranges: bool = False) -> list[Timex]:
    """Every time expression in ``text`` with exact ``[start, end)`` spans, left to right.

    Values that need the document date stay unanchored (``XXXX-03-03``, ``R-1D``...). A range
    is one expression with ``value`` and ``end_value``; with ``split_ranges`` it is two, as in
    TimeML ("15" and "16 October 1999"). Raises :class:`timeline.errors.UsageError` for a
    language without resources.
    """
    return scan(load(language), text, split_ranges=split_ranges)


def tag(
    text: str, language: str, dct: str | None = None, *, split_ranges: bool = False
) -> list[Timex]:
    """Find and anchor the time expressions of ``text``: sorted by start, non-overlapping.

    ``split_ranges`` gives a range's two ends as two expressions (TimeML output, TempEval).
    """
    found = sorted(find(text, language, split_ranges=split_ranges), key=lambda t: (t.start, -t.end))
    kept: list[Timex] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            if (t.end - t.start) > (kept[-1].end - kept[-1].start):
                kept[-1] = t
            continue
        kept.append(t)
    return anchor(kept, dct, text)


def languages() -> list[dict[str, Any]]:
    """What each language supports: rule count, rule families, and whether it has tense cues."""
    out = []
    for code in available_languages():
        g = load(code)
        families = sorted(
            {
                r.name.split("_")[1 if r.name.startswith(("generic_", "num_")) else 0]
                for r in g.rules
            }
        )
        out.append(
            {
                "language": code,
                "name": g.name,
                "rules": len(g.rules),
                "families": families,
                "types": sorted({r.type for r in g.rules}),
                "months": len(g.words.get("month", {})),
                "weekdays": len(g.words.get("weekday", {})),
                "tense_cues": sorted(g.tense),
                "generated": bool(g.meta.get("generated", False)),
            }
        )
    return out
