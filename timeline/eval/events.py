"""Score extracted events against a gold folder (``timeline eval events GOLD_DIR``).

A gold folder holds, per document, ``STEM.txt``, ``STEM.meta.json`` and ``STEM.events.json``
(the layout of ../shared/corpus/dev). Predictions are the document objects of
``timeline extract`` (EVENTS.md shape), made on the spot or read from a folder of
``STEM.json`` files.

Measures (all micro-averaged over the folder):

- **events**: precision / recall / F1 of (date, type) pairs. Each predicted event is matched
  at most once to a gold event with the same date (``null`` matches ``null``) and type; gold
  events marked ``optional`` count as hits when matched and are not counted as misses.
- **dates**: the same on dates alone (events without a date are left out).
- **status**: accuracy of ``status`` over the matched (date, type) pairs.
- **celex**: recall of the CELEX numbers named in a document's gold events among those of its
  predicted events.
- **document date** and **language**: accuracy of the document fields.
- **translations**: agreement between translations (documents sharing a meta ``parallel``
  tag): the mean, over pairs of translations, of the F1 between their predicted (date, type)
  multisets.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from timeline.errors import GoldError, TimelineError

Key = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One gold document: its stem, text path, meta and gold events."""

    stem: str
    text_path: Path
    meta: dict[str, Any]
    gold: dict[str, Any]


@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives, with the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class DocumentScore:
    """The scores of one document, with what was missed and what was wrongly found."""

    stem: str
    events: Counts
    dates: Counts
    status_right: int
    status_total: int
    celex_found: int
    celex_total: int
    date_right: bool
    language_right: bool
    predicted_date: str | None
    gold_date: str | None
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    confusions: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class EventReport:
    """The scores of a whole gold folder."""

    documents: list[DocumentScore]
    translation_pairs: list[tuple[str, str, float]]
    errors: list[str] = field(default_factory=list)

    @property
    def events(self) -> Counts:
        return _sum(d.events for d in self.documents)

    @property
    def dates(self) -> Counts:
        return _sum(d.dates for d in self.documents)

    @property
    def status_accuracy(self) -> float:
        total = sum(d.status_total for d in self.documents)
        return sum(d.status_right for d in self.documents) / total if total else 1.0

    @property
    def celex_recall(self) -> float:
        total = sum(d.celex_total for d in self.documents)
        return sum(d.celex_found for d in self.documents) / total if total else 1.0

    @property
    def document_date_accuracy(self) -> float:
        n = len(self.documents)
        return sum(d.date_right for d in self.documents) / n if n else 1.0

    @property
    def language_accuracy(self) -> float:
        n = len(self.documents)
        return sum(d.language_right for d in self.documents) / n if n else 1.0

    @property
    def translation_agreement(self) -> float:
        pairs = self.translation_pairs
        return sum(score for _, _, score in pairs) / len(pairs) if pairs else 1.0

    @property
    def confusions(self) -> Counter[tuple[str, str]]:
        return Counter(c for d in self.documents for c in d.confusions)

    def figures(self) -> dict[str, float]:
        """Every headline figure, rounded to three decimals."""
        ev, da = self.events, self.dates
        return {
            "event_precision": round(ev.precision, 3),
            "event_recall": round(ev.recall, 3),
            "event_f1": round(ev.f1, 3),
            "date_precision": round(da.precision, 3),
            "date_recall": round(da.recall, 3),
            "date_f1": round(da.f1, 3),
            "status_accuracy": round(self.status_accuracy, 3),
            "celex_recall": round(self.celex_recall, 3),
            "document_date_accuracy": round(self.document_date_accuracy, 3),
            "language_accuracy": round(self.language_accuracy, 3),
            "translation_agreement": round(self.translation_agreement, 3),
        }

    def format(self, verbose: bool = False) -> str:
        """A plain-text report; the last three lines carry the headline figures."""
        lines: list[str] = []
        if verbose:
            lines.append(
                f"{'document':<36} {'gold':>4} {'pred':>4} {'tp':>3} {'fp':>3} {'fn':>3}"
                f" {'F1':>5}  doc-date"
            )
            for d in self.documents:
                gold_n = d.events.tp + d.events.fn
                pred_n = d.events.tp + d.events.fp
                mark = "ok" if d.date_right else f"{d.predicted_date} != {d.gold_date}"
                lines.append(
                    f"{d.stem:<36} {gold_n:>4} {pred_n:>4} {d.events.tp:>3} {d.events.fp:>3}"
                    f" {d.events.fn:>3} {d.events.f1:>5.2f}  {mark}"
                )
            lines.append("")
            for d in self.documents:
                for m in d.misses:
                    lines.append(f"miss        {d.stem}: {_describe(m)}")
                for f in d.false_alarms:
                    lines.append(f"false alarm {d.stem}: {_describe(f)}")
            confusions = self.confusions
            if confusions:
                lines.append("")
                lines.append("type confusions on the same date (gold -> predicted): count")
                for (gold, pred), n in sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0])):
                    lines.append(f"  {gold} -> {pred}: {n}")
            if self.translation_pairs:
                lines.append("")
                lines.append("translation agreement (F1 of predicted (date, type) between translations)")
                for a, b, score in self.translation_pairs:
                    lines.append(f"  {a} ~ {b}: {score:.2f}")
            lines.append("")
        for error in self.errors:
            lines.append(f"error (scored as nothing found): {error}")
        f = self.figures()
        ev = self.events
        lines.append(
            f"documents {len(self.documents)}  gold events {ev.tp + ev.fn}  predicted {ev.tp + ev.fp}"
        )
        lines.append(
            f"events P {f['event_precision']:.3f} R {f['event_recall']:.3f} F1 {f['event_f1']:.3f}"
            f" | dates P {f['date_precision']:.3f} R {f['date_recall']:.3f} F1 {f['date_f1']:.3f}"
        )
        lines.append(
            f"status {f['status_accuracy']:.3f} | CELEX recall {f['celex_recall']:.3f}"
            f" | doc date {f['document_date_accuracy']:.3f} | language {f['language_accuracy']:.3f}"
            f" | translations {f['translation_agreement']:.3f}"
        )
        return "\n".join(lines)


