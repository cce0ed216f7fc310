"""The linking knowledge of every language: ``timeline/resources/<lang>/links.toml``.

Each file names acts ("Framework Decision 2004/68/JHA" -> ``32004F0068``), cues of relations
between acts ("repealing", "abrogeant", "zur Ersetzung"), and the structure of act titles (what
opens the subject, what marks a proposal). Nothing here knows a word of any language: a new
language is a new folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import regex

from timeline.errors import ResourceError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
FILENAME = "links.toml"
_FLAGS = regex.IGNORECASE | regex.UNICODE | regex.VERSION0


@dataclass(frozen=True, slots=True)
class ActRule:
    """A named pattern for an act reference, and the CELEX template it fills."""

    name: str  # "<language>:<rule name>"
    kind: str
    celex: str  # template with {year} and {number}
    pattern: regex.Pattern[str]
    examples: tuple[tuple[str, str], ...]
    negatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelationRule:
    """A named cue that one act repeals, replaces, amends, implements or transposes another."""

    name: str
    relation: str
    pattern: regex.Pattern[str]
    examples: tuple[tuple[str, str], ...]
    negatives: tuple[str, ...]
    inverse: bool = False  # "X, replaced by Y": the act after the cue is the subject


@dataclass(frozen=True, slots=True)
class TitleRules:
    """How a title is built in one language: subject opener, proposal opener, kind words."""

    language: str
    subject: regex.Pattern[str] | None
    proposal: regex.Pattern[str] | None
    kinds: tuple[tuple[str, regex.Pattern[str]], ...]
    examples: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class LinkResources:
    """Every language's linking rules, merged (documents often quote other languages' acts)."""

    languages: tuple[str, ...]
    acts: tuple[ActRule, ...]
    relations: tuple[RelationRule, ...]
    titles: tuple[TitleRules, ...]
    entry_labels: dict[str, str]
    celex: regex.Pattern[str]
    procedures: tuple[tuple[str, regex.Pattern[str]], ...]
    common_examples: dict[str, tuple[tuple[str, str], ...]]

    def compile_all(self) -> LinkResources:
        """Compile every pattern now (they are otherwise compiled when first matched,
        :class:`LazyPattern`): a build does so before forking its extraction workers, which
        then inherit them compiled instead of each compiling those it meets."""
        patterns: list[object] = [r.pattern for r in self.acts]
        patterns += [r.pattern for r in self.relations]
        for t in self.titles:
            patterns += [p for p in (t.subject, t.proposal) if p is not None]
            patterns += [p for _, p in t.kinds]
        for p in patterns:
            if isinstance(p, LazyPattern):
                p.compiled()
        return self


def _load_common(
    path: Path,
) -> tuple[
    regex.Pattern[str],
    tuple[tuple[str, regex.Pattern[str]], ...],
    dict[str, tuple[tuple[str, str], ...]],
]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc
    # CELEX numbers are upper case by definition: compile without IGNORECASE.
    celex = regex.compile(data["celex"]["pattern"], regex.UNICODE | regex.VERSION0)
    examples: dict[str, tuple[tuple[str, str], ...]] = {
        "celex": _pairs(data["celex"].get("examples"), f"{path} [celex]")
    }
    procedures = []
    for rule in data.get("procedures", []):
        pattern = regex.compile(rule["pattern"], regex.UNICODE | regex.VERSION0)
        procedures.append((f"common:{rule['name']}", pattern))
        examples[f"common:{rule['name']}"] = _pairs(rule.get("examples"), f"{path} {rule['name']}")
    return celex, tuple(procedures), examples


class LazyPattern:
    """A rule's pattern, compiled when it is first matched: its text and flags are read
    without compiling it (the act, title and relation readers skip a pattern whose words a
    text lacks, from its text), so a process compiles only the patterns its texts may match.
    ``regex`` parses patterns in Python: compiling the 189 patterns of every language cost
    0.1-0.15 CPU-s in each process that links, which a rebuild adding one document paid
    for the few its document reads. ``flags`` are those given: the package's patterns open
    with no global inline flag (a test checks they equal the compiled pattern's)."""

    __slots__ = ("pattern", "flags", "_where", "_compiled")

    def __init__(self, pattern: str, flags: int, where: str) -> None:
        self.pattern = pattern
        self.flags = flags
        self._where = where
        self._compiled: regex.Pattern[str] | None = None

    def compiled(self) -> regex.Pattern[str]:
        """The pattern compiled (once); ResourceError when it does not compile."""
        got = self._compiled
        if got is None:
            try:
                got = self._compiled = regex.compile(self.pattern, self.flags)
            except regex.error as exc:  # pragma: no cover - a bug in the package data
                raise ResourceError(
                    f"{self._where}: bad pattern {self.pattern!r}: {exc}"
                ) from exc
        return got

    def search(self, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        return self.compiled().search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        return self.compiled().match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        return self.compiled().fullmatch(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[regex.Match[str]]:
        return self.compiled().finditer(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self.compiled().findall(*args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> str:
        return self.compiled().sub(*args, **kwargs)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"


def _compile(source: str, where: str) -> regex.Pattern[str]:
    # typed as the pattern it stands for: every reader calls only what both have
    return cast("regex.Pattern[str]", LazyPattern(source, _FLAGS, where))


def _pairs(value: object, where: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for item in value or []:  # type: ignore[attr-defined]
        if not (isinstance(item, list) and len(item) == 2):
            raise ResourceError(f"{where}: an example is [text, expected], got {item!r}")
        out.append((str(item[0]), str(item[1])))
    return tuple(out)


def load_language(
    path: Path,
) -> tuple[TitleRules, list[ActRule], list[RelationRule], dict[str, str]]:
    """Read one ``links.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc
    lang = str(data.get("language") or path.parent.name)
    title = data.get("title", {})
    kinds = tuple(
        (kind, _compile(src, f"{path} [kinds].{kind}"))
        for kind, src in data.get("kinds", {}).items()
    )
    title_rules = TitleRules(
        language=lang,
        subject=_compile(title["subject"], f"{path} [title]") if title.get("subject") else None,
        proposal=_compile(title["proposal"], f"{path} [title]") if title.get("proposal") else None,
        kinds=kinds,
        examples=tuple((str(a), str(b), bool(c)) for a, b, c in title.get("examples", [])),
    )
    acts: list[ActRule] = []
    for rule in data.get("acts", []):
        where = f"{path} act {rule.get('name')}"
        acts.append(
            ActRule(
                name=f"{lang}:{rule['name']}",
                kind=rule["kind"],
                celex=rule["celex"],
                pattern=_compile(rule["pattern"], where),
                examples=_pairs(rule.get("examples"), where),
                negatives=tuple(rule.get("negatives", [])),
            )
        )
    relations: list[RelationRule] = []
    for rule in data.get("relations", []):
        where = f"{path} relation {rule.get('name')}"
        relations.append(
            RelationRule(
                name=f"{lang}:{rule['name']}",
                relation=rule["relation"],
                pattern=_compile(rule["pattern"], where),
                examples=_pairs(rule.get("examples"), where),
                negatives=tuple(rule.get("negatives", [])),
                inverse=bool(rule.get("inverse", False)),
            )
        )
    return title_rules, acts, relations, dict(data.get("entry_labels", {}))


@lru_cache(maxsize=4)
def load(root: Path = RESOURCES, label_language: str = "en") -> LinkResources:
    """Every ``<root>/<lang>/links.toml``, in language order (deterministic)."""
    common = root / "common" / FILENAME
    files = sorted(p for p in root.glob(f"*/{FILENAME}") if p != common)
    if not files or not common.is_file():
        raise ResourceError(f"no {FILENAME} under {root}: the package data is incomplete")
    celex, procedures, common_examples = _load_common(common)
    titles: list[TitleRules] = []
    acts: list[ActRule] = []
    relations: list[RelationRule] = []
    labels: dict[str, str] = {}
    for path in files:
        t, a, r, lab = load_language(path)
        titles.append(t)
        acts.extend(a)
        relations.extend(r)
        if t.language == label_language:
            labels = lab
    return LinkResources(
        languages=tuple(t.language for t in titles),
        acts=tuple(acts),
        relations=tuple(relations),
        titles=tuple(titles),
        entry_labels=labels,
        celex=celex,
        procedures=procedures,
        common_examples=common_examples,
    )
