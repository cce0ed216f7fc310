"""Controls counted in a UTF-8 text's bytes (decode._check_text): the same count, and so the
same verdict, as the regex over its first characters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.errors import InputError
from timeline.load import decode

_PIECES = st.sampled_from(
    ["a", "é", "€", "𝔸", " ", "\n", "\t", "\r", "\x0c", "\x00", "\x01", "\x08", "\x0b", "\x0e",
     "\x1f", "\x7f", "\x80", "\x85", "\u2028", "ſ", "\ufeff"]
)


def _by_regex(text: str) -> int:
    return len(decode._CONTROL.findall(text[: decode._CONTROL_SPAN]))


def _verdict(text: str, utf8: bytes | None) -> str:
    try:
        decode._check_text(text, "x.txt", "utf-8", utf8)
    except InputError as exc:
        return str(exc)
    return "ok"


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_the_bytes_count_what_the_regex_counts(text: str) -> None:
    data = text.encode("utf-8")
    assert _verdict(text, data) == _verdict(text, None)


@pytest.mark.parametrize("over", [0, 1, 5000])
@pytest.mark.parametrize("filler", ["a", "é", "\U0001d538"])
def test_only_the_first_characters_count(filler: str, over: int) -> None:
    # controls past the span are not counted: at character 65,536, not byte 65,536
    span = decode._CONTROL_SPAN
    for text in (
        filler * (span - 3) + "\x01\x02\x03" + "\x04" * over,
        filler * (span - 2) + "\x01\x02" + "\x03\x04\x05" * over,
        "\x01" * 70 + filler * (span + over),
    ):
        data = text.encode("utf-8")
        assert _verdict(text, data) == _verdict(text, None)
    many = "\x01" * 66 + filler * (span - 66)
    assert "66 control characters" in _verdict(many, many.encode("utf-8"))
    assert decode._check_text(filler * 10, "x", "utf-8", (filler * 10).encode()).text
    assert _by_regex(many) == 66
