"""A cold build (no cache file yet): the workers start at once, and linking takes the records
as they came from the workers instead of reading them back from the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from built_files import output_files as _files

from timeline import pipeline
from timeline.cache import ExtractionCache

FORMATS = ["csv", "summary", "graph", "timeml"]


def test_cold_build_reads_no_record_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    load = ExtractionCache.load_records

    def counted(self: ExtractionCache, keys: Any) -> Any:
        keys = list(keys)
        reads.append(len(keys))
        return load(self, keys)

    monkeypatch.setattr(ExtractionCache, "load_records", counted)
    cold = pipeline.build(None, tmp_path / "cold", formats=FORMATS)
    assert reads == []  # linked from the records decoded as they came
    plain = pipeline.build(None, tmp_path / "plain", formats=FORMATS, use_cache=False)
    assert _files(tmp_path / "cold") == _files(tmp_path / "plain")
    # the records were stored all the same: the result reads them back from the cache
    assert cold.extractions == plain.extractions
    assert reads == [cold.documents]

    # a second build finds every document in the cache, and links from its memo
    reads.clear()
    again = pipeline.build(None, tmp_path / "cold", formats=FORMATS)
    assert _files(tmp_path / "cold") == _files(tmp_path / "plain")
    assert again.extractions == plain.extractions
