"""Every rule's examples and negatives, for every language with temporal resources."""

from __future__ import annotations

import pytest

from timeline.temporal import languages, tag
from timeline.temporal.grammar import available_languages, load


def _examples() -> list[tuple[str, str, str, str, str | None]]:
    out = []
    for lang in available_languages():
        g = load(lang)
        for rule in g.rules:
            if rule.language not in (lang, "common") or (
                rule.language == "common" and lang != "en"
            ):
                continue
            for text, expected in rule.examples:
                out.append((lang, rule.name, text, expected, rule.dct))
    return out


def load_common_negatives() -> list[str]:
    """The language-neutral negatives (resources/common): they must hold in every language."""
    import tomllib

    from timeline.temporal.grammar import RESOURCE_ROOT

    doc = tomllib.loads((RESOURCE_ROOT / "common" / "temporal.toml").read_text(encoding="utf-8"))
    return list(doc.get("meta", {}).get("negatives", []))


def _negatives() -> list[tuple[str, str]]:
    out = []
    for lang in available_languages():
        g = load(lang)
        texts = list(g.meta.get("negatives", [])) + list(load_common_negatives())
        for rule in g.rules:
            texts.extend(rule.negatives)
        for text in dict.fromkeys(texts):
            out.append((lang, text))
    return out


@pytest.mark.parametrize(
    ("lang", "rule", "text", "expected", "dct"),
    _examples(),
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_rule_example(lang: str, rule: str, text: str, expected: str, dct: str | None) -> None:
    found = tag(text, lang, dct)
    got = [
        (t.rule, t.value if t.end_value is None else f"{t.value} / {t.end_value}") for t in found
    ]
    names = {r for r, _ in got}
    assert any(r.endswith(f":{rule}") for r in names), f"{text!r}: rule {rule} did not fire: {got}"
    values = [v for r, v in got if r.endswith(f":{rule}")]
    assert expected in values, f"{text!r}: expected {expected}, got {got}"
    for t in found:
        assert text[t.start : t.end] == t.text


@pytest.mark.parametrize(("lang", "text"), _negatives())
def test_negative(lang: str, text: str) -> None:
    found = tag(text, lang, "2009-03-03")
    assert found == [], f"{text!r} must not match in {lang}: {[(t.text, t.rule) for t in found]}"


def test_common_numeric_forms_apply_to_every_language() -> None:
    for lang in available_languages():
        got = tag("Brussels, 03/03/2009 and 2010/05/11", lang, None)
        assert [t.value for t in got] == ["2009-03-03", "2010-05-11"], lang


def test_languages_lists_each_resource_folder() -> None:
    rows = languages()
    codes = [r["language"] for r in rows]
    assert {"en", "fr", "de"} <= set(codes)
    for r in rows:
        assert r["rules"] > 0 and r["months"] >= 12
