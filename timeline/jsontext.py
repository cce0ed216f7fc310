"""Indented JSON as :func:`json.dumps` writes it, several times faster (:func:`json_text`).

The data files (``timeline.json``, ``graph.json``, ``events.json``, ``timelinejs.json``) are
indented, and the standard library encodes indented JSON in pure Python, one generator per
container; at 10,000 documents that was seconds per file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timeline.model import Extraction

__all__ = ["extractions_json", "json_text"]


class _Unsupported(Exception):
    """A value the fast encoder leaves to :func:`json.dumps` (a non-string key, a subclass)."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _encoder(indent: int, sort_keys: bool) -> Callable[[Any, list[str], int], None]:
    """A function appending the JSON of a value at a nesting depth to a list of strings."""
    enc = encode_basestring
    # ",\n" + the indentation + the encoded key + ": ", per depth and key: the same few keys
    # recur thousands of times
    prefixes: list[dict[str, str]] = []
    closers: list[str] = []

    def level(depth: int) -> dict[str, str]:
        while len(prefixes) <= depth:
            closers.append("\n" + " " * (indent * len(closers)))
            prefixes.append({})
        return prefixes[depth]

    def value(o: Any, out: list[str], depth: int) -> None:
        t = type(o)
        if t is str:
            out.append(enc(o))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif t is int:
            out.append(int.__repr__(o))
        elif t is float:
            out.append(_float(o))
        elif t is dict:
            if not o:
                out.append("{}")
                return
            keys = level(depth + 1)
            append = out.append
            append("{")
            first = True
            for k, v in sorted(o.items()) if sort_keys else o.items():
                p = keys.get(k)
                if p is None:
                    if type(k) is not str:
                        raise _Unsupported(k)
                    p = keys[k] = ",\n" + " " * (indent * (depth + 1)) + enc(k) + ": "
                if first:
                    append(p[1:])
                    first = False
                else:
                    append(p)
                if type(v) is str:
                    append(enc(v))
                elif v is None:
                    append("null")
                else:
                    value(v, out, depth + 1)
            append(closers[depth])
            append("}")
        elif t is list or t is tuple:
            if not o:
                out.append("[]")
                return
            level(depth + 1)
            sep = closers[depth + 1]
            append = out.append
            append("[")
            first = True
            for v in o:
                if first:
                    append(sep)
                    first = False
                else:
                    append(",")
                    append(sep)
                if type(v) is str:
                    append(enc(v))
                else:
                    value(v, out, depth + 1)
            append(closers[depth])
            append("]")
        else:
            raise _Unsupported(o)

    level(0)
    return value


