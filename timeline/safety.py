"""Small guards for text that leaves the program: characters a format forbids, unsafe file names.

Document text is arbitrary: it may carry C0 control characters, lone surrogates or
non-characters that XML 1.0 forbids, and document names may carry ``../``, absolute paths or NUL.
These helpers make such text safe for one destination without losing what it said.
"""

from __future__ import annotations

import re

__all__ = ["XML_FORBIDDEN", "xml_text"]

#: Characters XML 1.0 does not allow in a document, even as character references: C0 controls
#: but tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids written as a visible ``\\uXXXX`` escape.

    The escape keeps distinct inputs distinct (two node ids differing by a control character stay
    two nodes) and shows the reader what was there, where a silent deletion would not.
    """
    return XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
