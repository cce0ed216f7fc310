"""Legal acts, COM documents, court cases and procedure references, normalized.

``find_acts`` reads "Directive 2011/93/EU", "décision-cadre 2004/68/JAI", "Regulation (EC) No
45/2001", "COM(2010) 94 final", "32011L0093" or "Case C-293/12" in any language whose act kinds
are listed in ``resources/common/acts.toml`` and returns :class:`~timeline.model.ActRef` objects
with their CELEX number; ``find_procedures`` returns canonical ``2010/0064(COD)`` references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from timeline.events.prefilter import DocText, PatternSet, Searcher, finditer, matches_in
from timeline.events.resources import common, compile_pattern
from timeline.model import ActRef

_ZONE_NEW = {"EU", "UE", "ЕС", "ES", "EL", "EE", "AE", "ΕΕ"}


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 1900 + y if y >= 50 else 2000 + y
    return y


@cache
def _kind_table(language: str) -> list[tuple[str, str]]:
    """(regex, kind) pairs for ``language`` and English, longest regex first."""
    kinds = common("acts").get("kinds") or {}
    pairs: list[tuple[str, str]] = []
    for lang in dict.fromkeys([language, "en"]):
        for kind, words in (kinds.get(lang) or {}).items():
            for w in words:
                pairs.append((str(w), str(kind)))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


@cache
def _patterns(language: str) -> dict[str, re.Pattern[str]]:
    data = common("acts")
    pats = data.get("patterns") or {}
    kind_alt = "|".join(f"(?:{w})" for w, _ in _kind_table(language))
    blocks = {"kind": kind_alt}
    out = {
        "numbered": compile_pattern(pats["numbered"], blocks),
        "bare": compile_pattern(pats["bare"], blocks, flags=0),
        "celex": compile_pattern(pats["celex"], blocks, flags=0),
        "com": compile_pattern(pats["com"], blocks, flags=0),
        "case": compile_pattern(pats["case"], blocks, flags=0),
        "proposal": compile_pattern((data.get("com") or {})["proposal_words"], blocks),
        "kind": compile_pattern(kind_alt, blocks),
    }
    return out


_SCANNED = ("celex", "numbered", "bare", "com", "case")


@cache
def _proposal_searcher(language: str) -> Searcher:
    """The words saying a COM document is a proposal, searched fast (same result)."""
    return Searcher.of(_patterns(language)["proposal"])


@cache
def _scan_set(language: str) -> PatternSet:
    """The patterns ``find_acts`` runs over a whole text, tried only where a match can start."""
    pats = _patterns(language)
    return PatternSet.leading([pats[k] for k in _SCANNED], domain=language)


@lru_cache(maxsize=4096)
def _kind_of(word: str, language: str) -> str | None:
    for regex, kind in _kind_table(language):
        if re.fullmatch(regex, word, re.IGNORECASE | re.DOTALL):
            return kind
    # words joined by a line break: normalize whitespace and retry
    flat = " ".join(word.split())
    if flat != word:
        return _kind_of(flat, language)
    return None


@cache
def _kind_set(language: str) -> PatternSet:
    return PatternSet.of([_patterns(language)["kind"]], domain=language)


@cache
def _kind_lead_set(language: str) -> PatternSet:
    """The act kinds' pattern with the literals its matches begin with."""
    return PatternSet.leading([_patterns(language)["kind"]], domain=language)


def kind_spans(
    text: str,
    language: str,
    start: int = 0,
    end: int | None = None,
    *,
    doc: DocText | None = None,
) -> list[tuple[int, int, str]]:
    """Where ``text[start:end]`` names an act kind, numbered or not ("the Directive").

    ``doc`` (the same text, indexed) skips a window where no kind's keyword occurs."""
    end = len(text) if end is None else end
    if doc is not None and doc.text is text:
        # tried only where a kind's leading literal occurs in the window (without one: only
        # where a keyword of a kind does)
        lead = _kind_lead_set(language)
        if 0 in doc.index(lead).always and not doc.index(_kind_set(language)).candidates(
            start, end
        ):
            return []
        found: list[re.Match[str]] = matches_in(lead, 0, doc, start, end)
    else:
        found = list(_patterns(language)["kind"].finditer(text, start, end))
    out = []
    for m in found:
        kind = _kind_of(m.group(0), language)
        if kind:
            out.append((m.start(), m.end(), kind))
    return out


def is_proposal_word(word: str) -> bool:
    """Whether ``word`` is a word for "proposal" in some language (``[com] proposal_words``)."""
    return _patterns("en")["proposal"].fullmatch(word) is not None


def kind_mentions(
    text: str,
    language: str,
    start: int = 0,
    end: int | None = None,
    *,
    doc: DocText | None = None,
) -> list[str]:
    """The act kinds named in ``text[start:end]`` with or without a number ("the Directive")."""
    return [k for _, _, k in kind_spans(text, language, start, end, doc=doc)]


