"""``timeline extract --format json`` written from the extractions' fields equals the contract's
``to_dict`` encoded by the standard library, for real documents and for any field values."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.jsontext import extractions_json
from timeline.model import ActRef, Amount, Document, Event, Extraction, Timex
from timeline.pipeline import extract

REPO = Path(__file__).resolve().parents[2]


def _reference(extractions: tuple[Extraction, ...] | list[Extraction]) -> str:
    return json.dumps([x.to_dict() for x in extractions], ensure_ascii=False, indent=2)


def test_bundled_and_dev_documents_give_the_standard_librarys_characters(dev_corpus: Path) -> None:
    result = extract([REPO / "sources", dev_corpus])
    assert len(result.extractions) > 50
    assert sum(len(x.events) for x in result.extractions) > 150
    assert extractions_json(result.extractions) == _reference(result.extractions)


def test_no_extraction_is_an_empty_array() -> None:
    assert extractions_json([]) == _reference([]) == "[]"


class _Str(str):
    """A str subclass: the direct writer leaves such a value to the standard library."""


_text = st.text(max_size=6) | st.sampled_from(['a "quote"', "back\\slash", "tab\tline\n", "é ü ß 中", "\u2028"])
_opt = st.none() | _text
_int = st.integers(min_value=-3, max_value=10**12)
_timex = st.builds(
    Timex, start=_int, end=_int, text=_text, type=st.just("DATE"), value=_text,
    rule=_text,
)
_act = st.builds(ActRef, celex=_opt, label=_text)
_amount = st.builds(
    Amount, value=st.floats(allow_nan=True) | st.integers(), currency=_text, text=_text
)
_event = st.builds(
    Event,
    date=_opt, precision=_text, earliest=_opt, latest=_opt, status=_text, type=_text,
    acts=st.lists(_act, max_size=3).map(tuple),
    procedures=st.lists(_text, max_size=3).map(tuple),
    actors=st.lists(_text | st.builds(_Str, _text), max_size=3).map(tuple),
    summary=_text, timex=st.none() | _timex,
    sentence_span=st.tuples(_int, _int) | st.just(()),
    rule=_text, amounts=st.lists(_amount, max_size=2).map(tuple),
    page=st.none() | _int,
)
_document = st.builds(
    Document, path=_text, text=st.just("x"), title=_opt, language=_opt, date=_opt,
    reference=_opt, url=_opt,
)
_extraction = st.builds(Extraction, document=_document, events=st.lists(_event, max_size=3).map(tuple))


@settings(max_examples=60, deadline=None)
@given(st.lists(_extraction, max_size=4))
def test_any_field_values_give_the_standard_librarys_characters(xs: list[Extraction]) -> None:
    assert extractions_json(xs) == _reference(xs)
