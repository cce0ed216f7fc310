"""Hostile documents render as inert text in every output of ``timeline build``.

One folder of documents written here carries script, event-handler attributes, ``javascript:``
links, SVG, CSS, ``</script>`` inside text, C0 control characters, bidi overrides, a
10,000-character line, spreadsheet formulas and 3,000 levels of nested markup. The folder is built
once (all formats) and each output is read back with a real parser: ``html.parser``,
``xml.etree``, ``csv``, ``icalendar``, ``json`` and the PNG/PDF structure.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import timeline

PAYLOAD = (
    '<script>alert("s1")</script> <img src=x onerror=alert("i1")> '
    '<a href="javascript:alert(\'j1\')">go</a> <svg onload=alert("v1")><circle/></svg> '
    "<style>*{background:url(javascript:alert('c1'))}</style> </script><!-- ]]> &amp;"
)
BIDI = "\u202eevil\u202c"
CONTROLS = "\x01\x07\x1b"
LONG_LINE = "Z" * 10_000
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Markers of active content that must never survive as markup anywhere.
ACTIVE = re.compile(r"alert\(", re.I)

TEXT = (
    "Brussels, 3 March 2009\n\n"
    f"On 3 March 2009 the Commission{CONTROLS} adopted the proposal {PAYLOAD} {BIDI} for "
    "Directive 2011/93/EU.\n"
    "=cmd|' /C calc'!A0 On 5 May 2010 the Council agreed on the text.\n"
    "+1+2 On 6 May 2010 the Parliament voted.\n"
    "-3+4 On 7 May 2010 the Council signed.\n"
    "@SUM(1+1) On 8 May 2010 the Directive was published.\n"
    "Member States shall transpose this Directive by 18 December 2013; the deadline, "
    f"{PAYLOAD}, applies to all, with a comma; a semicolon; a backslash \\ and Ελληνικά "
    "κείμενα 😀 to fold across octets.\n"
    f"The Parliament will vote in June 2014 on the report {LONG_LINE}.\n"
)
SIDECAR = {
    "title": f"{PAYLOAD} {BIDI}{CONTROLS} title",
    "url": "javascript:alert('u1')",
    "date": "2009-03-03",
    "language": "en",
}
NESTED = "<div>" * 3000 + (
    "On 12 January 2011 the Commission adopted Regulation (EU) No 1234/2011 "
    "&lt;script&gt;alert('n1')&lt;/script&gt;."
) + "</div>" * 3000
HTML_DOC = (
    "<!doctype html><html><head><title>&lt;script&gt;alert('t2')&lt;/script&gt;</title>"
    "<script>alert('h1')</script><style>body{}</style></head><body>"
    "<p>Brussels, 12 January 2011</p>"
    "<p>On 12 January 2011 the Commission adopted the proposal &lt;script&gt;alert('h2')"
    "&lt;/script&gt; &lt;img src=x onerror=alert('h3')&gt; =HYPERLINK(\"http://evil\") and it "
    "will enter into force on 1 July 2012.</p>"
    "<svg><script>alert('h4')</script><text>On 4 April 2011 the Council agreed.</text></svg>"
    f"{NESTED}</body></html>"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("hostile-in")
    (src / "hostile.txt").write_text(TEXT, encoding="utf-8")
    (src / "hostile.meta.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    (src / "page.html").write_text(HTML_DOC, encoding="utf-8")
    (src / "page.meta.json").write_text(json.dumps({"language": "en"}), encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-out")
    result = timeline.build([src], out, jobs=1, use_cache=False)
    assert not result.failures, result.failures
    assert len(result.extractions) == 2
    return out


def _read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_the_hostile_text_reaches_the_outputs(built: Path) -> None:
    """Guard: the other tests mean something only if the payload is in the outputs as text."""
    data = json.loads(_read(built, "timeline.json"))
    quotes = " ".join(s["quote"] for e in data["entries"] for s in e["sources"])
    assert "alert(" in quotes and "=cmd|" in quotes and "transpose" in quotes
    assert "alert(" in _read(built, "events.csv")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in, self._buf = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in is not None:
            self.scripts.append((self._in, "".join(self._buf)))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._buf.append(data)


def _check_markup_inert(tags: list[tuple[str, dict[str, str | None]]]) -> None:
    for tag, attrs in tags:
        assert tag not in ("img", "iframe", "object", "embed", "svg", "style") or not any(
            ACTIVE.search(v or "") for v in attrs.values()
        ), (tag, attrs)
        for name, value in attrs.items():
            assert not (name.startswith("on") and ACTIVE.search(value or "")), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (
                    tag,
                    name,
                    value,
                )


def test_html_page_has_no_active_hostile_markup(built: Path) -> None:
    page = _read(built, "timeline.html")
    parser = _Collector()
    parser.feed(page)
    parser.close()
    _check_markup_inert(parser.tags)
    # Exactly the page's own two scripts: the JSON data block and the inlined program.
    assert [a.get("type") for a, _ in parser.scripts] == ["application/json", None]
    (data_attrs, data), (_, program) = parser.scripts
    payload = json.loads(data)  # an early </script> would have cut it short
    assert "alert(" in json.dumps(payload, ensure_ascii=False)
    assert not ACTIVE.search(program)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    assert all("javascript:" not in s for s in styles)
    assert "<script>alert" not in page.lower()
    assert "&lt;img src=x onerror=alert" in page  # shown as text, escaped


def test_html_page_has_no_raw_control_characters(built: Path) -> None:
    page = _read(built, "timeline.html")
    bad = sorted({f"U+{ord(c):04X}" for c in re.findall(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)})
    assert not bad, f"C0 control characters in the HTML: {bad}"


def test_html_page_isolates_bidi_overrides(built: Path) -> None:
    """A U+202E in a label must not reverse the text after it: the page either drops the override
    or shows it inside an isolate (``<bdi>``, ``dir="auto"``, or a U+2068/U+2069 pair)."""
    page = _read(built, "timeline.html")
    body = page.split('<script type="application/json"', 1)[0]
    for match in re.finditer("\u202e", body):
        before = body[: match.start()]
        isolated = (
            before.rfind("<bdi") > before.rfind("</bdi>")
            or before.rfind("\u2068") > before.rfind("\u2069")
            or 'dir="auto"' in before[before.rfind("<") :]
        )
        assert isolated, body[max(0, match.start() - 80) : match.start() + 20]


def test_svg_is_well_formed_and_inert(built: Path) -> None:
    root = ET.fromstring((built / "timeline.svg").read_bytes())
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject", "iframe"), tag
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not local.startswith("on"), (tag, name)
            if local == "href":
                assert not value.lower().startswith(("javascript:", "data:text")), value


def test_png_is_a_valid_image_without_text_chunks(built: Path) -> None:
    data = (built / "timeline.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        kinds.append(kind.decode("ascii"))
        pos += 12 + length
    assert kinds[0] == "IHDR" and kinds[-1] == "IEND"
    assert not {"tEXt", "zTXt", "iTXt"} & set(kinds), kinds  # no metadata that could carry text


def test_pdf_has_no_actions_or_scripts(built: Path) -> None:
    data = (built / "timeline.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    for name in (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/AA", b"/SubmitForm"):
        assert not re.search(re.escape(name) + rb"[\s/<(\[]", data), name
    assert b"javascript:" not in data.lower()


def test_csv_cells_cannot_run_as_formulas(built: Path) -> None:
    raw = (built / "events.csv").read_bytes()
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert body and all(len(r) == len(header) for r in body)
    quotes = [r[header.index("quote")] for r in body]
    assert any("=cmd|" in q for q in quotes) and any(q.startswith("'") for q in quotes)
    for row in body:
        for cell in row:
            assert not cell.startswith(TRIGGERS), (cell[:40], row[0])
    # the raw payload never begins a cell, whatever the quoting
    assert not re.search(r'(^|,)"?[=+\-@]cmd', text, re.M)


def test_ics_folds_at_75_octets_and_escapes_text(built: Path) -> None:
    from icalendar import Calendar

    raw = (built / "deadlines.ics").read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, (len(line), line[:40])
        line.decode("utf-8")  # folding never splits a multi-byte character
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line[:60]
    cal = Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    descriptions = [str(e.get("description")) for e in events]
    deadline = [d for d in descriptions if "transpose" in d]
    assert deadline, descriptions
    assert "the deadline, <script>" in deadline[0]  # commas survive the round trip
    assert "a semicolon; a backslash \\ and Ελληνικά κείμενα 😀" in deadline[0]
    assert "\n" in deadline[0]  # the description's lines come back as lines
    for event in events:
        assert "javascript" not in str(event.get("url", "")).lower()


def test_graphml_is_well_formed_xml(built: Path) -> None:
    raw = (built / "graph.graphml").read_bytes()
    root = ET.fromstring(raw)  # XML 1.0: no C0 controls but tab, newline, carriage return
    assert root.tag.endswith("graphml")
    assert not re.search(rb"&#(x0*[0-8bcefBCEF]|x0*1[0-9a-fA-F]|0*([0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));", raw)
    values = " ".join(el.text or "" for el in root.iter())
    assert "alert(" in values  # the payload is there, as text


def test_graph_json_and_timeline_json_parse(built: Path) -> None:
    for name in ("graph.json", "timeline.json", "events.json"):
        json.loads(_read(built, name))


def test_timelinejs_text_fields_are_escaped_html(built: Path) -> None:
    data = json.loads(_read(built, "timelinejs.json"))
    shown: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("headline", "text", "group", "caption", "credit"):
            shown.append(node)

    walk(data)
    assert shown
    for fragment in shown:
        parser = _Collector()
        parser.feed(fragment)
        parser.close()
        assert {t for t, _ in parser.tags} <= {"p", "a", "blockquote", "br", "em", "strong", "cite", "small"}, fragment
        _check_markup_inert(parser.tags)
        assert not parser.scripts


def test_summary_markdown_does_not_carry_raw_html(built: Path) -> None:
    text = _read(built, "summary.md")
    assert "<script" not in text.lower() and "onerror=" not in text.lower()
