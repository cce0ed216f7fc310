#!/usr/bin/env python3
"""Long fuzz run of extraction and the loaders (issue 9): minutes of random, seeded inputs.

Not part of the test suite (it runs for minutes); the suite's short version is
``tests/test_properties.py``. Every input is drawn from a :class:`random.Random` seeded by
``--seed``, so a run is reproducible and a finding can be replayed with the same seed.

Inputs (mixed in fixed proportions):

* ``unicode``: random code points from every plane, surrogates excluded;
* ``bytes``: random bytes decoded leniently (``errors="replace"``), and written as files;
* ``dense``: dense mixes of digits, dots, slashes, dashes, spaces and the month, weekday, unit
  and season words of every resource language (read from ``timeline.temporal``), plus act and
  procedure numbers, quarters, brackets and bidi/zero-width/control characters;
* ``long``: the same pieces repeated into 20,000-100,000-character texts (the time bound);
* ``link-render`` (only with ``--kinds``): one to four dense texts extracted, linked, and rendered
  to every text format (JSON, GraphML, HTML, CSV, ICS, TimelineJS, Markdown), each parsed back
  (json, xml.etree, icalendar, csv), CSV cells checked for formula triggers, ICS lines for 75 octets;
* loader inputs written to files and read by ``timeline.load.load_document``: ``.txt`` (random
  bytes or encodings), ``.html`` (nested, broken or hostile markup around the text), ``.pdf``
  (a valid one-page PDF, truncated, bit-flipped or spliced).

Checks on each: no exception but :class:`~timeline.errors.InputError` from a loader (nothing at
all from ``extract_document``), CPU time under ``2 s + len/50,000 s`` (a hard alarm at
``--hang`` seconds catches hangs), every timex and event timex slicing back to its text, each
sentence span inside the text, earliest <= latest, and the document object valid against
``timeline/schema/events.schema.json``.

A failing input is shrunk (delta debugging on its characters or bytes, while the same kind of
failure persists) and written to ``--out`` as ``finding-N.json`` with the symptom and the
traceback's last frames; a summary (inputs tried per kind, minutes, findings) is printed and
written to ``--out/summary.json``.

Usage::

    python scripts/fuzz.py --minutes 12 --seed 1 --out fuzz-out/
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from timeline.errors import InputError
from timeline.load import load_document
from timeline.model import Document
from timeline.pipeline import extract_document
from timeline.temporal import available_languages, load

SCHEMA = json.loads(
    resources.files("timeline").joinpath("schema/events.schema.json").read_text("utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

LANGUAGES: list[str] = sorted(available_languages())
WORDS: list[str] = sorted(
    {
        word
        for code in LANGUAGES
        for kind in ("month", "weekday", "unit", "season", "part", "ordinal", "mod")
        for word in load(code).words.get(kind, {})
    }
)
SEPARATORS = list("0123456789") * 3 + list("./-, ") * 4 + ["\n", "\u00a0", "’", "'", "(", ")"]
PIECES = [
    "2009", "1999", "2031", "9999", "0000", "31", "29", "02", "1er", "Q3", "H1", "T2",
    "COM(2010) 94", "SEC(2009) 1234", "L 335/1", "2004/68/JHA", "2011/93/EU", "2010/0064(COD)",
    "32011L0093", "<script>", "</script>", "&amp;", "&#0;", "\u202e", "\u200b", "\u00ad", "\x00",
    "\t", "\r", "\x0b", "\ufeff", "\ud7ff", "\U0001f600", "\u0301", "ǅ", "İ", "ß",
]
DATES = [None, "2010-05-05", "2000-02-29", "1999-12-31", "0001-01-01", "9999-12-31"]
#: The exception a loader may raise on a bad file; anything else is a finding.
EXPECTED_LOAD_ERRORS = (InputError,)


class Hang(BaseException):
    """Raised by the alarm when one input runs over ``--hang`` seconds (a BaseException, so
    that no ``except Exception`` in the code under test swallows it)."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang()


# --- input generators -----------------------------------------------------------------------


