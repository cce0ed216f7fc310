"""Stage 4: link events across documents and languages into a timeline and a graph.

- :func:`extraction_from_dict` reads the EVENTS.md contract (``timeline extract`` output, gold
  files) back into :class:`~timeline.model.Extraction` objects.
- :func:`link` merges the events of many documents into a :class:`~timeline.model.Timeline`:
  merged entries keeping every source, date conflicts, planned -> actual with delays, acts known
  by title resolved to CELEX, dossiers of connected acts and procedures.
- :func:`build_graph` makes the networkx graph of documents, events, acts, procedures, actors and
  dossiers; :func:`write_graphml` and :func:`write_graph_json` export it.
- :func:`timeline_to_json`, :func:`select` and :func:`evaluate_timeline` serve
  ``timeline build`` and ``timeline eval timeline``.

This package is the only one that imports networkx.
"""

from __future__ import annotations

from timeline.link.contract import extraction_from_dict
from timeline.link.evaluate import TimelineReport, evaluate_timeline
from timeline.link.export import select, timeline_to_dict, timeline_to_json
from timeline.link.graph import (
    build_graph,
    graph_from_json,
    graph_to_json,
    write_graph_json,
    write_graphml,
)
from timeline.link.linker import link

__all__ = [
    "TimelineReport",
    "build_graph",
    "evaluate_timeline",
    "extraction_from_dict",
    "graph_from_json",
    "graph_to_json",
    "link",
    "select",
    "timeline_to_dict",
    "timeline_to_json",
    "write_graph_json",
    "write_graphml",
]
