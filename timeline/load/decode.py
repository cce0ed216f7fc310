"""Bytes to text: the only module that imports charset-normalizer.

The cascade, first answer wins:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. bytes with NUL characters and no UTF-16/32 mark are binary: refused;
3. a charset the document declares (HTML ``<meta charset>`` / ``http-equiv``, XML prolog) is
   honoured, with ISO-8859-1 and ASCII read as Windows-1252 as browsers do;
4. strict UTF-8;
5. charset-normalizer's guess, preferring Windows-1252 when it is as plausible as the best guess
   (Western European pages without a declared charset are nearly always Windows-1252);
6. nothing plausible: refused as "not valid text in any detected encoding".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from timeline.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers read as Windows-1252 (the WHATWG Encoding standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "cp819"}
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Controls other than tab, line feed, form feed and carriage return: a text has (almost) none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and the encoding used (for provenance)."""

    text: str
    encoding: str


def declared_charset(data: bytes) -> str | None:
    """The charset the document declares in its first 4 KB (HTML meta or XML prolog), if any."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "replace").strip().lower()
    return label or None


def _python_codec(label: str) -> str | None:
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _check_text(text: str, path: str, encoding: str) -> Decoded:
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > max(2, len(text[:65536]) // 1000):
        raise InputError(path, f"binary content ({controls} control characters), not text")
    return Decoded(text, encoding)


def decode_bytes(data: bytes, path: str, *, markup: bool = False) -> Decoded:
    """Decode a document's bytes, following the cascade in the module docstring.

    ``markup`` lets a declared charset (HTML meta, XML prolog) take part. Raises
    :class:`InputError` for binary content and for bytes valid in no detected encoding.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    path,
                    f"starts with a {encoding} byte-order mark but byte {exc.start} is invalid",
                ) from None
            return _check_text(text, path, encoding + "-bom")
    if b"\x00" in data[:65536]:
        raise InputError(path, "binary content (NUL bytes), not text")
    if markup:
        label = declared_charset(data)
        codec = _python_codec(label) if label else None
        if codec is not None:
            try:
                return _check_text(data.decode(codec), path, codec)
            except UnicodeDecodeError:
                pass  # a wrong declaration: fall through to detection
    try:
        return _check_text(data.decode("utf-8"), path, "utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data, path)


def _guess(data: bytes, path: str) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, threshold=0.2))
    if not matches:
        raise InputError(path, "not valid text in any detected encoding (not UTF-8 either)")
    best = matches[0]
    chosen = best.encoding
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
            chosen = "cp1252"
            break
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError):
        text = str(best)
        chosen = best.encoding
    return _check_text(text, path, chosen)
