"""Metadata that is not in the markup: sidecar files, front matter, and the header reference.

- A sidecar ``STEM.meta.json`` next to ``STEM.txt`` (the shape of ``../shared/corpus/dev``)
  and YAML front matter at the top of a text or Markdown file override what was detected.
- :func:`find_reference` reads the document's own reference (IP/09/342, COM(2010) 94 final,
  a CELEX number, a procedure) from its header area with the named rules of
  ``resources/common/load.toml``.

The date is never read from the body here: that is ``timeline.events.document_date``'s job.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import InputError
from timeline.load._data import ReferenceRule, load_data, reference_rules

if TYPE_CHECKING:
    import regex  # imported by _data when the reference rules are first compiled

#: Fields a sidecar or front matter may set, and whether an explicit null there overrides
#: what was detected (True) or only means "not given" (False).
OVERRIDABLE: dict[str, bool] = {
    "title": False,
    "language": False,
    "date": True,
    "reference": True,
    "url": True,
    "kind": True,
    "dossier": True,
    "parallel": True,
}
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]?\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
#: The header area ends at the first body paragraph: a line of at least this many words that
#: ends a sentence (long titles do not end with a full stop)...
HEADER_BODY_WORDS = 20
#: ...and never goes past this many characters.
HEADER_MAX_CHARS = 1500
_BODY_CHARS = 2 * HEADER_BODY_WORDS - 1


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` would be: ``STEM.meta.json`` in the same folder."""
    return path.with_name(path.stem + ".meta.json")


