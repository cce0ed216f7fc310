"""One file (or standard input) to one :class:`~timeline.model.Document`.

The cascade for a file:

1. check it: it exists, is a file, is readable, is not empty, is not over ``max_bytes``;
2. pick the reader by suffix (``.txt .text`` plain text, ``.md .markdown`` Markdown,
   ``.html .htm .xhtml`` HTML, ``.pdf`` PDF, ``.tml .timeml`` TimeML), or by sniffing the first
   bytes when the suffix is unknown;
3. decode (``decode.py``: BOM, declared charset, UTF-8, charset-normalizer) and extract the text
   and the metadata its format carries (``html.py``, ``pdf.py``, ``timeml.py``);
4. plain text and Markdown keep their text exactly as decoded (gold offsets refer to it); only
   YAML front matter is cut off the top;
5. the reference is read from the header area when the format gave none
   (``metadata.find_reference``), else from the document's own URL; the language is detected on the body
   (``language.detect_language``) when nothing says it;
6. a sidecar ``STEM.meta.json`` overrides, then front matter overrides (it is inside the file).

Every metadata field records where it came from in ``Document.provenance``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from timeline.errors import InputError
from timeline.load.decode import decode_bytes
from timeline.load.language import detect_language
from timeline.load.metadata import (
    find_reference,
    reference_from_url,
    sidecar_of,
    split_front_matter,
    valid_reference,
)
from timeline.model import Document

#: Suffix -> source format. Folders are searched for these suffixes.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".tml": "timeml",
    ".timeml": "timeml",
}
DEFAULT_MAX_BYTES = 50_000_000
#: The longest extracted text accepted (a compressed PDF can inflate far past its bytes).
DEFAULT_MAX_CHARS = 50_000_000


def _sniff(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf-"):
        return "pdf"
    if b"<timeml" in start[:2048]:
        return "timeml"
    if start.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<body")):
        return "html"
    return "text"


def _read(path: str | Path, shown: str, max_bytes: int) -> bytes:
    """The file's bytes, checked (the cascade's step 1). Opened first and then asked what it
    is, one path lookup instead of two, without blocking (a FIFO is refused, not waited on);
    a file that cannot be opened goes the long way, which says why."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return _read_checked(path, shown, max_bytes)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            os.close(fd)
            fd = -1
            return _read_checked(path, shown, max_bytes)
        data = _read_fd(fd, st.st_size + 1)  # the size seen, and a byte more to see growth
        if len(data) > st.st_size:
            data += _read_fd(fd, max_bytes + 1 - len(data))
    except OSError:
        return _read_checked(path, shown, max_bytes)
    finally:
        if fd >= 0:
            os.close(fd)
    return _whole(data, shown, max_bytes)  # it may have grown while we looked


def _whole(data: bytes, shown: str, max_bytes: int) -> bytes:
    """``data`` as read, refused when it is over ``max_bytes`` (the file grew while it was
    read, or a special file) or empty."""
    if len(data) > max_bytes:
        raise InputError(
            shown,
            f"file too large: over the limit of {max_bytes:,} bytes; split it or raise the limit",
        )
    if not data:
        raise InputError(shown, "empty file (0 bytes)")
    return data


def _read_fd(fd: int, n: int) -> bytes:
    """Up to ``n`` bytes from ``fd``, fewer only at the end of the file."""
    data = os.read(fd, n)
    if len(data) < n and data:
        parts = [data]
        got = len(data)
        while got < n:
            more = os.read(fd, n - got)
            if not more:
                break
            parts.append(more)
            got += len(more)
        data = b"".join(parts)
    return data


