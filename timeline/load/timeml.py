"""TimeML ``.tml`` files: the text of ``<TEXT>`` with its tags removed, and the DCT as date.

The text is the concatenation of every text node inside ``<TEXT>`` as written (leading newline
included), which is how TimeML tools count character offsets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from timeline.errors import InputError

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class TimemlText:
    """The text of a TimeML document and its metadata (field -> value)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_timeml(markup: str, path: str) -> TimemlText:
    """Parse a TimeML document. Raises :class:`InputError` when it is not well-formed."""
    try:
        root = ET.fromstring(markup.lstrip("\ufeff").lstrip())
    except ET.ParseError as exc:
        raise InputError(path, f"TimeML file is not well-formed XML ({exc})") from None
    body = root.find(".//TEXT")
    if body is None:
        raise InputError(path, "TimeML file without a <TEXT> element")
    text = "".join(body.itertext())
    meta: dict[str, str] = {}
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            match = _DATE.match(timex.get("value", ""))
            if match:
                meta["date"] = match.group(1)
                meta["date_source"] = "DCT"
            break
    title = root.find(".//TITLE")
    if title is not None and "".join(title.itertext()).strip():
        meta["title"] = " ".join("".join(title.itertext()).split())
    return TimemlText(text, meta)
