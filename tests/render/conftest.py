"""Fixtures of the render tests: hand-built timelines, their rendered files, a headless browser."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_fixtures import DEV, corpus_timeline, xss_timeline  # noqa: E402

from timeline.model import Timeline  # noqa: E402
from timeline.render import render  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def corpus() -> Timeline:
    """The dev corpus gold events as a Timeline (skips without ../shared)."""
    if not DEV.is_dir():
        pytest.skip(f"no dev corpus at {DEV} (../shared is only beside the developers' checkout)")
    return corpus_timeline(DEV)


@pytest.fixture(scope="session")
def xss() -> Timeline:
    """A timeline whose every text field carries markup and script."""
    return xss_timeline()


@pytest.fixture(scope="session")
def rendered(corpus: Timeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every format of the corpus timeline, rendered once for the session."""
    out = tmp_path_factory.mktemp("rendered")
    render(corpus, out)
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (skips when either is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run .ci/install-browser as root")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $TIMELINE_SCREENSHOTS when set (e.g. output/), else a tmp dir."""
    target = os.environ.get("TIMELINE_SCREENSHOTS")
    path = Path(target) if target else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path
