"""The synthetic corpus of the speed benchmark: deterministic, consistent shifts."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import Text, synthetic_corpus, write_corpus  # noqa: E402

BASE = [
    Text(
        "a-en",
        "Adopted on 13 December 2011, in force from 1 January 2012 (Article 30).",
        "en",
        "2011-12-13",
    ),
    Text(
        "b-fr", "Bruxelles, le 3 mars 2009. COM(2009) 135 du 29 février 2008.", "fr", "2009-03-03"
    ),
]


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    assert synthetic_corpus(BASE, 20, seed=1) == synthetic_corpus(BASE, 20, seed=1)
    assert synthetic_corpus(BASE, 20, seed=1) != synthetic_corpus(BASE, 20, seed=2)


def test_size_stems_and_languages() -> None:
    corpus = synthetic_corpus(BASE, 7, seed=0)
    assert len(corpus) == 7
    assert len({t.stem for t in corpus}) == 7
    assert [t.language for t in corpus] == ["en", "fr", "en", "fr", "en", "fr", "en"]


def test_text_years_move_with_the_document_date() -> None:
    for t in synthetic_corpus(BASE, 30, seed=3):
        src = BASE[0] if t.stem.endswith("a-en") else BASE[1]
        assert t.date is not None and src.date is not None
        shift = int(t.date[:4]) - int(src.date[:4])
        assert -5 <= shift <= 5
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", src.text)]
        assert [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", t.text)] == [
            y + shift for y in years
        ]
        # numbers above 28 (article 30, day 29) are left alone; the date stays valid
        assert ("30" in t.text) == ("30" in src.text)
        y, m, d = (int(x) for x in t.date.split("-"))
        assert 1 <= d <= 28 and m == int(src.date[5:7])


def test_write_corpus_makes_text_and_sidecar(tmp_path: Path) -> None:
    corpus = synthetic_corpus(BASE, 3, seed=0)
    write_corpus(corpus, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(f"{t.stem}.txt" for t in corpus)
    meta = json.loads((tmp_path / f"{corpus[0].stem}.meta.json").read_text(encoding="utf-8"))
    assert meta == {"language": corpus[0].language, "date": corpus[0].date}


def test_empty_base_is_refused() -> None:
    with pytest.raises(ValueError):
        synthetic_corpus([], 3)
