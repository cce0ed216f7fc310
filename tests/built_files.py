"""What a build wrote: shared by the build tests that compare two builds' outputs byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.cache import FILENAME


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes; the cache file left out."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(FILENAME)
    }


def count_drawings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """A list that records the formats of every drawing of the images (``image.render_images``)
    made in this process from now on."""
    from timeline.render import image

    drawn: list[tuple[str, ...]] = []
    draw = image.render_images

    def counted(timeline, formats, dpi=200):  # type: ignore[no-untyped-def]
        drawn.append(tuple(formats))
        return draw(timeline, formats, dpi)

    monkeypatch.setattr(image, "render_images", counted)
    return drawn
