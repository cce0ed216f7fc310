"""``find_reference`` searches a pattern once per text it is searched in: a header with no body
paragraph is the whole top of the text, so the rules scoped to the header and those scoped to
the top share one search there (issue 8), and the references found stay the same."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from timeline.load import metadata
from timeline.load._data import reference_rules


class _Counted:
    """A compiled pattern whose searches are counted, by the text they search."""

    def __init__(self, pattern: Any, searched: list[tuple[str, str]]) -> None:
        self._pattern = pattern
        self._searched = searched
        self.pattern = pattern.pattern
        self.flags = pattern.flags

    def finditer(self, text: str) -> Any:
        self._searched.append((self.pattern, text))
        return self._pattern.finditer(text)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    searched: list[tuple[str, str]] = []
    rules = tuple(replace(r, pattern=_Counted(r.pattern, searched)) for r in reference_rules())
    monkeypatch.setattr(metadata, "reference_rules", lambda table="reference": rules)
    return searched


# a header alone (no line long enough to be a body paragraph): header and top are one text
_HEADER_ONLY = "EUROPEAN COMMISSION\nBrussels, 3.3.2010\n2010/0039 (COD)\nProposal for a DECISION\n"
# a body paragraph after the header: the top is longer than the header
_WITH_BODY = _HEADER_ONLY + (
    "The Commission adopted today a proposal on the matter, which the Council will discuss "
    "in the coming months with the Parliament under procedure 2011/0007 (COD).\n"
)


def test_the_rules_scopes_differ_so_the_case_arises() -> None:
    assert {r.scope for r in reference_rules()} == {"header", "top"}
    shared = {r.pattern.pattern for r in reference_rules() if r.scope == "top"} & {
        r.pattern.pattern for r in reference_rules() if r.scope == "header"
    }
    assert shared  # a pattern searched in both scopes (the procedure's)


def test_a_header_that_is_the_whole_top_is_searched_once_per_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert len(metadata.header_area(_HEADER_ONLY)) == len(_HEADER_ONLY)
    searched = _counting(monkeypatch)
    assert metadata.find_reference(_HEADER_ONLY) is not None
    assert searched  # the procedure's pattern, at least
    assert len(searched) == len(set(searched))  # no pattern searched twice in one text


def test_a_header_shorter_than_the_top_is_searched_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    header = metadata.header_area(_WITH_BODY)
    assert len(header) < len(_WITH_BODY)
    searched = _counting(monkeypatch)
    metadata.find_reference(_WITH_BODY)
    assert len(searched) == len(set(searched))
    texts = {text for _, text in searched}
    assert texts <= {header, _WITH_BODY[: metadata.HEADER_MAX_CHARS]}


@pytest.mark.parametrize("text", [_HEADER_ONLY, _WITH_BODY, _HEADER_ONLY.replace("COD", "XYZ")])
def test_the_reference_found_is_the_one_each_rule_gives_in_its_own_scope(text: str) -> None:
    """The reference equals that of trying each rule, in order, in its own scope's text."""
    header = metadata.header_area(text)
    top = text[: metadata.HEADER_MAX_CHARS]
    expected = None
    for rule in reference_rules():
        got = metadata.apply_rule(rule, top if rule.scope == "top" else header)
        if got:
            expected = (got, rule.name)
            break
    assert metadata.find_reference(text) == expected