def celex_of(
    kind: str | None, n1: str, n2: str, *, zone: str | None = None, no: bool = False
) -> str | None:
    """The CELEX number of an act given its kind and the two parts of its number.

    Directives, decisions and framework decisions are written year/number ("2011/93/EU");
    regulations before 2015 number/year ("Regulation (EC) No 45/2001"), from 2015 year/number
    ("Regulation (EU) 2016/679").
    """
    letter = (common("acts").get("celex_letter") or {}).get(kind or "")
    if not letter:
        return None
    if no:
        year, number = _year(n2), int(n1)
    elif kind == "regulation":
        if len(n1) == 4 and 1950 <= int(n1) <= 2100 and (zone in _ZONE_NEW or int(n1) >= 2015):
            year, number = int(n1), int(n2)
        elif len(n2) in (2, 4) and not (len(n1) == 4 and 1950 <= int(n1) <= 2100):
            year, number = _year(n2), int(n1)
        else:
            year, number = _year(n1), int(n2)
    else:
        year, number = _year(n1), int(n2)
    if not 1950 <= year <= 2100 or number <= 0 or number > 9999:
        return None
    return f"3{year}{letter}{number:04d}"


def com_celex(year: str, number: str, proposal: bool) -> str:
    """``COM(2010) 94`` -> ``52010PC0094`` (a proposal) or ``52010DC0094`` (any other)."""
    return f"5{int(year)}{'PC' if proposal else 'DC'}{int(number):04d}"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def find_acts(text: str, language: str, *, doc: DocText | None = None) -> list[ActRef]:
    """Every legal act, COM document or court case named by number in ``text``, in text order.

    Each has its CELEX number where it can be determined, the label as written, its span and
    its kind (directive, regulation, decision, framework_decision, joint_action, com, celex,
    case). ``doc`` is the same text when the caller has it indexed already.
    """
    doc = doc if doc is not None and doc.text is text else DocText(text, language)
    scan = _scan_set(language)

    def matches(key: str) -> Iterator[re.Match[str]]:
        return finditer(scan, _SCANNED.index(key), doc)

    found: list[ActRef] = []
    taken: list[tuple[int, int]] = []

    def add(celex: str | None, start: int, end: int, kind: str | None) -> None:
        span = (start, end)
        if _overlaps(span, taken):
            return
        taken.append(span)
        found.append(ActRef(celex, " ".join(text[start:end].split()), span, kind))

    for m in matches("celex"):
        add(m.group("celex"), m.start(), m.end(), "celex")
    for m in matches("numbered"):
        kind = _kind_of(m.group("kind"), language)
        celex = celex_of(
            kind,
            m.group("n1"),
            m.group("n2"),
            zone=(m.group("zone") or "").upper(),
            no=bool(m.group("no")),
        )
        add(celex, m.start(), m.end(), kind)
    for m in matches("bare"):
        # the kind is named just before or after: "2002/584/JHA: Council Framework Decision"
        w0, w1 = max(0, m.start() - 60), min(len(text), m.end() + 60)
        # the kind's matches in the window as a search of the window alone finds them, tried
        # only where a kind's leading literal occurs
        named = matches_in(_kind_lead_set(language), 0, doc, w0, w1, text[w0:w1])
        kinds = [k for k in (_kind_of(w.group(0), language) for w in named) if k]
        kind = kinds[0] if len(set(kinds)) == 1 else None
        add(celex_of(kind, m.group("n1"), m.group("n2")), m.start(), m.end(), kind)
    for m in matches("com"):
        year = m.group("y1") or m.group("y2")
        context = text[max(0, m.start() - 150) : m.end() + 60]
        proposal = _proposal_searcher(language).search(context) is not None
        add(com_celex(year, m.group("num"), proposal), m.start(), m.end(), "com")
    for m in matches("case"):
        before = text[max(0, m.start() - 40) : m.start()]
        if not re.search(
            r"(?i)(case|affaire|rechtssache|asunto|causa|processo|zaak|sprawie|sprawa|sag|mål|ECLI|judgment|arrêt|urteil|sentencia|sentenza|arrest|wyrok|acórdão|dom)\W*[\w\s]{0,20}$",
            before,
        ):
            continue
        year = _year(m.group("yy"))
        court = "CJ" if m.group("court") == "C" else "TJ"
        add(f"6{year}{court}{int(m.group('num')):04d}", m.start(), m.end(), "case")
    found.sort(key=lambda a: a.span or (0, 0))
    return found


@cache
def _procedure_patterns() -> list[re.Pattern[str]]:
    data = common("acts").get("procedures") or {}
    blocks = {"types": str(data.get("types", "COD|CNS"))}
    return [compile_pattern(p, blocks, flags=0) for p in data.get("patterns") or []]


@cache
def _procedure_set(domain: str = "common") -> PatternSet:
    return PatternSet.leading(_procedure_patterns(), domain=domain)


def find_procedures(
    text: str, *, doc: DocText | None = None
) -> list[tuple[str, tuple[int, int]]]:
    """Interinstitutional procedure references, canonical ``2010/0064(COD)``, with spans."""
    out: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    doc = doc if doc is not None and doc.text is text else DocText(text)
    pset = _procedure_set(doc.language)
    for i in range(len(pset.patterns)):
        for m in finditer(pset, i, doc):
            span = (m.start(), m.end())
            if _overlaps(span, taken):
                continue
            taken.append(span)
            out.append((f"{m.group('year')}/{m.group('num')}({m.group('type').upper()})", span))
    out.sort(key=lambda p: p[1])
    return out