def json_text(data: Any, *, indent: int = 1, sort_keys: bool = True, depth: int = 0) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)``, faster.

    With ``depth`` > 0, ``data`` is written as a value nested ``depth`` levels deep in an
    indented document: its lines after the first continue ``depth`` indents in (the pieces of
    a list written element by element, such as ``events.json``'s documents).

    The standard library encodes indented JSON in pure Python, one generator per container;
    this writes the same characters from plain dicts, lists, tuples, strings, numbers, booleans
    and None several times faster (strings are still escaped by the C encoder). Anything else
    (a key that is not a string, a subclass of a builtin, a cycle) is left to
    :func:`json.dumps`, so its output and errors are exactly the standard library's.
    """
    out: list[str] = []
    try:
        _encoder(indent, sort_keys)(data, out, depth)
    except (_Unsupported, RecursionError, TypeError):
        text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
        # JSON strings hold no raw newline: every newline starts a line of the layout
        return text.replace("\n", "\n" + " " * (indent * depth)) if depth else text
    return "".join(out)


# --- ``timeline extract --format json``: the extractions written directly ---------------------


def _str_or_null(v: Any) -> str:
    if type(v) is str:
        return encode_basestring(v)
    if v is None:
        return "null"
    raise _Unsupported(v)


def _int_or_null(v: Any) -> str:
    if type(v) is int:
        return int.__repr__(v)
    if v is None:
        return "null"
    raise _Unsupported(v)


def _strings(items: Any, inner: str, outer: str) -> str:
    """A list of strings: ``[]``, or one per line at ``inner`` closed at ``outer``."""
    if not items:
        return "[]"
    return "[" + inner + ("," + inner).join(map(_str_or_null, items)) + outer + "]"


class _ExtractionWriter:
    """The characters of ``json_text([x.to_dict() for x in xs], indent=2, sort_keys=False)``
    for extractions, written from their fields: no dict per event and no generic walk of one
    (about a third of the cost at 10,000 documents). Any value the contract's layout does not
    expect (a subclass of ``str``, a float where an int goes) raises :class:`_Unsupported`,
    and that extraction is written by :func:`json_text` from its ``to_dict``."""

    def __init__(self) -> None:
        n = ["\n" + " " * (2 * k) for k in range(8)]
        self.n = n
        self.generic = _encoder(2, False)
        # keys of an event (depth 3, keys at depth 4) and of its nested values
        k4 = ",\n" + " " * 8
        self.ev_keys = {
            k: k4 + encode_basestring(k) + ": "
            for k in ("date", "precision", "earliest", "latest", "status", "type", "acts",
                      "procedures", "actors", "summary", "timex", "amounts", "provenance")
        }

    def extraction(self, x: Any, out: list[str]) -> None:
        """Append the JSON of one extraction as an item of the top-level list (depth 1)."""
        n = self.n
        d = x.document
        out.append(
            "{" + n[2] + '"document": {'
            + n[3] + '"path": ' + _str_or_null(d.path)
            + "," + n[3] + '"title": ' + _str_or_null(d.title)
            + "," + n[3] + '"language": ' + _str_or_null(d.language)
            + "," + n[3] + '"date": ' + _str_or_null(d.date)
            + "," + n[3] + '"reference": ' + _str_or_null(d.reference)
            + "," + n[3] + '"url": ' + _str_or_null(d.url)
            + n[2] + "}," + n[2] + '"events": '
        )
        events = x.events
        if not events:
            out.append("[]" + n[1] + "}")
            return
        out.append("[")
        first = True
        for e in events:
            out.append(n[3] if first else "," + n[3])
            first = False
            self.event(e, out)
        out.append(n[2] + "]" + n[1] + "}")

    def event(self, e: Any, out: list[str]) -> None:
        """Append the JSON of one event at depth 3 (an item of a document's ``events``)."""
        n = self.n
        k = self.ev_keys
        acts = e.acts
        if acts:
            acts_text = "[" + n[5] + ("," + n[5]).join(
                "{" + n[6] + '"celex": ' + _str_or_null(a.celex)
                + "," + n[6] + '"label": ' + _str_or_null(a.label) + n[5] + "}"
                for a in acts
            ) + n[4] + "]"
        else:
            acts_text = "[]"
        t = e.timex
        if t is None:
            timex_text = "null"
            timex_rule = "null"
        else:
            timex_text = (
                "{" + n[5] + '"text": ' + _str_or_null(t.text)
                + "," + n[5] + '"value": ' + _str_or_null(t.value)
                + "," + n[5] + '"span": [' + n[6] + _int_or_null(t.start) + "," + n[6]
                + _int_or_null(t.end) + n[5] + "]" + n[4] + "}"
            )
            timex_rule = _str_or_null(t.rule)
        if e.amounts:
            pieces: list[str] = []
            self.generic(
                [{"value": a.value, "currency": a.currency, "text": a.text} for a in e.amounts],
                pieces, 4,
            )
            amounts_text = "".join(pieces)
        else:
            amounts_text = "[]"
        span = e.sentence_span
        if type(span) is not tuple:
            raise _Unsupported(span)
        out.append(
            "{" + n[4] + '"date": ' + _str_or_null(e.date)
            + k["precision"] + _str_or_null(e.precision)
            + k["earliest"] + _str_or_null(e.earliest)
            + k["latest"] + _str_or_null(e.latest)
            + k["status"] + _str_or_null(e.status)
            + k["type"] + _str_or_null(e.type)
            + k["acts"] + acts_text
            + k["procedures"] + _strings(e.procedures, n[5], n[4])
            + k["actors"] + _strings(e.actors, n[5], n[4])
            + k["summary"] + _str_or_null(e.summary)
            + k["timex"] + timex_text
            + k["amounts"] + amounts_text
            + k["provenance"] + "{" + n[5] + '"sentence_span": '
            + ("[" + n[6] + ("," + n[6]).join(map(_int_or_null, span)) + n[5] + "]" if span else "[]")
            + "," + n[5] + '"rule": ' + _str_or_null(e.rule)
            + "," + n[5] + '"timex_rule": ' + timex_rule
            + "," + n[5] + '"page": ' + _int_or_null(e.page)
            + n[4] + "}" + n[3] + "}"
        )


def extractions_json(extractions: Sequence[Extraction]) -> str:
    """``json_text([x.to_dict() for x in extractions], indent=2, sort_keys=False)``: the
    output of ``timeline extract --format json``, written from the extractions' fields
    (:meth:`Extraction.to_dict <timeline.model.Extraction.to_dict>` stays the contract; a
    test holds both equal)."""
    if not extractions:
        return "[]"
    writer = _ExtractionWriter()
    out: list[str] = ["["]
    for i, x in enumerate(extractions):
        out.append("\n  " if i == 0 else ",\n  ")
        mark = len(out)
        try:
            writer.extraction(x, out)
        except _Unsupported:
            del out[mark:]
            out.append(json_text(x.to_dict(), indent=2, sort_keys=False, depth=1))
    out.append("\n]")
    return "".join(out)
