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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``pure_python`` tests when the compiled build runs: they count work by
    monkeypatching module functions or classes that compiled code calls directly in C (or that
    a compiled class does not let be replaced). tests/native runs them in a pure process."""
    from timeline import _native

    build = _native.build()
    if not build.compiled:
        return
    skip = pytest.mark.skip(
        reason="pure_python: compiled callers bypass the monkeypatch "
        "(tests/native/test_compiled_build.py runs it with TIMELINE_NATIVE=off)"
    )
    for item in items:
        if item.get_closest_marker("pure_python") is not None:
            item.add_marker(skip)
