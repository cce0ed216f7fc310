"""A part linked from a stored state with documents added (``linker.relink_part``) is the part
linked whole: same entries, dossiers, lists and state, or no part at all (the caller links the
whole part) when the added documents could change what a stored one gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from link_helpers import gold_extractions

from timeline.link import linker
from timeline.link.acts import KnownTitle, TitleIndex
from timeline.link.facts import facts_by_path
from timeline.model import Extraction


def _seen_items(monkeypatch: pytest.MonkeyPatch) -> list[list[linker._Item]]:
    """The items each later ``_finish`` call is given (linking goes on as before)."""
    seen: list[list[linker._Item]] = []
    real = linker._finish

    def capture(ctx, read, items, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(items)
        return real(ctx, read, items, *args, **kwargs)

    monkeypatch.setattr(linker, "_finish", capture)
    return seen


def _state(xs: list[Extraction]) -> tuple[linker.LinkedPart, linker.PartState]:
    keep: list[linker.PartState] = []
    part = linker.link_part(xs, keep=keep)
    return part, keep[0]


def _check_added(xs: list[Extraction], added: list[Extraction]) -> bool:
    """Whether ``added`` were relinked (True) or refused (False); a relinked part must equal the
    part of every document linked whole, and so must its state."""
    facts = facts_by_path(xs)
    rest = [x for x in xs if x not in added]
    before, state = _state(rest)
    keep: list[linker.PartState] = []
    got = linker.relink_part(state, added, {x.document.path: facts[x.document.path] for x in added},
                             keep=keep)
    if got is None:
        return False
    want_keep: list[linker.PartState] = []
    want = linker.link_part(xs, facts, keep=want_keep)
    assert got == want
    assert linker.combine([got]) == linker.combine([want]) == linker.link(xs, facts)
    assert keep == want_keep
    # the same from the part linked before, whose groups the added documents cannot change
    # keep their entries
    again: list[linker.PartState] = []
    reused = linker.relink_part(
        state, added, {x.document.path: facts[x.document.path] for x in added}, keep=again,
        previous=before,
    )
    assert reused == want and again == want_keep
    return True


@pytest.mark.parametrize("drop_celex", [False, True], ids=["numbers", "titles-only"])
def test_each_document_added_to_the_others(dev_dir: Path, drop_celex: bool) -> None:
    xs = gold_extractions(dev_dir, drop_celex=drop_celex)
    relinked = [_check_added(xs, [x]) for x in xs]
    # most additions link against the state (the test would prove nothing otherwise)
    assert sum(relinked) >= len(xs) // 2, relinked


def test_several_documents_added(dev_dir: Path) -> None:
    xs = gold_extractions(dev_dir)
    triples = [[xs[i], xs[i + 7], xs[i + 14]] for i in range(0, len(xs) - 14, 2)]
    relinked = [_check_added(xs, added) for added in triples]
    assert any(relinked), relinked


def test_refused_when_a_document_is_stored_already_or_too_many_are_added(dev_dir: Path) -> None:
    xs = gold_extractions(dev_dir)
    _, state = _state(xs[:-1])
    assert linker.relink_part(state, [xs[0]]) is None  # in the state already
    _, small = _state(xs[:4])
    assert linker.relink_part(small, xs[4:10]) is None  # more than a quarter of the part


def test_a_part_too_large_to_hold_keeps_no_state(dev_dir: Path) -> None:
    xs = gold_extractions(dev_dir)
    facts = facts_by_path(xs)
    keep: list[linker.PartState] = []

    def load(paths: list[str]) -> tuple[list[Extraction], dict[str, object]]:
        return [x for x in xs if x.document.path in paths], facts  # type: ignore[return-value]

    paths = [x.document.path for x in xs]
    part = linker.link_part_streamed(paths, load, group=4, hold=0, keep=keep)
    assert keep == [] and part == linker.link_part(xs, facts)
    linker.link_part_streamed(paths, load, group=4, keep=keep)
    assert len(keep) == 1


def test_a_title_within_reach_of_a_stored_lookup_refuses() -> None:
    index = TitleIndex()
    index.resolve("Council Framework Decision on combating the sexual exploitation of children",
                  "en")
    lookups = linker._lookups(index, ())
    assert lookups
    subject = next(iter(lookups))[0]

    def title(subject: str, proposal: bool = False) -> KnownTitle:
        return KnownTitle("32004F0068", "Framework Decision " + subject, subject, proposal,
                          "framework_decision", "en", "x.txt", "text")

    assert linker._reaches(title(subject), lookups)
    assert not linker._reaches(title(subject, proposal=True), lookups)  # _resolve's filter
    assert not linker._reaches(title("the common fisheries policy"), lookups)


@pytest.mark.parametrize("drop_celex", [False, True], ids=["numbers", "titles-only"])
def test_regroup_keeps_the_groups_an_added_document_cannot_change(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, drop_celex: bool
) -> None:
    """``_regroup`` really keeps stored entries (not always every group made again) and its
    parts equal those linked whole (``_check_added``); a state without ``finish`` (kept by an
    older build) or a part that does not fit it links every group."""
    xs = gold_extractions(dev_dir, drop_celex=drop_celex)
    kept: list[int] = []
    real = linker._regroup

    def counting(items: list[object], reuse: object, *more: object) -> object:
        got = real(items, reuse, *more)  # type: ignore[arg-type]
        kept.append(-1 if got is None else len(got[1]))
        return got

    monkeypatch.setattr(linker, "_regroup", counting)
    monkeypatch.setattr(linker, "REGROUP_SHARE", 1.0)
    for x in xs:
        _check_added(xs, [x])
    assert any(k > 0 for k in kept), kept
    before, state = _state(xs[:-1])
    older = linker.PartState(state.rows, state.lookups, state.misprints)
    kept.clear()
    assert linker.relink_part(older, xs[-1:], previous=before) == linker.link_part(xs)
    assert kept == []
    other, _ = _state(xs[:-2])  # entries of another part: fewer than the state's items name
    got = linker.relink_part(state, xs[-1:], previous=other)
    assert got == linker.link_part(xs)


@pytest.mark.parametrize("drop_celex", [False, True], ids=["numbers", "titles-only"])
def test_groups_of_some_whole_groups_are_those_groups(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, drop_celex: bool
) -> None:
    """What ``_regroup`` rests on: grouping only the items of some groups (closed over the
    (type, day) of act-less joins), found by index among all items, gives those groups."""
    xs = gold_extractions(dev_dir, drop_celex=drop_celex)
    seen = _seen_items(monkeypatch)
    linker.link_part(xs)
    items = seen[0]
    groups = linker._groups(items)
    # groups sharing a (type, day) go together; every other such set is kept
    by_day: dict[object, int] = {}
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for g, members in enumerate(groups):
        for item in members:
            day = linker._day_key(item)
            if day is not None:
                other = by_day.setdefault(day, g)
                parent[find(g)] = find(other)
    roots = sorted({find(g) for g in range(len(groups))})
    chosen = set(roots[1::2])
    some = [g for g in range(len(groups)) if find(g) in chosen]
    subset = sorted((i for g in some for i in groups[g]), key=lambda i: i.index)
    assert subset and len(subset) < len(items)
    got = linker._cluster(subset, items)
    assert sorted(tuple(i.index for i in g) for g in got) == sorted(
        tuple(i.index for i in groups[g]) for g in some
    )


def test_a_relinked_state_is_stored_by_splicing_the_stored_rows(dev_dir: Path) -> None:
    """``encode_relink`` with a splice keeps the stored pieces of rows and pickles only the
    added documents' rows; it reads back as the same state as one pickled whole, also past
    ``RELINK_PIECES`` pieces (pickled whole again) and from a state stored whole."""
    from timeline.link import shards

    xs = gold_extractions(dev_dir)
    paths = [x.document.path for x in xs]
    versions = {p: "v" for p in paths}
    n = len(xs) - 3
    _, state = _state(xs[:n])
    data = shards.encode_relink(state, paths[:n], versions)
    for k in range(n, len(xs)):
        _, inner = shards.relink_documents(data)
        stored = shards.decode_relink(inner)
        keep: list[linker.PartState] = []
        assert linker.relink_part(stored, xs[k : k + 1], keep=keep) is not None
        pieces = shards.relink_pieces(inner)
        data = shards.encode_relink(
            keep[0], paths[: k + 1], versions, (pieces, frozenset({paths[k]}))
        )
        _, inner = shards.relink_documents(data)
        assert len(shards.relink_pieces(inner)) == len(pieces) + 1
        whole = shards.encode_relink(keep[0], paths[: k + 1], versions)
        assert shards.decode_relink(inner) == keep[0] == shards.decode_relink(
            shards.relink_documents(whole)[1]
        )
        assert len(shards.relink_pieces(shards.relink_documents(whole)[1])) == 1
    many = (pieces * shards.RELINK_PIECES)[: shards.RELINK_PIECES]
    again = shards.encode_relink(keep[0], paths, versions, (many, frozenset({paths[-1]})))
    assert len(shards.relink_pieces(shards.relink_documents(again)[1])) == 1


def _families(families: dict[str, str]) -> set[frozenset[str]]:
    """Label families as a partition of the labels (what their names are does not matter)."""
    out: dict[str, set[str]] = {}
    for label, family in families.items():
        out.setdefault(family, set()).add(label)
    return {frozenset(v) for v in out.values()}


def test_label_families_from_known_ones_are_the_families_made_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``_label_families`` given the families of some items' labels (what a kept state
    stores) compares only the other labels, and gives the same families as made whole: also
    when a new label joins two known families (a chain) or several new ones join each other."""
    from types import SimpleNamespace

    base = [
        "directive on the protection of wild birds in the union",
        "regulation on the common organisation of agricultural markets",
        "decision on the european year of volunteering activities",
        "convention on the rights of the child of the united nations",
    ]
    labels: list[str] = []
    for b in base:  # each a chain: every label alike its neighbours, not the ends
        labels += [b, b + " x", b + " xy", b + " xyz", b + " xyzw", b + " xyzwv"]
    labels += ["a label alike no other one", "framework decision on the fight against crime"]
    items = [SimpleNamespace(labels=(la,)) for la in labels]
    whole = linker._label_families(items)  # type: ignore[arg-type]
    assert len(_families(whole)) == len(base) + 2  # the chains are families
    similarity = linker.similarity
    for drop in ([1], [2, 3], [8, 14], [0, 6, 12, 18, 24], [25]):
        some = [i for n, i in enumerate(items) if n not in drop]
        known = linker._label_families(some)  # type: ignore[arg-type]
        calls = 0

        def counted(a: str, b: str, floor: float = 0.0) -> float:
            nonlocal calls
            calls += 1
            return similarity(a, b, floor)

        monkeypatch.setattr(linker, "similarity", counted)
        got = linker._label_families(items, known)  # type: ignore[arg-type]
        monkeypatch.setattr(linker, "similarity", similarity)
        assert _families(got) == _families(whole), drop
        assert calls <= len(drop) * len(labels), (drop, calls)  # only the new labels compared
    # known families that are not a partition of some of the labels: made whole
    assert _families(linker._label_families(items, {"other": "label"})) == _families(whole)  # type: ignore[arg-type]


