"""The streaming benchmark's corpus: the same files made by one process or several, and a
corpus kept in ``--stream-dir`` reused by a later run instead of made again."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import Text, stream_corpus  # noqa: E402

BASE = [
    Text("a-en", "Adopted on 13 December 2011, in force from 1 January 2012. " * 20, "en", "2011-12-13"),
    Text("b-en", "Brussels, 3 March 2009. COM(2009) 135 of 29 February 2008. " * 20, "en", "2009-03-03"),
]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_one_process_or_two_make_the_same_files(tmp_path: Path) -> None:
    one = stream_corpus(BASE, 0.5, 3, tmp_path / "one", jobs=1)
    two = stream_corpus(BASE, 0.5, 3, tmp_path / "two", jobs=2)
    assert one == two and one[0] > 2
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert len(_files(tmp_path / "one")) == 2 * one[0] + 1  # text, sidecar, and the manifest
    assert sum(len(b) for n, b in _files(tmp_path / "one").items() if n.endswith(".txt")) == one[1]


def test_a_kept_corpus_is_reused_and_another_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    first = stream_corpus(BASE, 0.5, 3, folder)
    marker = folder / "long00000.txt"
    marker.write_text("left as it was", encoding="utf-8")
    assert stream_corpus(BASE, 0.5, 3, folder) == first  # the manifest says it is this corpus
    assert marker.read_text(encoding="utf-8") == "left as it was"
    other = stream_corpus(BASE, 0.5, 4, folder)  # another seed: made again
    assert marker.read_text(encoding="utf-8") != "left as it was" and other[0] == first[0]
    (folder / "stream.json").unlink()  # no manifest (a run stopped while making it): made again
    assert stream_corpus(BASE, 0.5, 4, folder) == other