def _sum(items: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in items:
        total.add(c)
    return total


def _describe(event: Mapping[str, Any]) -> str:
    timex = event.get("timex") or {}
    summary = (event.get("summary") or "").replace("\n", " ")
    if len(summary) > 90:
        summary = summary[:87] + "..."
    return (
        f"{event.get('date')} {event.get('type')} [{event.get('status')}]"
        f" «{timex.get('text')}» {summary}"
    )


def read_gold_folder(gold_dir: str | Path) -> list[GoldDocument]:
    """Read every ``STEM.events.json`` of a folder with its ``.txt`` and ``.meta.json``."""
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise GoldError(f"{folder}: not a folder of gold files (STEM.txt + STEM.events.json)")
    docs: list[GoldDocument] = []
    for gold_path in sorted(folder.glob("*.events.json")):
        stem = gold_path.name[: -len(".events.json")]
        text_path = folder / f"{stem}.txt"
        if not text_path.is_file():
            raise GoldError(f"{gold_path}: no text file {text_path.name} beside it")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            meta_path = folder / f"{stem}.meta.json"
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        except (OSError, ValueError) as exc:
            raise GoldError(f"{gold_path}: cannot read gold file ({exc})") from exc
        docs.append(GoldDocument(stem, text_path, meta, gold))
    if not docs:
        raise GoldError(f"{folder}: no gold files (*.events.json) in this folder")
    return docs


def _key(event: Mapping[str, Any]) -> Key:
    return (event.get("date"), str(event.get("type")))


def _match(
    gold: list[Mapping[str, Any]], predicted: list[Mapping[str, Any]], key: Callable[[Any], Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair predicted with gold events of equal key; required gold events are paired first.

    Returns the pairs (gold index, predicted index), the unpaired predicted indexes and the
    unpaired required gold indexes.
    """
    order = sorted(range(len(gold)), key=lambda i: bool(gold[i].get("optional")))
    free_gold: dict[Any, list[int]] = {}
    for i in order:
        free_gold.setdefault(key(gold[i]), []).append(i)
    pairs: list[tuple[int, int]] = []
    unpaired_pred: list[int] = []
    for j, event in enumerate(predicted):
        candidates = free_gold.get(key(event))
        if candidates:
            pairs.append((candidates.pop(0), j))
        else:
            unpaired_pred.append(j)
    paired_gold = {i for i, _ in pairs}
    missed = [i for i in range(len(gold)) if i not in paired_gold and not gold[i].get("optional")]
    return pairs, unpaired_pred, missed


def _celexes(events: Iterable[Mapping[str, Any]]) -> set[str]:
    return {
        str(act["celex"]).upper()
        for event in events
        for act in event.get("acts") or []
        if act.get("celex")
    }


def score_document(doc: GoldDocument, prediction: Mapping[str, Any]) -> DocumentScore:
    """Score one document's prediction (EVENTS.md document object) against its gold."""
    gold_events: list[Mapping[str, Any]] = list(doc.gold.get("events") or [])
    pred_events: list[Mapping[str, Any]] = list(prediction.get("events") or [])

    pairs, fps, fns = _match(gold_events, pred_events, _key)
    events = Counts(tp=len(pairs), fp=len(fps), fn=len(fns))
    status_right = sum(
        1 for i, j in pairs if gold_events[i].get("status") == pred_events[j].get("status")
    )

    gold_dated = [e for e in gold_events if e.get("date")]
    pred_dated = [e for e in pred_events if e.get("date")]
    dpairs, dfps, dfns = _match(gold_dated, pred_dated, lambda e: e.get("date"))
    dates = Counts(tp=len(dpairs), fp=len(dfps), fn=len(dfns))

    # Type confusions: unpaired gold and predicted events on the same date.
    confusions: list[tuple[str, str]] = []
    spare_pred = list(fps)
    for i in fns:
        for j in spare_pred:
            if pred_events[j].get("date") == gold_events[i].get("date"):
                confusions.append((str(gold_events[i].get("type")), str(pred_events[j].get("type"))))
                spare_pred.remove(j)
                break

    gold_celex = _celexes(gold_events)
    pred_celex = _celexes(pred_events)
    gold_doc = doc.gold.get("document") or {}
    pred_doc = prediction.get("document") or {}
    gold_date = gold_doc.get("date", doc.meta.get("date"))
    gold_lang = gold_doc.get("language", doc.meta.get("language"))
    return DocumentScore(
        stem=doc.stem,
        events=events,
        dates=dates,
        status_right=status_right,
        status_total=len(pairs),
        celex_found=len(gold_celex & pred_celex),
        celex_total=len(gold_celex),
        date_right=pred_doc.get("date") == gold_date,
        language_right=pred_doc.get("language") == gold_lang,
        predicted_date=pred_doc.get("date"),
        gold_date=gold_date,
        misses=[dict(gold_events[i]) for i in fns],
        false_alarms=[dict(pred_events[j]) for j in fps],
        confusions=confusions,
    )


def _multiset_f1(a: Iterable[Key], b: Iterable[Key]) -> float:
    ca, cb = Counter(a), Counter(b)
    if not ca and not cb:
        return 1.0
    common = sum((ca & cb).values())
    total = sum(ca.values()) + sum(cb.values())
    return 2 * common / total if total else 1.0


def evaluate_events(
    gold_dir: str | Path,
    predict: Callable[[GoldDocument], Mapping[str, Any]] | None = None,
    *,
    predictions_dir: str | Path | None = None,
) -> EventReport:
    """Score predictions for every document of ``gold_dir``.

    Predictions come from ``predict`` (called with each :class:`GoldDocument`), or from
    ``predictions_dir/STEM.json`` files (a document object each; a missing file counts as a
    document with no events), or, by default, from the extraction pipeline run on each text
    with its sidecar metadata ignored, so that language and document date are detected.
    """
    docs = read_gold_folder(gold_dir)
    if predict is None:
        if predictions_dir is not None:
            predict = _reader(Path(predictions_dir))
        else:
            predict = _pipeline_predict
    scores: list[DocumentScore] = []
    predicted_keys: dict[str, list[Key]] = {}
    errors: list[str] = []
    for doc in docs:
        try:
            prediction = predict(doc)
        except TimelineError as exc:  # scored as a document with nothing found
            errors.append(f"{doc.stem}: {exc}")
            prediction = {"document": {}, "events": []}
        scores.append(score_document(doc, prediction))
        predicted_keys[doc.stem] = [_key(e) for e in prediction.get("events") or []]

    groups: dict[str, list[str]] = {}
    for doc in docs:
        tag = doc.meta.get("parallel")
        if tag:
            groups.setdefault(str(tag), []).append(doc.stem)
    pairs = [
        (a, b, _multiset_f1(predicted_keys[a], predicted_keys[b]))
        for _, stems in sorted(groups.items())
        for a, b in combinations(sorted(stems), 2)
    ]
    return EventReport(scores, pairs, errors)


def _reader(folder: Path) -> Callable[[GoldDocument], Mapping[str, Any]]:
    def read(doc: GoldDocument) -> Mapping[str, Any]:
        path = folder / f"{doc.stem}.json"
        if not path.is_file():
            return {"document": {}, "events": []}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise GoldError(f"{path}: not valid JSON ({exc})") from exc
        if isinstance(data, list):
            data = data[0] if data else {"document": {}, "events": []}
        return data

    return read


def _pipeline_predict(doc: GoldDocument) -> Mapping[str, Any]:
    from timeline.pipeline import extract_path

    return extract_path(doc.text_path, use_sidecar=False).to_dict()
