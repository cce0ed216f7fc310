"""Fixtures of the linking tests: the gold events of the bundled corpus, linked once."""

from __future__ import annotations

from pathlib import Path

import pytest
from link_helpers import gold_extractions

from timeline.link import link
from timeline.model import Extraction, Timeline

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.is_dir():
        pytest.skip(f"no dev corpus at {DEV} (../shared is only beside the developers' checkout)")
    return DEV.resolve()


@pytest.fixture(scope="session")
def bundled_gold(dev_dir: Path) -> list[Extraction]:
    return gold_extractions(dev_dir)


@pytest.fixture(scope="session")
def bundled_timeline(bundled_gold: list[Extraction]) -> Timeline:
    return link(bundled_gold)
