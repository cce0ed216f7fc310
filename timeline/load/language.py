"""Language detection: the only module that imports lingua.

The detector knows only the official EU languages (``[language] eu`` in
``resources/common/load.toml``), so it cannot drift to a neighbour outside the EU. It reads the
body, not the page chrome: lines with fewer than ``min_words_per_line`` words (menus, labels,
"Navigation path", language pickers) are skipped and the longest remaining lines, up to
``sample_chars``, are detected. The sample goes to lingua's fast models (loaded in about half a
second, then about 5 microseconds per character). Its high-accuracy models are used only for
samples shorter than ``short_text_chars`` (0, off, by default: they take 12-30 s to load and
gain one short fragment in 24). Maltese, which lingua does not know, is recognised first by its
letters and function words.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any

from timeline.load._data import load_data

if TYPE_CHECKING:
    import regex

_LOCK = threading.Lock()


@cache
def _word() -> regex.Pattern[str]:
    """A word for the sample and for Maltese's function words (``regex``: ``\\p{L}``).
    Compiled on first use: ``regex`` costs about 0.04 CPU-s to import, and documents that
    name their language never need it."""
    import regex

    return regex.compile(r"[\p{L}'’-]+")


@cache
def _settings() -> dict[str, Any]:
    return dict(load_data()["language"])


@cache
def _detector(high_accuracy: bool) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in _settings()["eu"]:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is None:
            continue
        try:
            languages.append(Language.from_iso_code_639_1(iso))
        except ValueError:
            continue  # a language lingua has no model for (Maltese)
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def body_sample(text: str, *, limit: int | None = None) -> str:
    """The longest lines of ``text`` that look like prose, up to ``limit`` characters.

    Falls back to the whole (stripped) text when no line is long enough.
    """
    settings = _settings()
    limit = settings["sample_chars"] if limit is None else limit
    min_words = settings["min_words_per_line"]
    lines = [line.strip() for line in text.splitlines()]
    # Longest first; ties keep text order so the sample is deterministic. Only the longest
    # lines are tested for prose (counting words is what costs): the sample is full long
    # before the short lines of a long text are reached.
    ranked = sorted(range(len(lines)), key=lambda i: (-len(lines[i]), i))
    out: list[str] = []
    size = 0
    for i in ranked:
        if not lines[i]:
            break  # only empty lines are left: none of them is prose
        if len(_word().findall(lines[i])) < min_words:
            continue
        out.append(lines[i])
        size += len(lines[i]) + 1
        if size >= limit:
            break
    if not out:
        return " ".join(line for line in lines if line)[:limit]
    return "\n".join(out)[:limit]


def _is_maltese(sample: str) -> bool:
    marks = _settings()["maltese"]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return False
    special = sum(1 for c in letters if c in marks["letters"])
    if special / len(letters) < marks["min_letter_share"]:
        return False
    words = [w.lower() for w in _word().findall(sample)]
    if not words:
        return False
    markers = set(marks["words"])
    hits = sum(
        1 for w in words if w in markers or any(w.startswith(m) for m in markers if m.endswith("-"))
    )
    return hits / len(words) >= marks["min_word_share"]


#: The last text detected and its answer: the loader detects a document's language, and the
#: pipeline asks again for the same text when the loader could not tell.
_LAST: tuple[str, str | None] | None = None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the EU language ``text`` is written in, or None when unsure.

    Detection runs on the body (see the module docstring), so a French page whose navigation
    is in English is French. Asked twice in a row for the same text object, the answer is
    not computed again.
    """
    global _LAST
    last = _LAST
    if last is not None and last[0] is text:
        return last[1]
    found = _detect(text)
    _LAST = (text, found)
    return found


def _detect(text: str) -> str | None:
    sample = body_sample(text)
    if sum(1 for c in sample if c.isalpha()) < 3:
        return None
    if _is_maltese(sample):
        return "mt"
    high = len(sample) < _settings()["short_text_chars"]
    with _LOCK:  # building a detector is not something to do twice at once
        detector = _detector(high)
    found = detector.detect_language_of(sample)
    if found is None:
        return None
    return str(found.iso_code_639_1.name).lower()


def warm_up(high_accuracy: bool = False) -> None:
    """Build the detector now (for timing, or before a batch), instead of on first use."""
    _detector(high_accuracy).detect_language_of("warm up text for the detector")