def random_unicode(rng: random.Random, size: int) -> str:
    out = []
    for _ in range(size):
        plane = rng.random()
        if plane < 0.5:
            cp = rng.randrange(0x20, 0x250)
        elif plane < 0.8:
            cp = rng.randrange(0, 0x3000)
        else:
            cp = rng.randrange(0, 0x110000)
        if 0xD800 <= cp <= 0xDFFF:
            cp = 0xFFFD
        out.append(chr(cp))
    return "".join(out)


def dense(rng: random.Random, size: int) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        r = rng.random()
        if r < 0.45:
            piece = rng.choice(SEPARATORS)
        elif r < 0.75:
            piece = rng.choice(WORDS)
            if rng.random() < 0.2:
                piece = piece.upper() if rng.random() < 0.5 else piece.capitalize()
        elif r < 0.92:
            piece = rng.choice(PIECES)
        else:
            piece = random_unicode(rng, rng.randrange(1, 4))
        out.append(piece)
        total += len(piece)
    return "".join(out)


def long_unit(rng: random.Random) -> tuple[str, int]:
    """A unit of dense text and the length it is repeated to (see :func:`repeat`)."""
    unit = dense(rng, rng.randrange(20, 200))
    size = rng.choice((20_000, 50_000, 100_000))
    if rng.random() < 0.5:  # one line, the worst case for line-based passes
        unit = unit.replace("\n", " ")
    return unit, size


def repeat(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


STATEMENTS = [
    "On {d} the Commission adopted the proposal for Directive 2011/93/EU {x}.",
    "The Council reached agreement on {d} on {x}.",
    "Member States shall transpose Directive 2011/93/EU by {d}; {x}.",
    "The Regulation will enter into force on {d} {x}.",
    "{x} On {d} the European Parliament voted on COM(2010) 94.",
    "The Directive was published in the Official Journal L 335/1 on {d}. {x}",
    "A report is planned for {d}, {x}.",
]
DAYS = ["3 March 2009", "17 December 2011", "2011", "March 2012", "the first quarter of 2013",
        "18 December 2013", "tomorrow", "next year", "29 February 2000", "31 December 9999"]


def statements(rng: random.Random) -> str:
    """A few dated statements in English with hostile pieces inside and before them."""
    out = []
    for _ in range(rng.randrange(1, 8)):
        noise = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 6)))
        out.append(rng.choice(STATEMENTS).format(d=rng.choice(DAYS), x=noise))
    return rng.choice(["\n", " ", "\n\n"]).join(out)


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF whose text layer is ``text`` (ASCII, escaped)."""
    safe = "".join(c if 32 <= ord(c) < 127 else " " for c in text)
    safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def broken_pdf(rng: random.Random) -> bytes:
    data = bytearray(minimal_pdf(dense(rng, rng.randrange(10, 200))))
    how = rng.random()
    if how < 0.25:
        return bytes(data[: rng.randrange(5, len(data))])  # truncated
    if how < 0.5:
        for _ in range(rng.randrange(1, 20)):  # bit flips
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        return bytes(data)
    if how < 0.7:  # spliced random bytes
        i = rng.randrange(len(data))
        return bytes(data[:i]) + rng.randbytes(rng.randrange(1, 500)) + bytes(data[i:])
    if how < 0.85:  # header and garbage
        return b"%PDF-1.7\n" + rng.randbytes(rng.randrange(0, 2000))
    return bytes(data)  # intact: must load


def hostile_html(rng: random.Random, body: str) -> str:
    depth = rng.choice((1, 5, 50, 500, 3000))
    tags = ["div", "span", "b", "p", "table", "td", "svg", "script", "style", "a", "li", "x-y"]
    opened = [rng.choice(tags) for _ in range(depth)]
    head = "".join(f"<{t} onclick='x'>" for t in opened)
    tail = "".join(f"</{t}>" for t in reversed(opened)) if rng.random() < 0.6 else ""
    extra = rng.choice(
        [
            "",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg><script>alert(1)</script></svg>",
            "<style>body{background:url(javascript:alert(1))}</style>",
            "<meta name='date' content='" + dense(rng, 12) + "'>",
            "<!--",
            "<![CDATA[",
            "<title>" + dense(rng, 30) + "</title>",
        ]
    )
    escaped = body.replace("&", "&amp;").replace("<", "&lt;") if rng.random() < 0.5 else body
    return f"<!doctype html><html><head>{extra}</head><body>{head}{escaped}{tail}</body></html>"


# --- checks ---------------------------------------------------------------------------------


class Finding(Exception):
    """A check failed: ``kind`` names it (the shrinker keeps the same kind)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def bound(length: int) -> float:
    return 2.0 + length / 50_000


