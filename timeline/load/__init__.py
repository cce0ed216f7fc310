"""Stage 1, load: documents as users have them (text, Markdown, HTML, PDF, TimeML) to Documents.

The cascade (each step in its own module, each outside library behind one of them):

1. ``inputs``: files, folders (recursive, sorted, include/exclude globs) and ``-``; a bad input
   becomes an :class:`~timeline.errors.InputError` item and the batch goes on;
2. ``document``: checks (exists, readable, not empty, not over ``max_bytes``), choice of reader;
3. ``decode`` (charset-normalizer): BOM, declared charset, UTF-8, then a guess;
4. ``html`` (trafilatura, lxml) / ``pdf`` (pypdf) / ``timeml`` (ElementTree): text and metadata;
5. ``metadata``: sidecar ``STEM.meta.json``, YAML front matter, the header's own reference;
6. ``language`` (lingua): the EU language of the body.

The document's date comes only from metadata here (sidecar, front matter, HTML meta tags, PDF
metadata, TimeML DCT); reading it from the text is ``timeline.events.document_date``'s job.
"""

from __future__ import annotations

from timeline.load.document import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CHARS,
    FORMATS,
    load_bytes,
    load_document,
    load_text,
)
from timeline.load.inputs import InputItem, iter_inputs
from timeline.load.language import detect_language
from timeline.load.metadata import find_reference

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "FORMATS",
    "InputItem",
    "detect_language",
    "find_reference",
    "iter_inputs",
    "load_bytes",
    "load_document",
    "load_text",
]
