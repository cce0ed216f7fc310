"""The pipeline: load -> temporal -> events -> link -> render.

The cascade for one document (:func:`extract_document`):

1. **load** (``timeline.load``): the file becomes a :class:`~timeline.model.Document` — its
   extracted text (every offset refers to it) and the metadata found in a sidecar
   ``STEM.meta.json``, YAML front matter, HTML meta tags or PDF metadata.
2. **language**: given on the command line, else the sidecar's, else detected from the text.
3. **time expressions** (``timeline.temporal.find``): every time expression with its span and an
   unanchored value.
4. **document date**: given, else the metadata's, else read from the text's header
   ("Bruxelles, le 3 mars 2009") by ``timeline.events.document_date``; never today.
5. **anchoring** (``timeline.temporal.anchor``): relative expressions resolved against it.
6. **events** (``timeline.events.extract_events``): typed, dated events with status, acts,
   procedures, actors and provenance.

For a corpus (:func:`build`): every document is extracted, bad ones reported and skipped, the
events linked across documents into a :class:`~timeline.model.Timeline`
(``timeline.link``) and written out (``timeline.render``), each file atomically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from timeline import events as events_stage
from timeline import load as load_stage
from timeline import temporal
from timeline.errors import InputError, TimelineError, UsageError
from timeline.fileio import write_atomic
from timeline.model import Document, Extraction, Timeline, Timex

#: The folder ``timeline build`` reads when given no input.
DEFAULT_SOURCES = Path(__file__).resolve().parent.parent / "sources"


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be used, and why (one line)."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What :func:`extract` made of a batch: the extractions in input order, and the failures."""

    extractions: tuple[Extraction, ...]
    failures: tuple[Failure, ...]

    def to_json(self) -> list[dict[str, object]]:
        """The document objects of EVENTS.md, in input order."""
        return [x.to_dict() for x in self.extractions]


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What :func:`build` wrote."""

    timeline: Timeline
    extractions: tuple[Extraction, ...]
    failures: tuple[Failure, ...]
    outputs: tuple[Path, ...]


def _check_date(date: str | None) -> str | None:
    if date is None:
        return None
    import datetime as _dt

    try:
        return _dt.date.fromisoformat(date).isoformat()
    except ValueError:
        raise UsageError(f"--date {date!r} is not a date of the form YYYY-MM-DD") from None


def anchor_document(
    document: Document, *, date: str | None = None, language: str | None = None
) -> tuple[Document, list[Timex]]:
    """Settle a document's language and own date, and find its anchored time expressions.

    Steps 2 to 5 of the cascade: ``date`` and ``language`` override the document's metadata,
    which overrides detection. Returns the document with both fields set, and its timexes.
    """
    date = _check_date(date)
    lang = language or document.language or load_stage.detect_language(document.text) or "en"
    found = temporal.find(document.text, lang)
    dct = date or document.date or events_stage.document_date(document.text, lang, found)
    timexes = temporal.anchor(found, dct, document.text)
    return replace(document, language=lang, date=dct), timexes


def extract_document(
    document: Document, *, date: str | None = None, language: str | None = None
) -> Extraction:
    """Find the events of one loaded document.

    ``date`` and ``language`` override what the document's metadata says and what would be
    detected. Relative expressions are anchored to the document's date, never to today.
    """
    doc, timexes = anchor_document(document, date=date, language=language)
    events = events_stage.extract_events(doc, timexes)
    return Extraction(document=doc, events=tuple(events), timexes=tuple(timexes))


def tag_path(
    path: str | Path,
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
) -> str:
    """The document at ``path`` as TimeML: its text with TIMEX3 tags, its date as DCT.

    A ``.tml`` input keeps its text unchanged, and its own DCT unless ``date`` is given.
    """
    from timeline.timeml import to_timeml

    document = load_stage.load_document(path, use_sidecar=use_sidecar)
    doc, timexes = anchor_document(document, date=date, language=language)
    return to_timeml(doc.text, timexes, doc.date)


def extract_path(
    path: str | Path,
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
) -> Extraction:
    """Load one file and find its events (raises :class:`~timeline.errors.InputError`)."""
    document = load_stage.load_document(path, use_sidecar=use_sidecar)
    return extract_document(document, date=date, language=language)


def _documents(
    inputs: Sequence[str | Path], *, use_sidecar: bool, include: Sequence[str], exclude: Sequence[str]
) -> Iterable[Document | Failure]:
    for item in load_stage.iter_inputs(
        [str(i) for i in inputs], include=include, exclude=exclude
    ):
        if isinstance(item, InputError):
            yield Failure(item.path, item.problem)
            continue
        try:
            if str(item) == "-":
                import sys

                yield load_stage.load_text(sys.stdin.read(), path="-")
            else:
                yield load_stage.load_document(item, use_sidecar=use_sidecar)
        except InputError as exc:
            yield Failure(exc.path, exc.problem)


def extract(
    inputs: Sequence[str | Path],
    *,
    date: str | None = None,
    language: str | None = None,
    use_sidecar: bool = True,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> ExtractResult:
    """Extract the events of every input file or folder, in input order.

    A file that cannot be read is recorded in ``failures`` and skipped; the others are still
    processed. Raises :class:`~timeline.errors.UsageError` for a malformed ``date``.
    """
    date = _check_date(date)
    extractions: list[Extraction] = []
    failures: list[Failure] = []
    for item in _documents(inputs, use_sidecar=use_sidecar, include=include, exclude=exclude):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        try:
            extractions.append(extract_document(item, date=date, language=language))
        except TimelineError as exc:
            failures.append(Failure(item.path, str(exc)))
    return ExtractResult(tuple(extractions), tuple(failures))


def build(
    inputs: Sequence[str | Path] | None = None,
    outdir: str | Path = "output",
    *,
    formats: Sequence[str] | None = None,
    act: str | None = None,
    procedure: str | None = None,
    dossier: str | None = None,
    date: str | None = None,
    language: str | None = None,
) -> BuildResult:
    """Extract, link and render a corpus (the bundled ``sources/`` when ``inputs`` is empty).

    Writes ``events.json`` (the extract output), ``timeline.json``, ``graph.graphml``,
    ``graph.json`` and the rendered formats (all by default) into ``outdir``, each atomically.
    Raises :class:`~timeline.errors.UsageError` when no input gives a usable document.
    """
    from timeline import link, render

    sources = list(inputs) if inputs else [DEFAULT_SOURCES]
    # The bundled folder documents itself in a README that is not one of its documents.
    exclude = () if inputs else ("README.md",)
    result = extract(sources, date=date, language=language, exclude=exclude)
    if not result.extractions:
        raise NothingUsableError(result.failures)
    timeline = link.link(result.extractions)
    if act or procedure or dossier:
        timeline = link.select(timeline, act=act, procedure=procedure, dossier=dossier)
    out = Path(outdir)
    written: list[Path] = []
    written.append(
        write_atomic(
            out / "events.json",
            json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=False) + "\n",
        )
    )
    written.append(write_atomic(out / "timeline.json", link.timeline_to_json(timeline)))
    graph = link.build_graph(result.extractions, timeline)
    written.append(link.write_graphml(graph, out / "graph.graphml"))
    written.append(link.write_graph_json(graph, out / "graph.json"))
    written.extend(render.render(timeline, out, formats))
    return BuildResult(timeline, result.extractions, result.failures, tuple(sorted(set(written))))


class NothingUsableError(TimelineError):
    """No input gave a usable document (exit code 3 on the command line)."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        super().__init__(f"no usable document among the inputs ({len(failures)} failed)")
        self.failures = tuple(failures)