def _read_checked(path: str | Path, shown: str, max_bytes: int) -> bytes:
    """:func:`_read` the long way: looked at, then opened; each problem named."""
    try:
        st = os.stat(path)  # one call tells the size and the kind of file
    except FileNotFoundError:
        raise InputError(shown, "no such file or folder") from None
    except PermissionError:
        raise InputError(shown, "permission denied: the file cannot be read") from None
    size = st.st_size
    if stat.S_ISDIR(st.st_mode):
        raise InputError(
            shown, "is a folder, not a file (pass it to iter_inputs to read its documents)"
        )
    if not stat.S_ISREG(st.st_mode):  # a FIFO, socket or device would block or never end
        raise InputError(shown, "not a regular file (a pipe, socket or device); save it first")
    if size > max_bytes:
        raise InputError(
            shown,
            f"file too large: {size:,} bytes, over the limit of {max_bytes:,} bytes; "
            "split it or raise the limit",
        )
    try:
        with open(path, "rb") as handle:
            # read(n) reserves n bytes up front: ask for the size seen, then for any growth
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
    except PermissionError:
        raise InputError(shown, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror or exc})") from None
    return _whole(data, shown, max_bytes)


def _build(
    shown: str,
    text: str,
    source_format: str,
    found: dict[str, Any],
    origin: dict[str, str],
    overrides: list[tuple[str, dict[str, Any]]],
    pages: tuple[int, ...] = (),
    lang_hint: str | None = None,
) -> Document:
    """Merge detected metadata with overrides (later ones win) and make the Document."""
    fields = dict(found)
    source = dict(origin)
    for where, values in overrides:
        for key, value in values.items():
            fields[key] = value
            source[key] = where
    if not text.strip():
        raise InputError(shown, "no text in the document (only whitespace)")
    if fields.get("reference") is None and "reference" not in source:
        hit = find_reference(text)
        if hit:
            fields["reference"], rule = hit
            source["reference"] = f"text:{rule}"
        elif fields.get("url"):
            hit = reference_from_url(str(fields["url"]))
            if hit:
                fields["reference"], rule = hit
                source["reference"] = f"url:{rule}"
    if not fields.get("language"):
        lang = detect_language(text)
        if lang:
            fields["language"], source["language"] = lang, "detected"
        elif lang_hint:
            fields["language"], source["language"] = lang_hint, "html-lang"
    return Document(
        path=shown,
        text=text,
        title=fields.get("title"),
        language=fields.get("language"),
        date=fields.get("date"),
        reference=fields.get("reference"),
        url=fields.get("url"),
        kind=fields.get("kind"),
        dossier=fields.get("dossier"),
        parallel=fields.get("parallel"),
        source_format=source_format,
        pages=pages,
        provenance=tuple(sorted(source.items())),
    )


def _from_markup_meta(meta: dict[str, str], kind: str) -> tuple[dict[str, Any], dict[str, str]]:
    found: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key in ("title", "date", "url"):
        if meta.get(key):
            found[key] = meta[key]
            origin[key] = kind
    if meta.get("date_source"):
        origin["date"] = f"{kind}:{meta['date_source']}"
    if meta.get("reference"):
        ref = valid_reference(meta["reference"])
        if ref:
            found["reference"], origin["reference"] = ref, kind
    return found, origin


def _document(
    shown: str,
    data: bytes,
    source_format: str,
    overrides: list[tuple[str, dict[str, Any]]],
    max_chars: int | None = None,
) -> Document:
    if source_format == "pdf":
        from timeline.load.pdf import extract_pdf

        pdf = extract_pdf(data, shown, max_chars)
        found, origin = _from_markup_meta(pdf.meta, "pdf-meta")
        origin["text"] = "pdf:pypdf"
        return _build(shown, pdf.text, "pdf", found, origin, overrides, pages=pdf.pages)
    decoded = decode_bytes(data, shown, markup=source_format in ("html", "timeml"))
    origin = {"encoding": decoded.encoding}
    text = decoded.text
    if not text.strip():
        raise InputError(shown, "no text in the file (only whitespace)")
    if source_format == "html":
        from timeline.load.html import extract_html

        page = extract_html(text, shown)
        found, meta_origin = _from_markup_meta(page.meta, "html-meta")
        origin.update(meta_origin)
        origin["text"] = "html:fallback-all-text" if page.fallback else "html:trafilatura"
        return _build(
            shown, page.text, "html", found, origin, overrides, lang_hint=page.meta.get("lang_attr")
        )
    if source_format == "timeml":
        from timeline.load.timeml import extract_timeml

        tml = extract_timeml(text, shown)
        found, meta_origin = _from_markup_meta(tml.meta, "timeml")
        origin.update(meta_origin)
        return _build(shown, tml.text, "timeml", found, origin, overrides)
    front, body = split_front_matter(text, shown)
    if front:
        overrides = [*overrides, ("front-matter", front)]
    return _build(shown, body, source_format, {}, origin, overrides)


