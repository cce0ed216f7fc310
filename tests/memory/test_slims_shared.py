"""A cold build's slim rows, held until linking, share their equal strings and title keys.

The documents of a corpus name the same acts, days and labels: read apart, each row held its
own copies (0.46 MB per MB of a long-document corpus's text, the build's largest holding while
it extracts); read with one ``shared`` dict, equal strings are one object and equal title keys
and probes one tuple (about a quarter of the memory), and each row reads back equal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from timeline import pipeline
from timeline.link.facts import document_facts
from timeline.link.shards import DocKeys

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The slim row of every bundled source document, as a build stores it."""
    out = tmp_path_factory.mktemp("built")
    result = pipeline.build([SOURCES], out, formats=["csv"], jobs=1)
    made = [pipeline._slim_row(x, document_facts(x)) for x in result.extractions]
    assert len(made) >= 5
    return made


def test_shared_rows_read_back_equal(rows: list[bytes]) -> None:
    shared: dict[tuple[object, ...], tuple[object, ...]] = {}
    assert [pipeline._slim_of(r, shared) for r in rows] == [pipeline._slim_of(r) for r in rows]


def test_equal_strings_and_title_keys_are_one_object(rows: list[bytes]) -> None:
    shared: dict[tuple[object, ...], tuple[object, ...]] = {}
    twice = [pipeline._slim_of(r, shared) for r in [*rows, *rows]]
    first, again = twice[: len(rows)], twice[len(rows) :]
    checked = 0
    for a, b in zip(first, again, strict=True):
        assert a.keys.path is b.keys.path and a.keys.path is sys.intern(a.keys.path)
        for name in DocKeys.__slots__:
            x, y = getattr(a.keys, name), getattr(b.keys, name)
            if type(x) is not tuple:
                continue
            for u, v in zip(x, y, strict=True):
                assert u is v  # a string interned, or a title key / probe from ``shared``
                checked += 1
    assert checked > 0
    plain = [pipeline._slim_of(r) for r in [*rows, *rows]]
    assert all(
        u is not v
        for a, b in zip(plain[: len(rows)], plain[len(rows) :], strict=True)
        for u, v in zip(a.keys.days, b.keys.days, strict=True)
    )  # read apart, each row holds its own


def test_a_row_not_as_expected_is_refused_with_shared(rows: list[bytes]) -> None:
    import pickle

    bad = pickle.dumps((pipeline.SLIM_VERSION, ("p",), (), 0))
    with pytest.raises(ValueError):
        pipeline._slim_of(bad, {})
