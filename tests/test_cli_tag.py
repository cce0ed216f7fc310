"""`timeline tag` round-trips TimeML: the text is kept, the DCT anchors, TIMEX3 tags are added."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from timeline.cli import cli
from timeline.timeml import parse_tml

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2009-03-03" temporalFunction="false" functionInDocument="CREATION_TIME">2009-03-03</TIMEX3></DCT>
<TEXT>La coalition a été lancée aujourd'hui. Le 25 mars 2009, la Commission a adopté une proposition &amp; plus.</TEXT>
</TimeML>
"""


def test_tag_keeps_the_text_and_dct_of_a_tml_file(tmp_path: Path) -> None:
    source = tmp_path / "doc.tml"
    source.write_text(TML, encoding="utf-8")
    out = tmp_path / "tagged.tml"
    result = CliRunner().invoke(cli, ["tag", "--language", "fr", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tagged = parse_tml(out.read_text(encoding="utf-8"))
    original = parse_tml(TML)
    assert tagged.text == original.text
    assert tagged.dct == "2009-03-03"
    values = {tagged.text[g.start : g.end]: g.value for g in tagged.timexes}
    assert values == {"aujourd'hui": "2009-03-03", "Le 25 mars 2009": "2009-03-25"} or values == {
        "aujourd'hui": "2009-03-03", "25 mars 2009": "2009-03-25"
    }
    assert re.search(r'<TIMEX3 [^>]*value="2009-03-25"', out.read_text(encoding="utf-8"))


def test_tag_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tag", str(tmp_path / "none.txt")])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "none.txt" in result.stderr