def check_extraction(text: str, language: str, date: str | None, hang: float) -> None:
    started = time.process_time()  # CPU time: a loaded machine must not make findings
    signal.setitimer(signal.ITIMER_REAL, hang)
    try:
        extraction = extract_document(Document(path="fuzz.txt", text=text), date=date, language=language)
    except Hang as exc:
        raise Finding("hang", f"over {hang:.0f}s on {len(text)} chars; {_where(exc, 6)}") from None
    except Exception as exc:
        raise Finding(f"raise:{type(exc).__name__}", _where(exc)) from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.process_time() - started
    if elapsed > bound(len(text)):
        raise Finding("slow", f"{elapsed:.2f}s on {len(text)} chars (bound {bound(len(text)):.1f}s)")
    check_output(extraction, text)


def check_output(extraction: Any, text: str) -> None:
    for timex in extraction.timexes:
        if text[timex.start : timex.end] != timex.text:
            raise Finding("offsets", f"timex {timex.start}:{timex.end} {timex.text!r}")
    for event in extraction.events:
        if event.timex is not None and text[event.timex.start : event.timex.end] != event.timex.text:
            raise Finding("offsets", f"event timex {event.timex.text!r}")
        start, end = event.sentence_span
        if not 0 <= start <= end <= len(text):
            raise Finding("span", f"sentence span {start}:{end} of {len(text)}")
        if event.earliest and event.latest and event.earliest > event.latest:
            raise Finding("order", f"earliest {event.earliest} > latest {event.latest}")
    errors = sorted(VALIDATOR.iter_errors(extraction.to_dict()), key=str)
    if errors:
        raise Finding("schema", f"{errors[0].message} at {list(errors[0].absolute_path)}")


def check_load(data: bytes, suffix: str, hang: float, folder: Path) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    started = time.process_time()
    signal.setitimer(signal.ITIMER_REAL, hang)
    try:
        document = load_document(path, use_sidecar=False)
    except EXPECTED_LOAD_ERRORS:
        return
    except Hang as exc:
        raise Finding("load-hang", f"over {hang:.0f}s on {len(data)} bytes; {_where(exc, 6)}") from None
    except Exception as exc:
        raise Finding(f"load-raise:{type(exc).__name__}", _where(exc)) from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.process_time() - started
    if elapsed > bound(len(data)) + 1.0:  # parsers start up
        raise Finding("load-slow", f"{elapsed:.2f}s on {len(data)} bytes")
    lang = document.language if document.language in LANGUAGES else "en"
    check_extraction(document.text, lang, document.date or "2010-05-05", hang)


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def check_link_render(texts: list[tuple[str, str, str | None]], hang: float) -> None:
    """Extract a small corpus, link it, and render every text format; parse each output back."""
    import csv
    import io
    from xml.etree import ElementTree as ET

    from icalendar import Calendar

    from timeline import link
    from timeline.render.html import render_html
    from timeline.render.ics import render_ics
    from timeline.render.summary import render_summary
    from timeline.render.tabular import render_csv
    from timeline.render.timelinejs import render_timelinejs

    signal.setitimer(signal.ITIMER_REAL, hang)
    try:
        extractions = [
            extract_document(Document(path=f"doc-{i}.txt", text=t), language=lang, date=date)
            for i, (t, lang, date) in enumerate(texts)
        ]
        timeline = link.link(extractions)
        graph = link.build_graph(extractions, timeline)
        graphml = "\n".join(
            __import__("networkx").generate_graphml(link.graph.stringified(graph), encoding="utf-8")
        )
        outputs = {
            "timeline.json": link.timeline_to_json(timeline),
            "graph.json": link.graph.graph_to_json(graph),
            "graph.graphml": graphml,
            "timeline.html": render_html(timeline),
            "events.csv": render_csv(timeline),
            "deadlines.ics": render_ics(timeline),
            "timelinejs.json": render_timelinejs(timeline),
            "summary.md": render_summary(timeline),
        }
    except Hang as exc:
        raise Finding("link-hang", f"over {hang:.0f}s; {_where(exc, 6)}") from None
    except Exception as exc:
        raise Finding(f"link-raise:{type(exc).__name__}", _where(exc)) from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    for entry in timeline.entries:
        if entry.earliest and entry.latest and entry.earliest > entry.latest:
            raise Finding("link-order", f"entry {entry.id}: {entry.earliest} > {entry.latest}")
    try:
        for name in ("timeline.json", "graph.json", "timelinejs.json"):
            json.loads(outputs[name])
        ET.fromstring(outputs["graph.graphml"].encode("utf-8"))
        Calendar.from_ical(outputs["deadlines.ics"])
        rows = list(csv.reader(io.StringIO(outputs["events.csv"], newline="")))
    except Exception as exc:
        raise Finding(f"output-parse:{type(exc).__name__}", _where(exc)) from exc
    for row in rows[1:]:
        for cell in row:
            if cell.startswith(TRIGGERS):
                raise Finding("csv-formula", repr(cell[:60]))
    for line in outputs["deadlines.ics"].split(b"\r\n"):
        if len(line) > 75:
            raise Finding("ics-fold", f"{len(line)} octets: {line[:40]!r}")


