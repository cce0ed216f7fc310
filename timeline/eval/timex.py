"""TempEval-3 task A scoring of time expressions against TimeML gold.

- strict match: same ``[start, end)``; relaxed match: the spans overlap (one-to-one, the
  largest overlap first);
- precision = matches / predicted, recall = matches / gold, F1 their harmonic mean;
- type and value accuracy are computed on the relaxed matches;
- value F1 = relaxed F1 x value accuracy (TempEval-3's "value F1").

:func:`score_documents` scores any predicted lists (ours, dateparser's, HeidelTime's) against
gold; :func:`evaluate_timex` runs our tagger over a folder of ``.tml`` files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from timeline.errors import GoldError, UsageError


class Span(Protocol):
    """Anything with a span, a type and a value (GoldTimex, Timex, a peer's output)."""

    start: int
    end: int
    type: str
    value: str


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class DocScore:
    """The counts of one document (a row of the verbose report)."""

    name: str = ""
    gold: int = 0
    predicted: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    chars: int = 0
    #: (kind, text, gold value, predicted value): kind is "missed", "spurious" or "value"
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, other: DocScore) -> None:
        """Add ``other``'s counts to these."""
        self.gold += other.gold
        self.predicted += other.predicted
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.type_ok += other.type_ok
        self.value_ok += other.value_ok
        self.chars += other.chars


@dataclass(slots=True)
class TimexReport:
    """Totals and per-document rows of a TempEval-3 task A evaluation."""

    total: DocScore
    documents: list[DocScore]
    seconds: float = 0.0
    label: str = ""

    @property
    def strict_p(self) -> float:
        return self.total.strict / self.total.predicted if self.total.predicted else 0.0

    @property
    def strict_r(self) -> float:
        return self.total.strict / self.total.gold if self.total.gold else 0.0

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_p, self.strict_r)

    @property
    def relaxed_p(self) -> float:
        return self.total.relaxed / self.total.predicted if self.total.predicted else 0.0

    @property
    def relaxed_r(self) -> float:
        return self.total.relaxed / self.total.gold if self.total.gold else 0.0

    @property
    def relaxed_f1(self) -> float:
        return _f1(self.relaxed_p, self.relaxed_r)

    @property
    def type_acc(self) -> float:
        return self.total.type_ok / self.total.relaxed if self.total.relaxed else 0.0

    @property
    def value_acc(self) -> float:
        return self.total.value_ok / self.total.relaxed if self.total.relaxed else 0.0

    @property
    def value_f1(self) -> float:
        return self.relaxed_f1 * self.value_acc

    @property
    def chars_per_second(self) -> float:
        return self.total.chars / self.seconds if self.seconds else 0.0

    def figures(self) -> dict[str, float]:
        """The headline figures by name."""
        return {
            "strict_p": self.strict_p,
            "strict_r": self.strict_r,
            "strict_f1": self.strict_f1,
            "relaxed_p": self.relaxed_p,
            "relaxed_r": self.relaxed_r,
            "relaxed_f1": self.relaxed_f1,
            "type_acc": self.type_acc,
            "value_acc": self.value_acc,
            "value_f1": self.value_f1,
        }

    def format(self, verbose: bool = False) -> str:
        """A plain-text report; with ``verbose`` one row per document and the errors."""
        t = self.total
        lines = []
        if self.label:
            lines.append(self.label)
        lines.append(
            f"documents {len(self.documents)}  gold {t.gold}  predicted {t.predicted}  "
            f"strict {t.strict}  relaxed {t.relaxed}"
        )
        lines.append(
            f"strict   P {self.strict_p:.3f}  R {self.strict_r:.3f}  F1 {self.strict_f1:.3f}"
        )
        lines.append(
            f"relaxed  P {self.relaxed_p:.3f}  R {self.relaxed_r:.3f}  F1 {self.relaxed_f1:.3f}"
        )
        lines.append(
            f"type accuracy {self.type_acc:.3f}  value accuracy {self.value_acc:.3f}  "
            f"value F1 {self.value_f1:.3f}"
        )
        if self.seconds:
            lines.append(f"speed {self.chars_per_second / 1000:.0f} K chars/s")
        if verbose:
            lines.append("")
            lines.append(f"{'document':<48} {'gold':>5} {'pred':>5} {'rel':>5} {'value':>5}")
            for d in self.documents:
                lines.append(
                    f"{d.name[-48:]:<48} {d.gold:>5} {d.predicted:>5} {d.relaxed:>5} "
                    f"{d.value_ok:>5}"
                )
                for kind, text, gv, pv in d.errors:
                    short = " ".join(text.split())[:50]
                    lines.append(f"    {kind:<8} {short!r:<54} gold={gv} ours={pv}")
        return "\n".join(lines)


