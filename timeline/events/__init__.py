"""Stage 3: from time expressions to policy events.

    extract_events(document, timexes) -> typed, dated events with status, acts, actors
    document_date(text, language, timexes) -> the document's own date read from its text
    find_acts(text, language) -> legal acts with CELEX numbers
    find_procedures(text) -> canonical procedure references, 2010/0064(COD)

Every language-specific word lives in ``timeline/resources/<lang>/events.toml`` and
``actors.toml``; act kinds, CELEX and procedure patterns in ``resources/common/``.
"""

from __future__ import annotations

from timeline.events.acts import find_acts, find_procedures
from timeline.events.dates import document_date
from timeline.events.entities import find_actors, find_amounts
from timeline.events.extract import extract_events

__all__ = [
    "document_date",
    "extract_events",
    "find_actors",
    "find_acts",
    "find_amounts",
    "find_procedures",
]
