"""PDF files: the only module that imports pypdf.

The text layer of each page is extracted in order and the pages are joined with a blank line;
``pages`` holds the offset at which each page starts. Running headers and footers that repeat on
most pages ("4.5.2016 L 119/2 Official Journal of the European Union EN") are dropped from every
page but the first, where they give the publication date once. A PDF without a text layer
(scanned images) is refused: this tool does no OCR.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from timeline.errors import InputError

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
# Where running heads may be: pypdf puts them at the top or, after the footnotes, near the end.
_TOP_LINES = 3
_BOTTOM_LINES = 8


@dataclass(frozen=True, slots=True)
class PdfText:
    """The text of a PDF, the offset of each page, and its metadata (field -> value)."""

    text: str
    pages: tuple[int, ...]
    meta: dict[str, str] = field(default_factory=dict)


def _pdf_date(value: object) -> str | None:
    match = _PDF_DATE.match(str(value or "").strip())
    if not match:
        return None
    try:
        return _dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def _shape(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip()


def _running(shape: str) -> bool:
    # Running heads carry a page number or a date, are not tiny, and are not footnotes "(1) OJ…".
    return "#" in shape and len(shape) >= 12 and not shape.startswith("(")


def _drop_running_heads(pages: list[list[str]]) -> list[list[str]]:
    """Remove running heads and feet: lines near a page's edges whose digit-blind shape repeats
    on many pages ("4.5.2016 L 119/2 Official Journal of the European Union EN"). The first page
    keeps them: there they say once where and when the act was published."""
    if len(pages) < 4:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        zone = lines[:_TOP_LINES] + lines[-_BOTTOM_LINES:]
        counts.update({_shape(x) for x in zone if _running(_shape(x))})
    threshold = max(3, (len(pages) * 2) // 5)
    running = {shape for shape, n in counts.items() if n >= threshold}
    if not running:
        return pages
    out = [pages[0]]
    for lines in pages[1:]:
        cut = len(lines) - _BOTTOM_LINES
        out.append(
            [
                x
                for k, x in enumerate(lines)
                if not ((k < _TOP_LINES or k >= cut) and _shape(x) in running)
            ]
        )
    return out


def _page_text(page: Any) -> str:
    """One page's text layer; a page pypdf cannot read gives no text, not a failed document."""
    try:
        return page.extract_text() or ""
    except MemoryError:
        raise  # the per-document memory limit, not a damaged page
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged page
        return ""


def text_too_long(max_chars: int, pages: int | None = None) -> str:
    """The problem text of a document whose extracted text is over ``max_chars``."""
    where = f" after {pages} pages" if pages else ""
    return (
        f"extracted text too long: over {max_chars:,} characters{where}; split it or raise"
        " the limit (--max-chars)"
    )


def extract_pdf(data: bytes, path: str, max_chars: int | None = None) -> PdfText:
    """The text layer of a PDF, page by page. Raises :class:`InputError` for unusable files.

    ``max_chars`` is checked after each page, so a small file that inflates to millions of
    characters is refused before it is all extracted.
    """
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

    if not data.lstrip()[:1024].find(b"%PDF-") >= 0:
        raise InputError(path, "not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise InputError(path, "truncated PDF (no %%EOF marker at the end of the file)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (NotImplementedError, PyPdfError) as exc:
                raise InputError(path, f"encrypted PDF that cannot be opened ({exc})") from None
            if not ok:
                raise InputError(path, "encrypted PDF: it needs a password to be read")
        raw_pages = []
        total = 0
        for page in reader.pages:
            raw_pages.append(_page_text(page))
            total += len(raw_pages[-1])
            if max_chars is not None and total > max_chars:
                raise InputError(path, text_too_long(max_chars, len(raw_pages)))
        info: dict[str, Any] = dict(reader.metadata or {})
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError(path, "encrypted PDF: it needs a password to be read") from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, RecursionError, AssertionError) as exc:
        # pypdf meets a damaged file with many kinds of error; all mean the same to a user
        raise InputError(path, f"damaged PDF ({type(exc).__name__}: {exc})") from None
    if not any(p.strip() for p in raw_pages):
        raise InputError(
            path, f"PDF without a text layer ({len(raw_pages)} pages of images?); run OCR first"
        )
    pages = _drop_running_heads([p.replace("\r\n", "\n").split("\n") for p in raw_pages])
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for lines in pages:
        starts.append(offset)
        chunk = "\n".join(line.rstrip() for line in lines).strip("\n") + "\n\n"
        parts.append(chunk)
        offset += len(chunk)
    meta: dict[str, str] = {}
    title = str(info.get("/Title") or "").strip()
    if title:
        meta["title"] = _SPACES.sub(" ", title)
    for key in ("/CreationDate", "/ModDate"):
        date = _pdf_date(info.get(key))
        if date:
            meta["date"] = date
            meta["date_source"] = key[1:]
            break
    return PdfText("".join(parts), tuple(starts), meta)