def score_document(gold: Sequence[Any], predicted: Sequence[Any], name: str = "") -> DocScore:
    """The TempEval-3 counts of one document's predicted timexes against its gold."""
    d = DocScore(name=name, gold=len(gold), predicted=len(predicted))
    gold_spans = {(g.start, g.end) for g in gold}
    d.strict = sum(1 for p in predicted if (p.start, p.end) in gold_spans)
    pairs: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > 0:
                pairs.append((-ov, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g, p = gold[gi], predicted[pi]
        d.relaxed += 1
        d.type_ok += g.type == p.type
        if g.value == p.value:
            d.value_ok += 1
        else:
            d.errors.append(("value", getattr(g, "text", ""), g.value, f"{p.value} [{p.text!r}]"))
    for gi, g in enumerate(gold):
        if gi not in used_g:
            d.errors.append(("missed", getattr(g, "text", ""), g.value, ""))
    for pi, p in enumerate(predicted):
        if pi not in used_p:
            d.errors.append(("spurious", getattr(p, "text", ""), "", p.value))
    return d


def score_documents(
    pairs: Iterable[tuple[Sequence[Any], Sequence[Any]]],
    *,
    names: Sequence[str] | None = None,
    label: str = "",
) -> TimexReport:
    """Score (gold, predicted) pairs, one per document, with TempEval-3 task A measures."""
    total = DocScore(name="total")
    docs: list[DocScore] = []
    for i, (gold, predicted) in enumerate(pairs):
        name = names[i] if names is not None and i < len(names) else f"doc{i + 1}"
        d = score_document(gold, predicted, name)
        total.add(d)
        docs.append(d)
    return TimexReport(total=total, documents=docs, label=label)


def _guess_language(folder: Path) -> str | None:
    from timeline.temporal.grammar import available_languages

    known = set(available_languages())
    for part in [folder.name, *(p.name for p in folder.parents)]:
        head = part.split("-")[0].split("_")[0].lower()
        if head in known:
            return head
    return None


def evaluate_timex(gold_dir: Path, *, language: str | None = None) -> TimexReport:
    """Tag every ``.tml`` file under ``gold_dir`` (with its DCT) and score it against its gold.

    Ranges are split into their two ends, as TimeML annotates them.

    The language comes from ``language`` or the folder name's prefix (``fr-timebank-train``).
    Raises :class:`GoldError` for a folder without TimeML files and :class:`UsageError` when the
    language cannot be told.
    """
    from timeline.temporal import tag
    from timeline.timeml import read_tml

    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.rglob("*.tml")) if gold_dir.is_dir() else [gold_dir]
    if not files or not all(f.is_file() for f in files):
        raise GoldError(f"{gold_dir}: no .tml files found")
    lang = language or _guess_language(gold_dir.resolve())
    if lang is None:
        raise UsageError(
            f"{gold_dir}: cannot tell the language from the folder name; give it explicitly"
        )
    from timeline.temporal.grammar import load

    load(lang).warm()
    pairs = []
    names = []
    chars = 0
    seconds = 0.0
    for f in files:
        doc = read_tml(f)
        t0 = time.process_time()
        predicted = tag(doc.text, lang, doc.dct, split_ranges=True)
        seconds += time.process_time() - t0
        chars += len(doc.text)
        pairs.append((list(doc.timexes), predicted))
        names.append(str(f.relative_to(gold_dir)) if gold_dir.is_dir() else f.name)
    report = score_documents(pairs, names=names, label=f"{gold_dir.name} ({lang})")
    report.total.chars = chars
    report.seconds = seconds
    return report
