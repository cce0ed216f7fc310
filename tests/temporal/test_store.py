"""The store of compiled grammars (timeline.temporal.store): same matches, no compiling on a
hit, and nothing read that another user could have written or that was damaged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from timeline.temporal import finder, grammar, lowered, store
from timeline.temporal.grammar import Grammar

_TEXT = (
    "Am 3. März 2009 hat die Kommission vorgeschlagen, bis Ende 2010 zu handeln; "
    "seit dem 1. Januar gilt die Verordnung (EU) 2016/679, zwei Wochen später, "
    "am Montag, dem 15. und 16. Oktober 1999, im Sommer 2021 und im dritten Quartal."
)


def _fresh(language: str = "de") -> Grammar:
    """A grammar loaded now (``grammar.load`` keeps one per language per process)."""
    got: Grammar = grammar.load.__wrapped__(language)  # type: ignore[attr-defined]
    return got


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Grammar]:
    """A store file of German made by a first load, and that grammar."""
    where = tmp_path_factory.mktemp("grammars")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(store.ENV, str(where))
        first = _fresh()
        assert first.store is not None and not first.lowered  # nothing made before a scan
        assert not list(where.glob("*.json"))
        finder.scan(first, "")
    assert first.stored == "made" and first.lowered and first.store is None
    (path,) = where.glob("de-*.json")
    return path, first


@pytest.fixture
def copy(made: tuple[Path, Grammar], tmp_path: Path) -> tuple[Path, str]:
    """A private copy of the store file and its key."""
    folder = tmp_path / "grammars"
    folder.mkdir(mode=0o700)
    path = folder / made[0].name
    shutil.copyfile(made[0], path)
    os.chmod(path, 0o600)
    return path, made[0].stem.split("-", 1)[1]


def test_a_second_load_compiles_nothing_and_scans_the_same(
    made: tuple[Path, Grammar], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, first = made
    assert path.stat().st_mode & 0o077 == 0  # readable by this user only
    monkeypatch.setenv(store.ENV, str(path.parent))
    calls: list[object] = []
    real = store.parts_of
    spy = lambda *a: calls.append(a) or real(*a)  # noqa: E731
    for module in (store, grammar, lowered):
        monkeypatch.setattr(module, "parts_of", spy)
    second = _fresh()
    got = finder.scan(second, _TEXT)
    assert second.stored == "read"
    assert calls == []  # every pattern the scan used came from the file
    assert got == finder.scan(first, _TEXT)
    assert [t.value for t in got][:2] == ["2009-03-03", "2010"]
    for i in range(len(first.rules)):
        assert second.bare(i).pattern == first.bare(i).pattern
        assert second.rule_keys[i] == first.rule_keys[i]
        assert second._rule_pairs(i) == first._rule_pairs(i)


def test_without_a_store_the_grammar_is_made_as_before(
    made: tuple[Path, Grammar], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.ENV, "off")
    plain = _fresh()
    finder.scan(plain, _TEXT)
    assert plain.stored is None and not plain.lowered
    assert finder.scan(plain, _TEXT) == finder.scan(made[1], _TEXT)


def test_the_copy_is_read(copy: tuple[Path, str]) -> None:
    assert store.Store.at(*copy).hit


def test_a_file_or_folder_others_can_write_is_not_read(copy: tuple[Path, str]) -> None:
    path, key = copy
    os.chmod(path, 0o666)
    assert not store.Store.at(path, key).hit
    os.chmod(path, 0o600)
    os.chmod(path.parent, 0o777)
    assert not store.Store.at(path, key).hit


def test_a_damaged_or_foreign_file_is_not_read(copy: tuple[Path, str]) -> None:
    path, key = copy
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"bare:0"', b'"bare:1"', 1))  # payload no longer checksums
    assert not store.Store.at(path, key).hit
    head, _, body = raw.partition(b"\n")
    path.write_bytes(head.replace(b'"key": "', b'"key": "0', 1) + b"\n" + body)
    assert not store.Store.at(path, key).hit
    path.write_bytes(b"\x80 not json")
    assert not store.Store.at(path, key).hit
    assert not store.Store.at(path, "0" + key).hit
    elsewhere = path.parent / "elsewhere.json"
    elsewhere.write_bytes(raw)
    os.chmod(elsewhere, 0o600)
    assert store.Store.at(elsewhere, key).hit
    os.unlink(path)
    os.symlink(elsewhere, path)
    assert not store.Store.at(path, key).hit  # a link is not followed


def test_a_store_written_again_is_private_and_read(copy: tuple[Path, str]) -> None:
    path, key = copy
    s = store.Store(path, key)
    s.facts["x"] = 1
    s.dirty = True
    assert s.save()
    assert path.stat().st_mode & 0o077 == 0
    again = store.Store.at(path, key)
    assert again.hit and again.facts == {"x": 1}


def test_stored_code_that_sre_refuses_is_made_again(copy: tuple[Path, str]) -> None:
    s = store.Store.at(*copy)
    source = s.patterns["bare:0"][0]
    s.patterns["bare:0"][2] = "AAA="  # two bytes: not a whole code word
    pat = s.compile("bare:0", lambda: store.parts_of(source, 2))
    assert pat is not None and pat.pattern == source and s.dirty


def test_the_key_follows_the_resource_texts() -> None:
    a = store.key_of("de", [("de/temporal.toml", "x = 1")])
    assert a == store.key_of("de", [("de/temporal.toml", "x = 1")])
    assert a != store.key_of("de", [("de/temporal.toml", "x = 2")])
    assert a != store.key_of("fr", [("de/temporal.toml", "x = 1")])


def test_old_stores_of_a_language_are_removed(copy: tuple[Path, str]) -> None:
    path, key = copy
    for i in range(store.KEEP + 3):
        old = path.parent / f"de-{i:032d}.json"
        old.write_text("{}")
        os.utime(old, (1000 + i, 1000 + i))
    (path.parent / "fr-0.json").write_text("{}")
    os.utime(path, (10, 10))
    assert store.Store.at(path, key).hit  # read: marked as recently used
    s = store.Store(path.parent / "de-new.json", "new")
    s.dirty = True
    assert s.save()
    left = sorted(p.name for p in path.parent.glob("de-*.json"))
    assert len(left) == store.KEEP
    assert path.name in left and "de-new.json" in left
    assert f"de-{store.KEEP + 2:032d}.json" in left and "de-" + "0" * 32 + ".json" not in left
    assert (path.parent / "fr-0.json").exists()


def test_no_store_where_none_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(store.ENV, str(blocked / "grammars"))  # under a file: cannot be made
    assert store.Store.open("de", [("de/temporal.toml", "x = 1")]) is None
    monkeypatch.setenv(store.ENV, str(tmp_path / "fine"))
    assert store.Store.open("de", [("de/temporal.toml", "x = 1")]) is not None
