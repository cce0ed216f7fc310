"""The shortcuts of a one-added rebuild's link (session 9): a relinked part reads only the stored
part's entries (``shards.decode_entries``), plans are linked with each candidate read once
(``linker._link_plans`` against the pair-by-pair reading it replaced), labels are made once per
(type, what), and the sharded link leaves what it made out of the collector's generations."""

from __future__ import annotations

import gc
import pickle
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from link_helpers import gold_extractions

from timeline import pipeline
from timeline.link import dates, linker, shards
from timeline.link.acts import ActRelation, normalize, similarity
from timeline.link.facts import facts_by_path
from timeline.model import Entry, Extraction, Timeline


def _pairwise_plans(
    entries: list[Entry], relations: list[ActRelation]
) -> tuple[list[Entry], list[str]]:
    """``_link_plans`` as session 8 wrote it: every candidate's keys and rank read again for
    each plan that meets it (the reference the faster one must equal)."""
    from collections import defaultdict

    plans = sorted(
        (e for e in entries if e.status == "planned" and e.type not in linker.FIXED_TYPES),
        key=lambda e: (dates.sort_key(linker._anchor(e)), e.id),
    )
    actual = [e for e in entries if e.status != "planned" and e.date]
    updates: dict[str, dict[str, Any]] = defaultdict(dict)
    open_plans: list[str] = []
    for plan in plans:
        keys = {k for k in (linker._act_key(a.celex) for a in plan.acts) if k}
        related = linker._related(keys, relations)
        labels = [normalize(a.label) for a in plan.acts if not a.celex and a.label]
        anchor_iv = dates.interval(linker._anchor(plan))
        best: Entry | None = None
        for cand in actual:
            if cand.type != plan.type:
                continue
            iv = dates.interval(cand.date)
            if iv is None or (anchor_iv is not None and iv[0] < anchor_iv[0]):
                continue
            cand_keys = {k for k in (linker._act_key(a.celex) for a in cand.acts) if k}
            same = bool(cand_keys & related) or bool(set(plan.procedures) & set(cand.procedures))
            if not same and labels:
                same = any(
                    similarity(a, normalize(b.label), linker.LABEL_THRESHOLD)
                    >= linker.LABEL_THRESHOLD
                    for a in labels
                    for b in cand.acts
                )
            if not same:
                continue
            if best is None or (dates.sort_key(cand.date), cand.id) < (
                dates.sort_key(best.date), best.id
            ):
                best = cand
        if best is None:
            open_plans.append(plan.id)
            continue
        delay = None
        if anchor_iv is not None and anchor_iv[0] == anchor_iv[1] and dates.is_day(best.date):
            best_iv = dates.interval(best.date)
            assert best_iv is not None
            delay = (best_iv[0] - anchor_iv[0]).days
        updates[plan.id].update(realised_by=best.id, delay_days=delay)
        if "realises" not in updates[best.id]:
            updates[best.id].update(realises=plan.id, delay_days=delay)
    out = [replace(e, **updates[e.id]) if e.id in updates else e for e in entries]
    return out, sorted(open_plans)


def _unlinked(timeline: Timeline) -> tuple[list[Entry], list[ActRelation]]:
    """The timeline's entries with no plan linked, and its relations (what _link_plans reads)."""
    entries = [
        replace(e, realised_by=None, realises=None, delay_days=None) for e in timeline.entries
    ]
    relations = [
        ActRelation(**{**r, "span": tuple(r["span"])}) for r in timeline.extra["relations"]
    ]
    return entries, relations


@pytest.mark.parametrize("drop_celex", [False, True], ids=["numbers", "titles-only"])
def test_link_plans_equals_the_pair_by_pair_reading(dev_dir: Path, drop_celex: bool) -> None:
    xs = gold_extractions(dev_dir, drop_celex=drop_celex)
    entries, relations = _unlinked(linker.link(xs))
    want = _pairwise_plans(entries, relations)
    assert linker._link_plans(entries, relations) == want
    assert any(e.realised_by for e in want[0])  # plans are realised (else this proves little)
    # every plan a later entry of its type could realise: the earliest ranked must win
    many = [
        replace(e, status="planned", date=None, earliest="1990-01-01", latest="1990-01-01")
        if n % 3 == 0 else e
        for n, e in enumerate(entries)
    ]
    want = _pairwise_plans(many, relations)
    assert linker._link_plans(many, relations) == want
    # plans realised and left open both occur
    assert want[1] and any(e.realised_by for e in want[0])


def test_labels_made_once_per_type_and_subject(bundled_timeline: Timeline) -> None:
    names = {"32004F0068": "Framework Decision 2004/68/JHA"}

    def name_of(key: str) -> str:
        return names.get(key, key)

    labels = {"adoption": "Adopted"}
    made: dict[tuple[str, str], str] = {}
    for e in bundled_timeline.entries:
        assert linker._label(e, name_of, labels, made) == linker._label(e, name_of, labels)
    # entries share labels: the memo holds fewer than there are entries
    assert 0 < len(made) < len(bundled_timeline.entries)


def test_decode_entries_is_the_parts_entries(bundled_gold: list[Extraction]) -> None:
    part = linker.link_part(bundled_gold)
    data = shards.encode_part(part)
    assert shards.decode_entries(data) == part.entries == shards.decode_part(data).entries
    foreign = pickle.dumps((shards.VERSION + 1, []), protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(ValueError, match="version"):
        shards.decode_entries(foreign)


def _relinked(xs: list[Extraction], previous: Any) -> Iterable[tuple[Any, Any]]:
    facts = facts_by_path(xs)
    for added in xs[::4]:
        rest = [x for x in xs if x is not added]
        keep: list[linker.PartState] = []
        before = linker.link_part(rest, keep=keep)
        got = linker.relink_part(
            keep[0], [added], {added.document.path: facts[added.document.path]},
            previous=previous(before),
        )
        if got is not None:
            yield got, linker.link_part(xs, facts)


@pytest.mark.parametrize(
    "previous",
    [
        lambda part: part.entries,
        lambda part: shards.decode_entries(shards.encode_part(part)),
        lambda part: list(part.entries),
    ],
    ids=["entries", "decoded-entries", "entry-list"],
)
def test_relink_from_the_stored_entries_alone(dev_dir: Path, previous: Any) -> None:
    xs = gold_extractions(dev_dir)
    pairs = list(_relinked(xs, previous))
    assert len(pairs) >= 3
    for got, want in pairs:
        assert got == want


def test_sharded_link_leaves_the_collector_on_and_its_objects_frozen(
    dev_dir: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for stem in ("celex-32004f0068-en", "celex-32004f0068-de", "ip-09-342-fr"):
        for suffix in (".txt", ".meta.json"):
            shutil.copy(dev_dir / f"{stem}{suffix}", docs / f"{stem}{suffix}")
    before = gc.get_freeze_count()
    was = gc.isenabled()
    try:
        result = pipeline.build([docs], tmp_path / "out", formats=["csv"], jobs=1)
        assert gc.isenabled() is was
        # the linked timeline's objects are among those frozen (no collection walks them)
        assert gc.get_freeze_count() > before
        assert result.timeline is not None and result.timeline.entries
    finally:
        gc.unfreeze()  # the rest of the test session as it was
