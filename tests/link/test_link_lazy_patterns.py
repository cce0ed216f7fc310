"""The link resources' patterns are compiled when first matched (``resources.LazyPattern``):
loading compiles none, a text reads only the patterns its words may match, and each pattern
reports what its compiled self does."""

from __future__ import annotations

import regex

from timeline.link import acts, resources


def _patterns(res: resources.LinkResources) -> list[resources.LazyPattern]:
    found: list[object] = [r.pattern for r in res.acts]
    found += [r.pattern for r in res.relations]
    for t in res.titles:
        found += [p for p in (t.subject, t.proposal) if p is not None]
        found += [p for _, p in t.kinds]
    assert all(isinstance(p, resources.LazyPattern) for p in found)
    return found  # type: ignore[return-value]


def test_flags_and_text_are_the_compiled_patterns() -> None:
    # the readers take a pattern's flags (case folding, the memo of what each read) before
    # compiling it: a global inline flag in a pattern's text would make them differ
    for p in _patterns(resources.load()):
        compiled = regex.compile(p.pattern, p.flags)
        assert (compiled.pattern, compiled.flags) == (p.pattern, p.flags)
        assert p.compiled().flags == p.flags


def test_loading_compiles_none_and_a_text_only_what_it_may_match() -> None:
    resources.load.cache_clear()
    acts._find_acts.cache_clear()
    try:
        res = resources.load()
        patterns = _patterns(res)
        assert not any(p._compiled for p in patterns)
        text = "Directive 2011/93/EU of the European Parliament and of the Council"
        found = acts.find_acts(text)
        assert [m.celex for m in found] == ["32011L0093"]
        read = [p for p in patterns if p._compiled is not None]
        # the English directive rule at least; a few that share its leading word, not all 60
        assert 1 <= len(read) < len(res.acts) // 4
        assert any(r.pattern in read and r.name.startswith("en:") for r in res.acts)
        # the same matches as the pattern compiled at once
        for r in res.acts:
            if r.pattern in read:
                direct = regex.compile(r.pattern.pattern, r.pattern.flags)
                assert [m.span() for m in r.pattern.finditer(text)] == [
                    m.span() for m in direct.finditer(text)
                ]
    finally:
        resources.load.cache_clear()
        acts._find_acts.cache_clear()


def test_compile_all_compiles_every_pattern() -> None:
    # what a cold build does before forking its workers, so that they inherit them compiled
    resources.load.cache_clear()
    try:
        res = resources.load()
        assert res.compile_all() is res
        assert all(p._compiled is not None for p in _patterns(res))
    finally:
        resources.load.cache_clear()
