"""A large build gives the memory its extraction and linking freed back to the system before
it links and before its writers are forked (``pipeline._trim_heap``); a small one does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import pipeline
from timeline.link import linker

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.mark.parametrize(("hold", "trims"), [(None, 0), (0, 2)], ids=["small", "large"])
def test_the_heap_is_trimmed_on_the_large_path_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hold: int | None, trims: int
) -> None:
    calls: list[int] = []
    real = pipeline._trim_heap
    monkeypatch.setattr(pipeline, "_trim_heap", lambda: calls.append(1) or real())
    if hold is not None:  # the bundled sources taken for a corpus beyond both thresholds
        monkeypatch.setattr(linker, "HOLD_EVENTS", hold)
        monkeypatch.setattr(pipeline, "HOLD_FRAGMENTS", hold)
    result = pipeline.build([SOURCES], tmp_path / "out", formats=["csv"], jobs=1)
    assert result.events > 0
    assert len(calls) == trims
