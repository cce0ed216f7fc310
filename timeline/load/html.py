"""HTML pages: the only module that imports trafilatura and lxml.

The cascade for one page:

1. the decoded markup is parsed leniently by lxml (broken HTML still gives a tree);
2. metadata is read from the tree before anything is changed: meta tags named in
   ``resources/common/load.toml`` (``[html_meta]``), ``<link rel="canonical">`` / ``og:url``,
   ``<title>``, ``<html lang>``, the first ``<time datetime>`` of the main content;
3. accordion toggles (``<button>`` holding headings) become blocks, so their titles stay;
4. the main text is extracted by trafilatura (navigation, menus, cookie banners and footers
   dropped, one block per line, tables kept as rows); when what comes out still holds a long
   run of one-to-three-word lines (a mega menu: trafilatura fell back to the whole page), it is
   asked again with ``favor_precision``, and that answer is kept if it holds an article;
5. when trafilatura finds no main content (very short or broken pages), all visible text is
   kept instead, so a page still loads what it can.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from timeline.errors import InputError
from timeline.load._data import load_data

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\b")
_BLANKS = re.compile(r"[ \t\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACES_TABS = re.compile(r"[ \t]+")
_BLOCKS = ".//div|.//p|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//strong"


#: A run of this many consecutive lines of at most three words is a menu, not an article.
MENU_RUN_LINES = 25
#: The precision extraction replaces a menu-laden one only when it keeps this much text.
MIN_PRECISE_CHARS = 500


def _menu_run(text: str) -> int:
    """The longest run of consecutive non-empty lines of at most three words."""
    run = best = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        run = run + 1 if len(line.split()) <= 3 else 0
        best = max(best, run)
    return best


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """The main text of a page and the metadata found in its markup (field -> value)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    fallback: bool = False  # True when trafilatura found no main content


def parse_meta_date(value: str) -> str | None:
    """An ISO date from a meta value: ``2022-01-21T09:43+01:00``, ``19-10-2022``, ``20220121``."""
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_COMPACT, "ymd")):
        match = pattern.match(value)
        if not match:
            continue
        a, b, c = (int(g) for g in match.groups())
        y, m, d = (a, b, c) if order == "ymd" else (c, b, a)
        try:
            return _dt.date(y, m, d).isoformat()
        except ValueError:
            return None
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _BLANKS.sub(" ", value.replace("\u00ad", "")).strip()
    return value or None


def _page_title(title: str) -> str:
    """The page's own title without the site's trail: "Title | News | European Parliament"."""
    parts = [part.strip() for part in title.split(" | ")]
    if len(parts) > 1 and len(parts[0].split()) >= 2:
        return parts[0]
    return title


def _metadata(tree: object) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in tree.iter("meta"):  # type: ignore[attr-defined]
        key = (node.get("name") or node.get("property") or "").strip().lower()
        content = node.get("content")
        if key and content is not None and key not in names:
            names[key] = content
    spec = load_data()["html_meta"]
    out: dict[str, str] = {}
    for key in spec["date"]:
        if key in names:
            date = parse_meta_date(names[key])
            if date:
                out["date"] = date
                out["date_source"] = key
                break
    if "date" not in out:
        scopes = tree.xpath("//main|//article") or [tree]  # type: ignore[attr-defined]
        for scope in scopes:
            stamps = scope.xpath(".//time[@datetime]")
            if stamps:
                date = parse_meta_date(stamps[0].get("datetime", ""))
                if date:
                    out["date"] = date
                    out["date_source"] = "time[datetime]"
                    break
    for key in spec["title"]:
        title = _clean(names.get(key))
        if title:
            out["title"] = _page_title(title)
            break
    if "title" not in out:
        for xpath in ("//title", "//h1"):
            found = tree.xpath(xpath)  # type: ignore[attr-defined]
            title = _clean(found[0].text_content()) if found else None
            if title:
                out["title"] = _page_title(title)
                break
    for key in spec["reference"]:
        ref = _clean(names.get(key))
        if ref:
            out["reference"] = ref
            break
    links = tree.xpath("//link[@rel='canonical']/@href")  # type: ignore[attr-defined]
    url = _clean(links[0]) if links else _clean(names.get("og:url"))
    if url:
        out["url"] = url
    lang = tree.xpath("/html/@lang|//html/@lang")  # type: ignore[attr-defined]
    if lang and _clean(lang[0]):
        out["lang_attr"] = lang[0].strip().split("-")[0].lower()
    return out


def _open_accordions(tree: object) -> None:
    """Turn accordion toggles into blocks: ``<button>`` elements holding headings or blocks of
    several words are section titles (EUR-Lex procedure events: "EP position at first reading"),
    which trafilatura would drop with the real buttons ("Accept", "Menu")."""
    for button in tree.xpath("//button"):  # type: ignore[attr-defined]
        if button.xpath(_BLOCKS) and len(button.text_content().split()) >= 2:
            button.tag = "div"


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for raw in text.split("\n"):
        line = _SPACES_TABS.sub(" ", raw).strip()
        if line and lines and line == lines[-1]:
            continue  # the same block twice in a row: a hidden duplicate (open/closed label)
        lines.append(line)
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def extract_html(markup: str, path: str) -> HtmlPage:
    """The main text of a page (one block per line) and its metadata.

    Raises :class:`InputError` when the page has no text at all.
    """
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError

    # C0 control characters are not allowed in XML and make lxml refuse the whole page
    stripped = _CONTROL.sub(" ", markup).lstrip()
    if not stripped:
        raise InputError(path, "empty HTML page (no markup)")
    try:
        tree = lxml.html.document_fromstring(stripped)
    except (ParserError, ValueError) as exc:
        raise InputError(path, f"HTML could not be parsed at all ({exc})") from None
    meta = _metadata(tree)
    _open_accordions(tree)
    options: dict[str, Any] = dict(
        output_format="txt",
        include_tables=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    text = trafilatura.extract(tree, **options)
    if text and _menu_run(text) >= MENU_RUN_LINES:
        # trafilatura fell back to the whole page (a mega menu came through): ask it for
        # precision, and keep that when it still holds an article.
        precise = trafilatura.extract(
            lxml.html.document_fromstring(stripped), favor_precision=True, **options
        )
        if precise and len(precise.strip()) >= MIN_PRECISE_CHARS:
            text = precise
    fallback = False
    if not text or not text.strip():
        fallback = True
        tree = lxml.html.document_fromstring(stripped)  # trafilatura pruned the first tree
        for bad in tree.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
        text = "\n".join(_BLANKS.sub(" ", t).strip() for t in tree.itertext() if t and t.strip())
    if not text or not text.strip():
        raise InputError(path, "HTML page without any visible text")
    return HtmlPage(_tidy(text), meta, fallback)
