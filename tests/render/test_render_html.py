"""timeline.html without a browser: self-contained, escaped, and a semantic list without JavaScript."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from timeline.model import Timeline
from timeline.render._common import extent, lanes
from timeline.render.html import entry_anchor, json_for_script, render_html, safe_url


class Outline(HTMLParser):
    """Tags, attributes and script bodies of a page, for structural assertions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def _outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def test_page_is_self_contained(corpus: Timeline) -> None:
    page = render_html(corpus)
    outline = _outline(page)
    for tag, attrs in outline.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        if tag == "script":
            assert "src" not in attrs
        href = attrs.get("href") or ""
        assert href.startswith(("#", "https://", "http://")) or not href, href
    assert "@import" not in page and "url(http" not in page
    csp = next(a["content"] for t, a in outline.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in (csp or "") and "connect-src 'none'" in (csp or "")


def test_without_javascript_every_entry_is_in_a_semantic_list_per_dossier(corpus: Timeline) -> None:
    outline = _outline(render_html(corpus))
    ids = [a.get("id") for t, a in outline.tags if t == "li" and "entry" in (a.get("class") or "").split()]
    assert sorted(ids) == sorted(entry_anchor(e) for e in corpus.entries)
    sections = [a for t, a in outline.tags if t == "section" and "dossier" in (a.get("class") or "")]
    assert len(sections) == len(lanes(corpus))
    assert all(a.get("aria-labelledby") for a in sections)
    assert sum(1 for t, _ in outline.tags if t == "details") == len(corpus.entries)
    datetimes = [a["datetime"] for t, a in outline.tags if t == "time" and a.get("datetime")]
    assert len(datetimes) == sum(1 for e in corpus.entries if extent(e) is not None)
    assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}-\d{2}-\d{2})?|\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", d) for d in datetimes)
    # the interactive parts start hidden, so a page without JavaScript shows only the list
    hidden = {a.get("id") for t, a in outline.tags if "hidden" in a}
    assert {"visual", "filters"} <= hidden


def test_time_expressions_are_marked_in_the_quotes(corpus: Timeline) -> None:
    page = render_html(corpus)
    marks = re.findall(r'<mark class="timex">(.*?)</mark>', page)
    with_timex = [s for e in corpus.entries for s in e.sources if s.timex_text and s.timex_text in s.quote]
    assert len(marks) >= len(with_timex) > 50


def test_hostile_text_is_escaped_everywhere(xss: Timeline) -> None:
    page = render_html(xss)
    outline = _outline(page)
    assert [t for t, _ in outline.tags].count("script") == 2  # the data block and the page script
    assert not any(t in ("img", "svg", "iframe", "b") for t, _ in outline.tags)
    assert not any(k.startswith("on") for _, a in outline.tags for k in a)
    assert not any((a.get("href") or "").lower().startswith(("javascript:", "data:")) for _, a in outline.tags)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    data_attrs, data = outline.scripts[0]
    assert data_attrs.get("type") == "application/json"
    assert "<" not in data and ">" not in data and "&" not in data and "\u2028" not in data
    parsed = json.loads(data)
    assert parsed["title"] == xss.title
    assert any("\u2028" in actor for actor in parsed["actors"])


def test_json_for_script_and_safe_url() -> None:
    text = json_for_script({"a": "</script><!-- & \u2028"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}
    assert safe_url("https://eur-lex.europa.eu/x?a=1&b=2") == "https://eur-lex.europa.eu/x?a=1&b=2"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "http://", "https://a b"):
        assert safe_url(bad) is None, bad


def test_page_is_deterministic(corpus: Timeline) -> None:
    assert render_html(corpus) == render_html(corpus)


BIDI = "\u202e\u2066\u202a"


def test_page_data_carries_no_bidi_overrides(xss: Timeline) -> None:
    """page.js draws the data's strings on the canvas and in tooltips: they are cleaned like the HTML."""
    from dataclasses import replace

    from timeline.model import ActRef, Dossier

    entries = tuple(
        replace(
            e,
            label=f"{BIDI}reversed {e.label}",
            acts=(ActRef(None, f"Act{BIDI} 1"),),
            actors=(f"Council{BIDI}",),
            dossier="d\u202e",
        )
        for e in xss.entries
    )
    tl = Timeline(
        entries=entries,
        dossiers=(Dossier("d\u202e", f"Dossier {BIDI}name", (), (), tuple(e.id for e in entries)),),
        title=f"Title{BIDI}",
    )
    page = render_html(tl)
    data = next(body for attrs, body in _outline(page).scripts if attrs.get("type") == "application/json")
    parsed = json.loads(data)
    strings = [parsed["title"], *parsed["lanes"], *parsed["acts"], *parsed["actors"], *parsed["langs"]]
    strings += [e[k] for e in parsed["entries"] for k in ("label", "when", "type")]
    assert not [s for s in strings if re.search("[\u202a-\u202e\u2066-\u2069\x00-\x08]", s)]
    assert "reversed" in parsed["entries"][0]["label"] and parsed["lanes"] == ["Dossier name"]


def test_rows_after_the_first_page_are_in_noscript_blocks() -> None:
    """Every entry is in the no-JS list; those after the first page sit in <noscript> blocks, in order."""
    from render_fixtures import big_timeline

    from timeline.render.html import LATER_CHUNK, LIST_PAGE

    big = big_timeline(1200)
    page = render_html(big)
    order = [e.id for lane in lanes(big) for e in lane.entries]
    rows = re.findall(r'<li class="entry[^"]*" id="([^"]+)"', page)
    assert rows == [entry_anchor(e) for e in (next(x for x in big.entries if x.id == i) for i in order)]
    head, _, rest = page.partition('<noscript class="later">')
    assert len(re.findall(r'<li class="entry', head)) == LIST_PAGE
    blocks = re.findall(r'<noscript class="later">(.*?)</noscript>', page, flags=re.S)
    assert sum(b.count('<li class="entry') for b in blocks) == len(big.entries) - LIST_PAGE
    assert all(0 < b.count('<li class="entry') <= LATER_CHUNK for b in blocks)
    assert all(b.startswith('<ol class="entries">') and b.endswith("</ol>") for b in blocks)
    # nothing but the list rows opens a row: the split page.js does is on row boundaries
    assert page.count('<li class="entry') == len(big.entries)
