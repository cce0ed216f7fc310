"""Indented JSON as :func:`json.dumps` writes it, several times faster (:func:`json_text`).

The data files (``timeline.json``, ``graph.json``, ``events.json``, ``timelinejs.json``) are
indented, and the standard library encodes indented JSON in pure Python, one generator per
container; at 10,000 documents that was seconds per file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

__all__ = ["json_text"]


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
