"""policy-timeline: dated events in public policy texts, linked into legislative timelines.

The pipeline, one stage per subpackage::

    load (Document) -> temporal (Timex) -> events (Event) -> link (Timeline) -> render (files)

Library entry points: :func:`extract` (documents -> events, the EVENTS.md contract) and
:func:`build` (documents -> linked timeline -> output files).
"""

from __future__ import annotations

__version__ = "0.1.0"
