"""Shared test fixtures: where the repo, its bundled sources and ../shared live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "sources"
SHARED = REPO.parent / "shared"
DEV = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    """The gold dev corpus in ../shared/corpus/dev (skips when absent, as in a user's clone)."""
    if not DEV.is_dir():
        pytest.skip(f"no dev corpus at {DEV} (../shared is only beside the developers' checkout)")
    return DEV
