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

from timeline.errors import InputError

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_EDGE_LINES = 2  # how many lines at the top and at the bottom of a page may be running heads


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


def _drop_running_heads(pages: list[list[str]]) -> list[list[str]]:
    """Remove edge lines whose digit-blind shape repeats on at least half of the pages."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_shape(x) for x in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if x.strip()}
        counts.update(edges)
    threshold = max(2, len(pages) // 2)
    running = {shape for shape, n in counts.items() if n >= threshold and shape}
    out = [pages[0]]
    for lines in pages[1:]:
        keep = list(lines)
        while keep and (not keep[0].strip() or _shape(keep[0]) in running):
            keep.pop(0)
        while keep and (not keep[-1].strip() or _shape(keep[-1]) in running):
            keep.pop()
        out.append(keep)
    return out


def extract_pdf(data: bytes, path: str) -> PdfText:
    """The text layer of a PDF, page by page. Raises :class:`InputError` for unusable files."""
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
        raw_pages = [(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata or {}
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError(path, "encrypted PDF: it needs a password to be read") from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
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
