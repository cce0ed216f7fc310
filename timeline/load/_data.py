"""The loader's knowledge, read once from ``timeline/resources/common/load.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from timeline.errors import ResourceError
from timeline.load.needs import Needs, needs

if TYPE_CHECKING:
    import regex


@dataclass(frozen=True, slots=True)
class ReferenceRule:
    """A named pattern for a document's own reference, with its canonical spelling.

    ``like`` in the TOML reuses another rule's pattern; ``whole_line`` accepts a match only when
    it is alone on its line, ``first_line`` only on the first non-empty line; ``requires`` names
    a group that must have matched; ``upper`` upper-cases the groups (URLs).
    """

    name: str
    pattern: regex.Pattern[str]
    canonical: str
    requires: str | None
    whole_line: bool
    upper: bool
    first_line: bool
    scope: str  # "header" (before the first body paragraph) or "top" (the first 1500 chars)
    examples: tuple[tuple[str, str], ...]
    negatives: tuple[str, ...]
    #: what a text must contain for the pattern to match (tested before searching it)
    needs: Needs = Needs()


@cache
def load_data() -> dict[str, Any]:
    """The parsed ``load.toml`` (raises ResourceError when it is missing or malformed)."""
    try:
        raw = (resources.files("timeline") / "resources" / "common" / "load.toml").read_bytes()
        return tomllib.loads(raw.decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ResourceError(f"timeline/resources/common/load.toml: {exc}") from exc


@cache
def reference_rules(table: str = "reference") -> tuple[ReferenceRule, ...]:
    """The rules of ``table`` (``reference`` or ``url_reference``), in the order they are tried."""
    import regex  # here: a document whose sidecar names its reference never needs it

    rules = []
    entries = load_data()[table]
    by_name = {entry["name"]: entry for entry in entries}
    for entry in entries:
        source = entry["pattern"] if "pattern" in entry else by_name[entry["like"]]["pattern"]
        try:
            pattern = regex.compile(source, regex.VERSION0)
        except (regex.error, KeyError) as exc:
            raise ResourceError(f"load.toml reference rule {entry['name']!r}: {exc}") from exc
        rules.append(
            ReferenceRule(
                name=entry["name"],
                pattern=pattern,
                canonical=entry["canonical"],
                requires=entry.get("requires"),
                whole_line=bool(entry.get("whole_line", False)),
                upper=bool(entry.get("upper", False)),
                first_line=bool(entry.get("first_line", False)),
                scope=str(entry.get("scope", "header")),
                examples=tuple((a, b) for a, b in entry.get("examples", ())),
                negatives=tuple(entry.get("negatives", ())),
                needs=needs(source),
            )
        )
    return tuple(rules)
