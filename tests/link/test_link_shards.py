"""Linking shard by shard gives exactly the timeline of linking everything at once.

:func:`timeline.link.shards.partition` splits a corpus into groups of documents that share
nothing linking reads across documents; ``combine(link_part(shard) for shard in shards)``
must then be ``link(all)`` byte for byte (timeline.json). Held on the dev gold (with and
without the CELEX numbers of acts named by title, so that titles resolve), the bundled
sources, and generated corpora whose documents share acts, labels alike, procedures,
references, days and titles.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from link_helpers import doc, event, extraction, gold_extractions

from timeline import link, pipeline
from timeline.link import shards
from timeline.link.facts import document_facts, without_text
from timeline.model import Extraction

SOURCES = Path(__file__).resolve().parents[2] / "sources"


def _stems(dev: Path) -> list[str]:
    return sorted(p.name[: -len(".events.json")] for p in dev.glob("*.events.json"))


def _same(extractions: list[Extraction]) -> list[tuple[str, ...]]:
    """Assert the sharded timeline equals the whole one; return the shards."""
    facts = {x.document.path: document_facts(x) for x in extractions}
    whole = link.timeline_to_json(link.link(extractions, facts))
    assert link.timeline_to_json(shards.link_sharded_all(extractions, facts)) == whole
    return shards.partition(shards.doc_keys(x, facts[x.document.path]) for x in extractions)


@pytest.mark.parametrize("drop_celex", [False, True], ids=["gold", "titles-only"])
def test_dev_gold_sharded_equals_whole(dev_dir: Path, drop_celex: bool) -> None:
    found = _same(gold_extractions(dev_dir, _stems(dev_dir), drop_celex=drop_celex))
    # the dev corpus is many dossiers: it splits (else the test would prove nothing)
    assert len(found) > 5
    assert sorted(p for s in found for p in s) == sorted({p for s in found for p in s})


def test_sources_sharded_equals_whole() -> None:
    found = _same(list(pipeline.extract([SOURCES], exclude=("README.md",)).extractions))
    assert len(found) >= 1


def test_link_sharded_with_a_loader_and_memo(dev_dir: Path) -> None:
    xs = gold_extractions(dev_dir, _stems(dev_dir))
    facts = {x.document.path: document_facts(x) for x in xs}
    slim = {x.document.path: without_text(x) for x in xs}
    keys = {p: shards.doc_keys(slim[p], facts[p]) for p in slim}
    versions = {p: f"v1-{p}" for p in slim}
    loaded: list[str] = []

    def load(paths: list[str]) -> tuple[list[Extraction], dict]:
        loaded.extend(paths)
        return [slim[p] for p in paths], {p: facts[p] for p in paths}

    whole = link.timeline_to_json(link.link(xs))
    memo: dict[str, bytes] = {}
    got = shards.link_sharded(keys, load, memo=memo, versions=versions)
    assert link.timeline_to_json(got) == whole
    assert sorted(loaded) == sorted(slim)  # every document loaded once
    # a rebuild with nothing changed loads nothing and gives the same bytes
    loaded.clear()
    again = shards.link_sharded(keys, load, memo=memo, versions=versions)
    assert loaded == [] and link.timeline_to_json(again) == whole
    # one document changed: only its shard is linked again
    changed = sorted(slim)[0]
    versions = {**versions, changed: "v2"}
    shard = next(s for s in shards.partition(keys.values()) if changed in s)
    loaded.clear()
    shards.link_sharded(keys, load, memo=memo, versions=versions)
    assert sorted(loaded) == sorted(shard) and len(shard) < len(slim)


def test_keys_survive_json(dev_dir: Path) -> None:
    for x in gold_extractions(dev_dir, _stems(dev_dir), drop_celex=True):
        k = shards.doc_keys(x)
        assert shards.keys_from_json(json.loads(json.dumps(shards.keys_to_json(k)))) == k


def test_join_state_added_document_compares_only_its_strings(dev_dir: Path) -> None:
    xs = gold_extractions(dev_dir, _stems(dev_dir), drop_celex=True)
    keys = [shards.doc_keys(x) for x in xs]
    cold = shards.JoinState()
    assert shards.partition(keys, cold) == shards.partition(keys)
    state = shards.JoinState()
    shards.partition(keys[:-1], state)
    before = state.compared
    # the state survives a pickle (the build keeps it in its cache)
    state = pickle.loads(pickle.dumps(state))
    assert shards.partition(keys, state) == shards.partition(keys)
    assert state.compared - before < cold.compared / 5


# --- generated corpora --------------------------------------------------------------------

# Three topics, each with its acts, labels alike and sentences; a document keeps to its
# topic but now and then names another's, so corpora split into several shards and the keys
# that join them are exercised.
_TOPICS = [
    {
        "acts": {
            "32011L0093": "Directive 2011/93/EU",
            "32004F0068": "Framework Decision 2004/68/JHA",
        },
        "labels": [
            "Directive on combating the sexual abuse and sexual exploitation of children",
            "Directive on combating the sexual abuse and the sexual exploitation of children",
            "proposal for a Directive on combating the sexual abuse of children",
        ],
        "sentences": [
            "Directive 2011/93/EU repealing Framework Decision 2004/68/JHA was adopted.",
            "Framework Decision 2004/68/JHA of the Council on combating the sexual "
            "exploitation of children and child pornography.",
            "The Commission proposed a Directive on combating the sexual abuse and sexual "
            "exploitation of children.",
        ],
        "procedures": ["2010/0064(COD)"],
        "references": ["COM(2010) 94 final", "32011L0093"],
    },
    {
        "acts": {
            "32011L0092": "Directive 2011/92/EU",
            "31997F0154": "Joint Action 97/154/JHA",
        },
        "labels": [
            "Directive on the assessment of the effects of certain projects on the environment",
            "Directive on the assessment of effects of certain projects on the environment",
        ],
        "sentences": [
            "Directive 2011/92/EU amending Joint Action 97/154/JHA.",
            "The Council adopted the Directive on the assessment of the effects of certain "
            "projects on the environment.",
        ],
        "procedures": ["2009/0049(CNS)"],
        "references": ["32011L0092"],
    },
    {
        "acts": {"32016R0679": "Regulation (EU) 2016/679"},
        "labels": [
            "Regulation on the protection of natural persons with regard to the processing of "
            "personal data",
            "the data protection package",
        ],
        "sentences": [
            "Regulation (EU) 2016/679 on the protection of natural persons was published.",
            "The Council adopted its position today.",
        ],
        "procedures": ["2012/0011(COD)"],
        "references": ["32016R0679"],
    },
]
_DATES = [
    "2010-03-29",
    "2011-12-13",
    "2011-12-17",
    "2011-12",
    "2012",
    "2016-04-27",
    "2016-05-04",
    "2018-05-25",
    None,
]
_TYPES = ["proposal", "adoption", "publication", "transposition_deadline"]


@st.composite
def _corpus(draw: st.DrawFn) -> list[Extraction]:
    n = draw(st.integers(1, 10))
    out = []
    for i in range(n):
        home = draw(st.integers(0, len(_TOPICS) - 1))

        def topic(home: int = home) -> dict:
            return _TOPICS[draw(st.sampled_from([home, home, home, (home + 1) % len(_TOPICS)]))]

        t = topic()
        text = " ".join(draw(st.lists(st.sampled_from(t["sentences"]), max_size=2)))
        reference = draw(st.sampled_from([None, None, None, *t["references"]]))
        title = draw(st.sampled_from([None, None, *t["labels"]]))
        events = []
        for _ in range(draw(st.integers(0, 4))):
            t = topic()
            acts = tuple(
                draw(
                    st.lists(
                        st.one_of(
                            st.sampled_from(sorted(t["acts"].items())),
                            st.sampled_from(t["labels"]).map(lambda la: (None, la)),
                        ),
                        max_size=2,
                    )
                )
            )
            events.append(
                event(
                    draw(st.sampled_from(_TYPES)),
                    draw(st.sampled_from(_DATES)),
                    acts=acts,
                    procedures=tuple(draw(st.lists(st.sampled_from(t["procedures"]), max_size=1))),
                    status=draw(st.sampled_from(["past", "past", "planned"])),
                    text=draw(st.sampled_from(t["sentences"])),
                )
            )
        # each event quotes its sentence, as the text has it
        body = text
        fixed = []
        for e in events:
            if e.summary and e.timex:
                at = len(body) + 1
                body = f"{body}\n{e.summary}"
                e = replace(e, sentence_span=(at, at + len(e.summary)))
            fixed.append(e)
        date = draw(st.sampled_from(["2011-12-13", "2016-05-04", None]))
        out.append(
            extraction(
                doc(f"d{i:02d}.txt", body, date=date, reference=reference, title=title), *fixed
            )
        )
    return out


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_corpus())
def test_generated_corpora_sharded_equal_whole(corpus: list[Extraction]) -> None:
    _same(corpus)


def test_memo_values_are_json_free_bytes(dev_dir: Path) -> None:
    """What the memo keeps is bytes (the build's SQLite cache stores them as blobs)."""
    xs = gold_extractions(dev_dir, _stems(dev_dir)[:6])
    memo: dict[str, bytes] = {}
    keys = {x.document.path: shards.doc_keys(x) for x in xs}
    by = {x.document.path: x for x in xs}
    shards.link_sharded(
        keys,
        lambda ps: ([by[p] for p in ps], {}),
        memo=memo,
        versions={p: "1" for p in keys},
    )
    assert memo and all(isinstance(v, bytes) for v in memo.values())
    assert all(isinstance(k, str) for k in memo)
    json.dumps(sorted(memo))
