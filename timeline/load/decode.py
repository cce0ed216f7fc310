"""Bytes to text: the only module that imports charset-normalizer.

The cascade, first answer wins:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. bytes with NUL characters and no UTF-16/32 mark are UTF-16 without a mark when the NULs
   fall on every other byte (Latin text), else binary: refused;
3. a charset the document declares (HTML ``<meta charset>`` / ``http-equiv``, XML prolog) is
   honoured, with ISO-8859-1 and ASCII read as Windows-1252 as browsers do;
4. strict UTF-8;
5. charset-normalizer's best guesses among the legacy encodings of the EU languages
   (``[encodings]`` in ``resources/common/load.toml``) and Windows-1252 are compared, and the
   least implausible reading wins, Windows-1252 on a tie: fewest symbols among letters and
   fewest letters that the reading's detected language does not write (``[alphabets]``).
   charset-normalizer alone reads the Portuguese "Presidência" as Windows-1250 "Presidęncia",
   and short Polish as Windows-1252;
6. nothing plausible: refused as "not valid text in any detected encoding".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from timeline.errors import InputError
from timeline.load._data import load_data

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
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[^\w\s.,;:!?'’\"()\[\]/-](?=[^\W\d_])")
_RARE_SYMBOLS = re.compile(
    "(?<=[^\\W\\d_])[\u00b9\u00b2\u00b3\u00bc\u00bd\u00be\u00a6\u00a4\u00ac\u00b8\u00a8\u02c7\u02d8\u02dd\u02db\u00af]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: the same controls as bytes: in UTF-8 each is one byte, and no other character holds one
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
#: how much of a text is looked at for controls
_CONTROL_SPAN = 65536


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


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the NUL bytes of ``data`` sit where UTF-16 puts the
    high byte of Latin text (every other byte), else None (binary)."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    odd_nul = head[1::2].count(0) / (len(head) // 2)
    even_nul = head[0::2].count(0) / (len(head) // 2)
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _python_codec(label: str) -> str | None:
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _check_text(text: str, path: str, encoding: str, utf8: bytes | None = None) -> Decoded:
    """``text`` refused when its first characters hold too many controls. ``utf8``: the bytes
    it was decoded from as UTF-8, where the controls are counted (a C loop over bytes instead
    of a regex over characters: about a third of loading a plain text)."""
    if utf8 is not None:
        head = utf8 if len(utf8) <= _CONTROL_SPAN else text[:_CONTROL_SPAN].encode("utf-8")
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    else:
        controls = len(_CONTROL.findall(text[:_CONTROL_SPAN]))
    if controls > max(2, len(text[:_CONTROL_SPAN]) // 1000):
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
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise InputError(path, "binary content (NUL bytes), not text")
        try:
            return _check_text(data.decode(utf16), path, utf16)
        except UnicodeDecodeError:
            raise InputError(path, "binary content (NUL bytes), not text") from None
    if markup:
        label = declared_charset(data)
        codec = _python_codec(label) if label else None
        if codec is not None:
            try:
                return _check_text(data.decode(codec), path, codec)
            except UnicodeDecodeError:
                pass  # a wrong declaration: fall through to detection
    try:
        return _check_text(data.decode("utf-8"), path, "utf-8", data)
    except UnicodeDecodeError:
        pass
    return _guess(data, path)


def _implausibility(text: str) -> int:
    """How wrong a single-byte reading looks: symbols among letters ("Rozporz¹dzenie" is Polish
    read as Windows-1252), and letters that the language the reading is written in does not
    use ("Presidęncia" is Portuguese read as Windows-1250). 0 for an ordinary text."""
    from timeline.load.language import body_sample, detect_language

    odd = len(_SYMBOL_IN_WORD.findall(text)) + len(_RARE_SYMBOLS.findall(text))
    sample = body_sample(text, limit=2000)
    lang = detect_language(sample)
    alphabet = load_data()["alphabets"].get(lang or "", None)
    if alphabet is not None:
        odd += sum(1 for c in sample.lower() if c.isalpha() and ord(c) > 0x7F and c not in alphabet)
    return odd


def _guess(data: bytes, path: str) -> Decoded:
    from charset_normalizer import from_bytes

    spec = load_data()["encodings"]
    matches = list(from_bytes(data, threshold=0.2, cp_isolation=list(spec["candidates"])))
    if not matches:
        raise InputError(path, "not valid text in any detected encoding (not UTF-8 either)")
    # Readings to compare: the Western European default first (it wins ties), then the guesses.
    readings: dict[str, tuple[str, str]] = {}
    try:
        western = data.decode("cp1252")
        readings[western] = ("cp1252", western)
    except UnicodeDecodeError:
        pass
    for match in matches[: spec["compare"]]:
        readings.setdefault(str(match), (match.encoding, str(match)))
    chosen, text = min(readings.values(), key=lambda r: _implausibility(r[1][:65536]))
    return _check_text(text, path, chosen)
