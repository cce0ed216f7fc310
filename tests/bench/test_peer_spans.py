"""Span recovery of the peer adapters (no peer needed: their outputs are given)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.peers import locate_in_order, parse_heideltime_output  # noqa: E402

HEAD = '<?xml version="1.0"?>\n<!DOCTYPE TimeML SYSTEM "TimeML.dtd">\n<TimeML>\n'


def test_repeated_substrings_are_found_left_to_right() -> None:
    text = "In 2010 and again in 2010, then 2011."
    assert locate_in_order(text, ["2010", "2010", "2011"]) == [(3, 7), (21, 25), (32, 36)]


def test_missing_substring_gives_none_and_keeps_the_cursor() -> None:
    text = "from 3 May to 4 May"
    assert locate_in_order(text, ["3 May", "nowhere", "4 May"]) == [(5, 10), None, (14, 19)]


def test_heideltime_offsets_slice_back_to_the_input() -> None:
    text = "\nLe 3 mars 2009 & <b> aujourd'hui, deux ans.\n"
    tml = (
        HEAD
        + '\nLe <TIMEX3 tid="t1" type="DATE" value="2009-03-03">3 mars 2009</TIMEX3> & <b> '
        + '<TIMEX3 tid="t2" type="DATE" value="2009-03-03">aujourd\'hui</TIMEX3>, '
        + '<TIMEX3 tid="t3" type="DURATION" value="P2Y">deux ans</TIMEX3>.\n'
        + "\n</TimeML>\n"
    )
    found = parse_heideltime_output(tml, text, "fr")
    assert [(t.text, t.type, t.value) for t in found] == [
        ("3 mars 2009", "DATE", "2009-03-03"),
        ("aujourd'hui", "DATE", "2009-03-03"),
        ("deux ans", "DURATION", "P2Y"),
    ]
    assert all(text[t.start : t.end] == t.text for t in found)


def test_heideltime_output_that_escaped_the_text_is_realigned() -> None:
    text = "A &amp; B on 3 May 2001."
    tml = (
        HEAD
        + 'A &amp;amp; B on <TIMEX3 tid="t1" type="DATE" value="2001-05-03">3 May 2001</TIMEX3>.\n</TimeML>\n'
    )
    (t,) = parse_heideltime_output(tml, text, "en")
    assert text[t.start : t.end] == "3 May 2001" and t.value == "2001-05-03"


def test_dateparser_finds_slice_back_and_use_the_document_date() -> None:
    from bench.peers import dateparser_tag

    text = "The Council met on 3 March 2009. The vote was in May 2010."
    found = dateparser_tag(text, "en", "2009-03-05", precision=True)
    assert found and all(text[t.start : t.end] == t.text for t in found)
    # dateparser keeps the preposition ("on 3 March 2009"); its day is cut to the month it read
    assert [(t.text.split(" ", 1)[1], t.value) for t in found] == [
        ("3 March 2009", "2009-03-03"),
        ("May 2010", "2010-05"),
    ]
