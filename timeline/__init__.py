"""policy-timeline: dated events in public policy texts, linked into legislative timelines.

The pipeline, one stage per subpackage::

    load (Document) -> temporal (Timex) -> events (Event) -> link (Timeline) -> render (files)

Library entry points: :func:`extract` (files -> events, the EVENTS.md contract),
:func:`extract_document` (one loaded :class:`Document`), and :func:`build` (files -> linked
timeline -> output files). Errors derive from :class:`TimelineError`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from timeline._native import guard as _guard

_guard()  # first: decides whether the compiled modules may load (timeline/_native.py)

from timeline.errors import GoldError, InputError, ResourceError, TimelineError, UsageError
from timeline.model import (
    ActRef,
    Amount,
    Document,
    Dossier,
    Entry,
    Event,
    Extraction,
    Source,
    Timeline,
    Timex,
)
from timeline.pipeline import (
    BuildResult,
    ExtractResult,
    Failure,
    NothingUsableError,
    build,
    extract,
    extract_document,
    extract_path,
)

__all__ = [
    "ActRef",
    "Amount",
    "BuildResult",
    "Document",
    "Dossier",
    "Entry",
    "Event",
    "ExtractResult",
    "Extraction",
    "Failure",
    "GoldError",
    "InputError",
    "NothingUsableError",
    "ResourceError",
    "Source",
    "Timeline",
    "TimelineError",
    "Timex",
    "UsageError",
    "__version__",
    "build",
    "extract",
    "extract_document",
    "extract_path",
]