def _where(exc: BaseException, depth: int = 3) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-depth:]
    at = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{exc!s:.200} at {at}"


# --- shrinking ------------------------------------------------------------------------------


def shrink(value: Any, still_fails: Callable[[Any], bool], budget: float = 60.0) -> Any:
    """Delta debugging: drop chunks of ``value`` (str or bytes) while the failure persists."""
    deadline = time.monotonic() + budget
    chunk = max(1, len(value) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i = 0
        changed = False
        while i < len(value) and time.monotonic() < deadline:
            candidate = value[:i] + value[i + chunk :]
            if candidate and still_fails(candidate):
                value = candidate
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return value


def warm_up(folder: Path) -> None:
    """Load every reader and language once, so first-call imports are not timed as findings."""
    for suffix, data in (
        (".txt", b"On 3 March 2009 it was adopted."),
        (".html", b"<html><body><p>On 3 March 2009 it was adopted.</p></body></html>"),
        (".pdf", minimal_pdf("On 3 March 2009 it was adopted.")),
    ):
        check_load(data, suffix, 120.0, folder)
    for code in LANGUAGES:
        extract_document(Document(path="w.txt", text="3.3.2009"), language=code)


# --- the run --------------------------------------------------------------------------------


def one_case(rng: random.Random, kind: str, hang: float, folder: Path) -> tuple[str, Any, Callable[[Any], None]]:
    """Draw one input of ``kind``; returns (label, value, check)."""
    language = rng.choice(LANGUAGES)
    date = rng.choice(DATES)
    if kind in ("unicode", "dense", "long", "bytes-text"):
        if kind == "unicode":
            value: Any = random_unicode(rng, rng.randrange(0, 400))
        elif kind == "dense":
            value = dense(rng, rng.randrange(1, 1500))
        elif kind == "long":
            value, size = long_unit(rng)
            return (
                f"{kind} lang={language} date={date} repeated to {size} chars",
                value,
                lambda v: check_extraction(repeat(v, size), language, date, hang),
            )
        else:
            value = rng.randbytes(rng.randrange(0, 600)).decode("utf-8", errors="replace")
        return (
            f"{kind} lang={language} date={date}",
            value,
            lambda v: check_extraction(v, language, date, hang),
        )
    if kind == "link-render":
        docs = [
            (statements(rng), "en", rng.choice(DATES[1:4]))
            if rng.random() < 0.6
            else (dense(rng, rng.randrange(1, 600)), rng.choice(LANGUAGES), rng.choice(DATES[1:4]))
            for _ in range(rng.randrange(1, 5))
        ]
        # the shrinker works on the joined text; the split points are kept
        joined = "\x1e".join(t for t, _, _ in docs)
        meta = [(lang, date) for _, lang, date in docs]

        def check_corpus(v: str) -> None:
            parts = v.split("\x1e")
            texts = [(t, *meta[i % len(meta)]) for i, t in enumerate(parts) if t.strip()]
            if texts:
                check_link_render(texts, hang)

        return f"{kind} {meta}", joined, check_corpus
    if kind == "file-txt":
        text = dense(rng, rng.randrange(1, 800))
        enc = rng.choice(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig", "raw"])
        value = rng.randbytes(rng.randrange(1, 800)) if enc == "raw" else text.encode(enc, "replace")
        return f"{kind} enc={enc}", value, lambda v: check_load(v, ".txt", hang, folder)
    if kind == "file-html":
        value = hostile_html(rng, dense(rng, rng.randrange(1, 800))).encode("utf-8", "surrogatepass")
        return kind, value, lambda v: check_load(v, ".html", hang, folder)
    value = broken_pdf(rng)
    return kind, value, lambda v: check_load(v, ".pdf", hang, folder)


KINDS = (
    ("dense", 40),
    ("unicode", 15),
    ("bytes-text", 10),
    ("long", 2),
    ("file-txt", 10),
    ("file-html", 12),
    ("file-pdf", 11),
    ("link-render", 0),  # only with --kinds: a corpus through link and every text renderer
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the input generator")
    parser.add_argument("--hang", type=float, default=30.0, help="seconds before an input is a hang")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="findings folder")
    parser.add_argument("--max-findings", type=int, default=30)
    parser.add_argument(
        "--kinds", default=",".join(k for k, w in KINDS if w),
        help="comma-separated input kinds to draw (default all: %(default)s)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    wanted = set(args.kinds.split(","))
    unknown = wanted - {k for k, _ in KINDS}
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    kinds = [k for k, w in KINDS if k in wanted for _ in range(w or 10)]
    tried: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    found: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    findings: list[dict[str, Any]] = []
    started = time.monotonic()
    end = started + args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm_up(folder)
        while time.monotonic() < end and len(findings) < args.max_findings:
            kind = rng.choice(kinds)
            label, value, check = one_case(rng, kind, args.hang, folder)
            tried[kind] += 1
            chars[kind] += len(value)
            try:
                check(value)
            except Finding as finding:
                found[finding.kind] += 1
                # one report per kind of failure and place (the first frames of the detail)
                key = (finding.kind, finding.detail.split(" at ", 1)[-1])
                if key in seen:
                    continue
                seen.add(key)

                def fails(v: Any, want: str = finding.kind, check: Callable[[Any], None] = check) -> bool:
                    try:
                        check(v)
                    except Finding as again:
                        return again.kind == want
                    return False

                small = shrink(value, fails) if finding.kind not in ("slow", "hang") else value
                record = {
                    "kind": finding.kind,
                    "input_kind": label,
                    "detail": finding.detail,
                    "length": len(value),
                    "shrunk_length": len(small),
                    "input": small if isinstance(small, str) else small.hex(),
                    "input_is_hex_bytes": not isinstance(small, str),
                }
                findings.append(record)
                path = args.out / f"finding-{len(findings)}.json"
                path.write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
                print(f"FINDING {finding.kind} [{label}] {finding.detail[:300]}", flush=True)
            if sum(tried.values()) % 500 == 0:
                done = (time.monotonic() - started) / 60
                print(f"{done:5.1f} min {sum(tried.values())} inputs, {sum(found.values())} failures", flush=True)
    summary = {
        "seed": args.seed,
        "kinds": sorted(wanted),
        "minutes": round((time.monotonic() - started) / 60, 2),
        "inputs": sum(tried.values()),
        "inputs_by_kind": dict(sorted(tried.items())),
        "characters_or_bytes_by_kind": dict(sorted(chars.items())),
        "failures_by_kind": dict(sorted(found.items())),
        "distinct_findings": len(findings),
        "languages": LANGUAGES,
        "words": len(WORDS),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", "utf-8")
    print(json.dumps(summary, indent=1))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
