"""The event resources of every language load, compile, and their examples match."""

from __future__ import annotations

import pytest

from timeline.events.resources import event_languages, pack
from timeline.model import EVENT_TYPES

LANGUAGES = event_languages()


def test_the_contract_languages_have_resources() -> None:
    assert {"en", "fr", "de", "es", "it", "nl", "pl", "pt", "da"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_triggers_are_named_typed_and_their_examples_match(language: str) -> None:
    p = pack(language)
    assert p.language == language
    names = [t.name for t in p.triggers]
    assert len(names) == len(set(names)), "trigger names must be unique"
    for trig in p.triggers:
        assert trig.type in EVENT_TYPES, trig.name
        for example in trig.examples:
            assert trig.pattern.search(example), (
                f"{trig.name} does not match its example {example!r}"
            )
        for negative in trig.negatives:
            assert not trig.pattern.fullmatch(negative), f"{trig.name} matches {negative!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_cues_and_shapes_are_present(language: str) -> None:
    p = pack(language)
    assert {"future", "past", "ongoing"} <= set(p.cues)
    assert {"dateline_prefix", "of", "adopted_act", "signed_act", "meeting", "oj"} <= set(
        p.patterns
    )
    assert p.actors, "actors.toml gives the institutions' names"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_types_the_core_steps(language: str) -> None:
    types = {t.type for t in pack(language).triggers}
    for needed in (
        "adoption",
        "proposal",
        "entry_into_force",
        "publication",
        "transposition_deadline",
    ):
        assert needed in types, f"{language} has no trigger for {needed}"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert pack("xx").language == "en"