@pytest.mark.parametrize("drop_celex", [False, True], ids=["numbers", "titles-only"])
def test_a_relinked_state_keeps_the_label_families_of_every_item(
    dev_dir: Path, drop_celex: bool
) -> None:
    """A part's state keeps its items' label families, and the part relinked from it keeps
    those of every item (the stored ones and the added document's), the part linked whole."""
    xs = gold_extractions(dev_dir, drop_celex=drop_celex)
    before, state = _state(xs[:-1])
    assert state.finish is not None and state.finish[3] is not None
    keep: list[linker.PartState] = []
    assert linker.relink_part(state, xs[-1:], previous=before, keep=keep) == linker.link_part(xs)
    _, whole = _state(xs)
    assert keep[0].finish is not None and whole.finish is not None
    assert keep[0].finish[3] is not None and whole.finish[3] is not None
    assert _families(dict(keep[0].finish[3])) == _families(dict(whole.finish[3]))
    assert set(dict(state.finish[3])) <= set(dict(whole.finish[3]))


def test_sole_marks_of_the_new_items_groups_are_those_marked_whole() -> None:
    """``_mark_sole`` given the new items (the others marked among themselves, as a kept
    state stores them) reads only the new items' groups and marks every item as when all are
    marked at once, for day, month, year and text dates, shared document ids and one-item
    groups that grow."""
    import random
    from types import SimpleNamespace

    dates_ = ["2010-03-01", "2010-03-05", "2010-03", "2010", "2011-01-01", "XXXX-03", "2010-Q1"]
    rng = random.Random(8)
    for trial in range(200):
        n = rng.randint(2, 14)

        def item(k: int) -> SimpleNamespace:
            return SimpleNamespace(
                index=k,
                primary=rng.choice(["32010L0001", "32011R0002", None]),
                event=SimpleNamespace(
                    date=rng.choice([*dates_, None]), type=rng.choice(["adoption", "proposal"])
                ),
                doc_ids=frozenset(rng.sample(["ref:a", "ref:b", "parallel:c", "path:d"], 2)),
                sole=True,
            )

        items = [item(k) for k in range(n)]
        whole = [SimpleNamespace(**vars(i)) for i in items]
        linker._mark_sole(whole)  # type: ignore[arg-type]
        new = rng.sample(items, rng.randint(1, n - 1))
        olds = [i for i in items if i not in new]
        linker._mark_sole(olds)  # type: ignore[arg-type]  # what the state keeps
        linker._mark_sole(items, new)  # type: ignore[arg-type]
        assert [i.sole for i in items] == [i.sole for i in whole], trial
    # the new items' groups only: a group no new item is in keeps its marks as they are
    a, b = (
        SimpleNamespace(index=k, primary="32010L0001", sole=False, doc_ids=frozenset({"ref:a"}),
                        event=SimpleNamespace(date="2010-03-01", type="adoption"))
        for k in range(2)
    )
    c = SimpleNamespace(index=2, primary="32010L0001", sole=True, doc_ids=frozenset({"ref:z"}),
                        event=SimpleNamespace(date="2010-03-01", type="adoption"))
    linker._mark_sole([a, b, c], [c])  # type: ignore[list-item]
    assert (a.sole, b.sole, c.sole) == (False, False, True)


def test_relinked_stored_items_share_equal_events_and_act_lists(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored items ``relink_part`` makes again from their rows hold one object per
    distinct event and act list (``_item_of_row``'s ``shared``), each equal to the one the
    item's own row makes; the part is the one linked whole."""
    xs = gold_extractions(dev_dir)
    before, state = _state(xs[:-1])
    seen = _seen_items(monkeypatch)
    assert linker.relink_part(state, xs[-1:], previous=before) == linker.link_part(xs)
    items = seen[0]
    rows = [r for row in state.rows for r in row[9]]
    stored = [i for i in items if i.document.path != xs[-1].document.path]
    assert len(stored) == len(rows)
    assert len({id(i.event) for i in stored}) == len({r[0] for r in rows}) < len(rows)
    assert len({id(i.acts) for i in stored}) == len({r[1] for r in rows})
    doc = stored[0].document
    for item, row in zip(stored, rows, strict=True):
        alone = linker._item_of_row(row, item.index, doc, frozenset(), None, {})
        assert (item.event, item.acts) == (alone.event, alone.acts)
