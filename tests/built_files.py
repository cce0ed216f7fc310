"""What a build wrote: shared by the build tests that compare two builds' outputs byte for byte."""

from __future__ import annotations

from pathlib import Path

from timeline.cache import FILENAME


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes; the cache file left out."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(FILENAME)
    }