def _normal(path: str) -> bool:
    """Whether ``str(Path(path))`` is ``path`` itself, told without making the ``Path`` (a few
    microseconds a document): on POSIX, a non-empty path without an empty or ``.`` part other
    than a lone ``.`` (pathlib drops those) and without a slash at its end."""
    return (
        os.sep == "/"
        and path != ""
        and "//" not in path
        and "/./" not in path
        and not path.startswith("./")
        and not path.endswith(("/", "/."))
    )


def load_document(
    path: str | os.PathLike[str],
    *,
    use_sidecar: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Document:
    """Load one file as a :class:`Document` (the cascade is in this module's docstring).

    Raises :class:`~timeline.errors.InputError` with a one-line problem for every bad input:
    missing, a folder, unreadable, empty, over ``max_bytes``, extracted text over ``max_chars``,
    binary, undecodable, a damaged, truncated or encrypted PDF, a malformed sidecar or front
    matter.
    """
    shown = str(path)
    # normalized once; then plain string work (pathlib's costs)
    file = shown if _normal(shown) else str(Path(path))
    data = _read(file, shown, max_bytes)
    name = file.rpartition(os.sep)[2]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # Path.suffix
    source_format = FORMATS.get(suffix.lower()) or _sniff(data[:4096])
    if source_format == "text" and data.lstrip()[:5] == b"%PDF-":
        source_format = "pdf"  # a PDF saved under a wrong name
    overrides: list[tuple[str, dict[str, Any]]] = []
    if use_sidecar:
        side = sidecar_of(file)
        if side:
            overrides.append(("sidecar", side))
    doc = _document(shown, data, source_format, overrides, max_chars)
    if source_format in ("text", "markdown") and doc.text and "\x00" in doc.text:
        raise InputError(shown, "binary content (NUL characters), not text")
    if len(doc.text) > max_chars:
        from timeline.load.pdf import text_too_long

        raise InputError(shown, text_too_long(max_chars))
    return doc


def load_bytes(data: bytes, *, path: str = "-", max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Load a document given as bytes (``sys.stdin.buffer.read()``): any format, any encoding.

    The format is sniffed from the first bytes (PDF, TimeML, HTML, else text) and the bytes
    decoded by the same cascade as a file's, so a UTF-16 or Windows-1252 standard input works.
    """
    if len(data) > max_bytes:
        raise InputError(
            path,
            f"input too large: {len(data):,} bytes, over the limit of {max_bytes:,} bytes; "
            "split it or raise the limit",
        )
    if not data.strip():
        raise InputError(path, "no text on the input (empty or only whitespace)")
    return _document(path, data, _sniff(data[:4096]), [])


def load_text(text: str, *, path: str = "-") -> Document:
    """Load a text given as a string (standard input): plain text, or HTML/TimeML if it looks so."""
    if not text.strip():
        raise InputError(path, "no text on the input (empty or only whitespace)")
    kind = _sniff(text[:4096].encode("utf-8", "replace"))
    if kind == "pdf":
        raise InputError(path, "PDF on standard input: give it as a file")
    return _document(path, text.encode("utf-8"), kind, [])
