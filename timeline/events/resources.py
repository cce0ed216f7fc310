"""Load the event-stage resources: ``resources/common/*.toml`` and ``resources/<lang>/*.toml``.

Knowledge is data: trigger words, status cues, act kinds, institution names and date-line
shapes live in TOML files; this module only reads and compiles them. Conventions shared by
every pattern of these files:

- a literal space matches any run of whitespace (line breaks and non-breaking spaces too);
- ``{name}`` expands to a block of the same file (``[blocks]``) or of ``common``;
- matching is case-insensitive unless a table says ``case_sensitive = true``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from timeline.errors import ResourceError
from timeline.events.prefilter import PatternSet
from timeline.events.store import compiled

RESOURCE_ROOT = Path(str(importlib_resources.files("timeline"))) / "resources"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Languages whose event resources ship with the package (a fallback chain ends in English).
FALLBACK = "en"


def expand(pattern: str, blocks: dict[str, str]) -> str:
    """Expand ``{name}`` placeholders from ``blocks`` and make literal spaces match whitespace."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in blocks:
            return m.group(0)  # a regex quantifier such as {2,8} has no name: left alone
        return "(?:" + expand(blocks[name], blocks) + ")"

    out = _PLACEHOLDER.sub(sub, pattern)
    # A space outside a character class matches any whitespace run.
    pieces: list[str] = []
    in_class = False
    escaped = False
    skip = False
    for i, ch in enumerate(out):
        if skip:
            skip = False
            continue
        if escaped:
            pieces.append(ch)
            escaped = False
            continue
        if ch == "\\":
            pieces.append(ch)
            escaped = True
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        if ch == " " and not in_class:
            # "x ?" (an optional space) matches no whitespace or some
            if out[i + 1 : i + 2] == "?":
                pieces.append(r"\s*")
                skip = True
            else:
                pieces.append(r"\s+")
        else:
            pieces.append(ch)
    return "".join(pieces)


def compile_pattern(
    pattern: str, blocks: dict[str, str], *, flags: int = re.IGNORECASE
) -> re.Pattern[str]:
    """Compile one resource pattern (raises :class:`ResourceError` naming the pattern), read
    from the event store when a process made it before (:mod:`timeline.events.store`)."""
    try:
        return compiled(expand(pattern, blocks), flags)
    except re.error as exc:
        raise ResourceError(f"bad pattern {pattern!r}: {exc}") from exc


def read_toml(path: Path) -> dict[str, Any]:
    """Read one resource file (raises :class:`ResourceError` with the file name)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"{path}: cannot read resource file ({exc})") from exc


@cache
def common(name: str) -> dict[str, Any]:
    """``resources/common/<name>.toml`` as a dict (empty when absent)."""
    return read_toml(RESOURCE_ROOT / "common" / f"{name}.toml")


def common_triggers() -> list[dict[str, Any]]:
    """The ``[[trigger]]`` tables of ``resources/common/acts.toml`` (language-neutral)."""
    return list(common("acts").get("trigger") or [])


@cache
def language_file(language: str, name: str) -> dict[str, Any]:
    """``resources/<language>/<name>.toml`` as a dict (empty when absent)."""
    return read_toml(RESOURCE_ROOT / language / f"{name}.toml")


def event_languages() -> list[str]:
    """Languages that have an ``events.toml``."""
    return sorted(p.parent.name for p in RESOURCE_ROOT.glob("*/events.toml"))


@dataclass(frozen=True, slots=True)
class Trigger:
    """A named trigger rule: a word or phrase that types an event, with its priority."""

    name: str
    type: str
    pattern: re.Pattern[str]
    priority: int = 2
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    # how the date attaches: "any", "before" (date precedes the trigger), "after" (follows it)
    attach: str = "any"


@dataclass(frozen=True, slots=True)
class LanguagePack:
    """Everything the event stage knows about one language, compiled."""

    language: str
    triggers: tuple[Trigger, ...]
    cues: dict[str, re.Pattern[str]] = field(default_factory=dict)
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    blocks: dict[str, str] = field(default_factory=dict)
    actors: tuple[tuple[str, re.Pattern[str]], ...] = ()


def _blocks(data: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (data.get("blocks") or {}).items()}


@cache
def pack(language: str) -> LanguagePack:
    """The compiled event resources of ``language`` (English for a language without them)."""
    data = language_file(language, "events")
    if not data:
        if language == FALLBACK:
            raise ResourceError(
                f"no event resources for {FALLBACK!r} (resources/{FALLBACK}/events.toml)"
            )
        return pack(FALLBACK)
    blocks = _blocks(common("blocks"))
    blocks.update(_blocks(data))
    triggers = []
    # language-neutral triggers (document numbers whose shape tells the step) come after the
    # language's own
    shared = [dict(raw, name=f"common:{raw.get('name', '')}") for raw in common_triggers()]
    for i, raw in enumerate(list(data.get("trigger") or []) + shared):
        try:
            name, etype, pat = raw["name"], raw["type"], raw["pattern"]
        except KeyError as exc:
            raise ResourceError(f"{language}/events.toml: trigger #{i + 1} lacks {exc}") from None
        triggers.append(
            Trigger(
                name=name if str(name).startswith("common:") else f"{language}:{name}",
                type=str(etype),
                pattern=compile_pattern(str(pat), blocks),
                priority=int(raw.get("priority", 2)),
                examples=tuple(raw.get("examples") or ()),
                negatives=tuple(raw.get("negatives") or ()),
                attach=str(raw.get("attach", "any")),
            )
        )
    cues = {str(k): compile_pattern(str(v), blocks) for k, v in (data.get("cues") or {}).items()}
    patterns = {
        str(k): compile_pattern(str(v), blocks) for k, v in (data.get("patterns") or {}).items()
    }
    actors: list[tuple[str, re.Pattern[str]]] = []
    for source in (language_file(language, "actors"), common("actors")):
        flags = 0 if source.get("case_sensitive") else re.IGNORECASE
        for canonical, pats in (source.get("actors") or {}).items():
            for p in [pats] if isinstance(pats, str) else pats:
                actors.append((str(canonical), compile_pattern(str(p), blocks, flags=flags)))
        for canonical, pats in (source.get("acronyms") or {}).items():
            for p in [pats] if isinstance(pats, str) else pats:
                actors.append((str(canonical), compile_pattern(str(p), blocks, flags=0)))
    return LanguagePack(language, tuple(triggers), cues, patterns, blocks, tuple(actors))


@cache
def trigger_set(language: str) -> PatternSet:
    """The trigger patterns of ``language`` (in :attr:`LanguagePack.triggers` order) with their
    necessary literals."""
    return PatternSet.of([t.pattern for t in pack(language).triggers], domain=language)


@cache
def actor_set(language: str) -> PatternSet:
    """The actor patterns of ``language`` (in :attr:`LanguagePack.actors` order) with their
    necessary literals."""
    return PatternSet.of([p for _, p in pack(language).actors], domain=language)


@cache
def trigger_lead_set(language: str) -> PatternSet:
    """The trigger patterns of ``language`` with the literals their matches begin with (else
    their keywords), to try each one only where a match can start
    (:func:`~timeline.events.prefilter.matches_in`)."""
    return PatternSet.mixed([t.pattern for t in pack(language).triggers], domain=language)


@cache
def actor_lead_set(language: str) -> PatternSet:
    """The actor patterns of ``language`` with the literals their matches begin with (else
    their keywords)."""
    return PatternSet.mixed([p for _, p in pack(language).actors], domain=language)