def _check_fields(data: dict[str, Any], where: str, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in OVERRIDABLE:
            continue  # other keys (excerpt, notes) are the corpus's business
        if value is not None and not isinstance(value, str):
            value = str(value)
        if key == "date" and value is not None and not _ISO_DATE.match(value):
            raise InputError(path, f"{where}: date {value!r} is not of the form YYYY-MM-DD")
        if value is None and not OVERRIDABLE[key]:
            continue
        out[key] = value.strip() if isinstance(value, str) else value
    return out


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_all(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 65536):
        parts.append(chunk)
    return b"".join(parts)


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """The overriding fields of ``STEM.meta.json`` next to ``path``, or None when there is none."""
    return sidecar_of(str(path))


def sidecar_of(path: str) -> dict[str, Any] | None:
    """:func:`read_sidecar` of a path given as ``str(Path(...))`` (the loader's: plain string
    work instead of ``pathlib``'s, a tenth of loading a short document)."""
    folder, slash, name = path.rpartition(os.sep)
    dot = name.rfind(".")
    side_name = (name[:dot] if 0 < dot < len(name) - 1 else name) + ".meta.json"  # Path.stem
    side = folder + slash + side_name  # Path.with_name
    try:
        # opened without a look first (one path lookup): a missing sidecar is the common case
        fd = os.open(side, _OPEN_FLAGS)
    except (OSError, ValueError):
        if not os.path.isfile(side):
            return None
        fd = -1  # there, but not to be opened: said below
    try:
        if fd >= 0 and not stat.S_ISREG(os.fstat(fd).st_mode):
            return None  # a folder or a pipe, as os.path.isfile says
        if fd >= 0:
            raw = _read_all(fd)
        else:
            raw = Path(side).read_bytes()
        # newlines as a text-mode read gives them (error messages count lines)
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise InputError(path, f"sidecar {side_name} is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"sidecar {side_name} is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    except OSError as exc:
        raise InputError(path, f"sidecar {side_name} cannot be read ({exc.strerror})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if not isinstance(data, dict):
        raise InputError(path, f"sidecar {side_name} must hold a JSON object")
    return _check_fields(data, f"sidecar {side_name}", path)


def _scalar(raw: str) -> str | None:
    value = raw.split(" #", 1)[0].strip()
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (a flat ``key: value`` block between ``---`` lines) from ``text``.

    Returns the overriding fields and the body after the block. Only flat scalar mappings are
    read (no nesting, no lists): that is what front matter for a policy text needs.
    """
    match = _FRONT.match(text)
    if not match:
        return {}, text
    fields: dict[str, Any] = {}
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _KEY.match(line)
        if not found:
            raise InputError(
                path, f"front matter line {number} is not 'key: value': {line.strip()[:60]!r}"
            )
        fields[found.group("key").lower()] = _scalar(found.group("value"))
    return _check_fields(fields, "front matter", path), text[match.end() :]


def header_area(text: str) -> str:
    """The lines before the first body paragraph, at most ``HEADER_MAX_CHARS`` characters."""
    end = 0
    for line in text[:HEADER_MAX_CHARS].splitlines(keepends=True):
        # HEADER_BODY_WORDS words take at least twice as many characters less one: a shorter
        # line (most header lines) is not a body paragraph, and needs no search
        if (
            len(line) >= _BODY_CHARS
            and _SENTENCE_END.search(line)
            and len(line.split()) >= HEADER_BODY_WORDS
        ):
            break
        end += len(line)
    return text[: min(end, HEADER_MAX_CHARS)]


def _in_braces(text: str, start: int) -> bool:
    return text.rfind("{", 0, start) > text.rfind("}", 0, start)


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def apply_rule(
    rule: ReferenceRule, text: str, matches: Iterable[regex.Match[str]] | None = None
) -> str | None:
    """The canonical reference of the first match of ``rule`` in ``text`` (outside braces).
    ``matches``: the matches of ``rule.pattern`` in ``text``, when already found."""
    series_map: dict[str, str] = load_data()["reference_series_map"]
    for match in rule.pattern.finditer(text) if matches is None else matches:
        if _in_braces(text, match.start()):
            continue  # {SEC(2009) 355}: an accompanying document, not this one
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        if rule.requires and rule.requires not in groups:
            continue
        if rule.whole_line and not _alone_on_line(text, match.start(), match.end()):
            continue
        if rule.first_line and "\n" in text[: match.start()].lstrip("\n\t "):
            continue
        for key in list(groups):  # alternatives spelled year2, number2, type2
            if key.endswith("2") and key[:-1] not in groups:
                groups[key[:-1]] = groups[key]
        if rule.upper:
            groups = {k: v.upper() for k, v in groups.items()}
        if "series" in groups:
            groups["series"] = series_map.get(groups["series"], groups["series"])
        if "number" in groups and "series" in groups and groups["series"] in series_map.values():
            groups["number"] = str(int(groups["number"]))
        try:
            return " ".join(rule.canonical.format(**groups).split())
        except KeyError:
            continue
    return None


#: per rule: (rule, scoped to the top?, its search's and its absence test's slots in its own
#: scope, then in the top), and how many search and test slots a text needs
_Steps = tuple[tuple[tuple[ReferenceRule, bool, int, int, int, int], ...], int, int]
#: Steps of :func:`find_reference` per rule list (by identity): see :func:`_steps`.
_STEPS: dict[int, tuple[tuple[ReferenceRule, ...], _Steps]] = {}


def _steps(rules: tuple[ReferenceRule, ...]) -> _Steps:
    """The rules with the slots of what they share, numbered once per rule list: rules that
    share a pattern and a scope ("like") share its matches, and rules that need the same words
    in the same scope ("COD" or "CNS"...) share the answer, so each is found once per text
    (the slots replace a per-document dict keyed by the pattern and by the Needs, whose
    hashing cost more than the look-ups saved)."""
    got = _STEPS.get(id(rules))
    if got is not None and got[0] is rules:
        return got[1]
    searches: dict[tuple[str, int, str], int] = {}
    tests: dict[tuple[object, str], int] = {}

    def slots(rule: ReferenceRule, scope: str) -> tuple[int, int]:
        search = searches.setdefault(
            (rule.pattern.pattern, rule.pattern.flags, scope), len(searches)
        )
        return search, tests.setdefault((rule.needs, scope), len(tests))

    steps = tuple(
        (rule, rule.scope == "top", *slots(rule, rule.scope), *slots(rule, "top")) for rule in rules
    )
    made: _Steps = (steps, len(searches), len(tests))
    _STEPS[id(rules)] = (rules, made)
    return made


def find_reference(text: str) -> tuple[str, str] | None:
    """The document's own reference in its header area and the name of the rule that found it."""
    header = header_area(text)
    top = text[:HEADER_MAX_CHARS]
    if not top.strip():
        return None
    steps, n_searches, n_tests = _steps(reference_rules())
    searched: list[list[regex.Match[str]] | None] = [None] * n_searches
    lacking: list[bool | None] = [None] * n_tests
    # a header without a body paragraph is the whole top (a prefix of it, as long): both
    # scopes are then one text, searched once
    whole = len(header) == len(top)
    for rule, on_top, search, test, top_search, top_test in steps:
        if on_top or whole:
            scoped, search, test = top, top_search, top_test
        else:
            scoped = header
        matches = searched[search]
        if matches is None:
            # most texts lack what a rule needs ("COM", "COD"...): no search then
            absent = lacking[test]
            if absent is None:
                absent = lacking[test] = rule.needs.absent(scoped)
            matches = searched[search] = [] if absent else list(rule.pattern.finditer(scoped))
        if not matches:
            continue
        found = apply_rule(rule, scoped, matches)
        if found:
            return found, rule.name
    return None


def reference_from_url(url: str) -> tuple[str, str] | None:
    """The reference a document's own URL carries (EP press-room id, press number, CELEX)."""
    for rule in reference_rules("url_reference"):
        found = apply_rule(rule, url.replace("%28", "(").replace("%29", ")"))
        if found:
            return found, rule.name
    return None


def valid_reference(value: str) -> str | None:
    """``value`` in canonical form when some reference rule reads it whole, else None."""
    for rule in reference_rules():
        match = rule.pattern.fullmatch(value.strip())
        if match:
            return apply_rule(rule, value.strip())
    return None
