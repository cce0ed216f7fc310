"""Language detection: short texts in the 24 EU languages, body over navigation, dev corpus."""

from __future__ import annotations

import json

import pytest

from timeline.load import detect_language, load_document
from timeline.load._data import load_data

from .conftest import FIXTURES, SHARED

SENTENCES = [
    tuple(line.split("\t"))
    for line in (FIXTURES / "eu-sentences.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_every_eu_language_has_a_sentence() -> None:
    assert sorted(code for code, _ in SENTENCES) == sorted(load_data()["language"]["eu"])


@pytest.mark.parametrize(("code", "sentence"), SENTENCES, ids=[c for c, _ in SENTENCES])
def test_one_sentence(code: str, sentence: str) -> None:
    assert detect_language(sentence) == code


@pytest.mark.parametrize(("code", "sentence"), SENTENCES, ids=[c for c, _ in SENTENCES])
def test_six_words(code: str, sentence: str) -> None:
    if code == "mt" and not any(c in sentence.split()[:6] for c in "ħġċ"):
        pytest.skip("six Maltese words without ħ, ġ or ċ look like Italian")
    assert detect_language(" ".join(sentence.split()[:6])) == code


def test_body_wins_over_navigation_in_another_language() -> None:
    chrome = "\n".join(
        [
            "Navigation path",
            "Left navigation",
            "Additional tools",
            "Other available languages: EN DE DA ES NL IT SV PT FI EL",
            "Print this page",
            "Contact | Legal notice | Cookies",
        ]
        * 3
    )
    body = (
        "Bruxelles, le 3 mars 2009\nLa Commission européenne financera la coalition financière "
        "européenne pour la lutte contre la distribution d’images pédopornographiques.\n"
    )
    assert detect_language(chrome + "\n" + body + chrome) == "fr"


def test_no_language_in_numbers_or_nothing() -> None:
    assert detect_language("") is None
    assert detect_language("12/03/2009 - 4.5.2016 | 123 456") is None


def test_dev_corpus_accuracy() -> None:
    dev = SHARED / "corpus" / "dev"
    if not dev.is_dir():
        pytest.skip(f"{dev} is absent (the shared dev corpus sits next to the checkout)")
    results = []
    for text in sorted(dev.glob("*.txt")):
        gold = json.loads(text.with_name(text.stem + ".meta.json").read_text(encoding="utf-8"))
        doc = load_document(text, use_sidecar=False)
        results.append((text.name, doc.language, gold["language"]))
    wrong = [r for r in results if r[1] != r[2]]
    # 37/37 when this was written; the floor only goes up.
    assert len(wrong) <= len(results) // 20, wrong
