"""The figure describes what it draws: when only the largest dossiers are drawn, its subtitle
and footer count the drawn lanes alone, so a document whose entries fall outside them leaves
the images as they are (bytes and modification times), and one inside draws them again.

The plan (and its digest, which decides a redraw) reads no entry id: ids hash the sources'
paths, so the same corpus in another folder gives the same digest and the same images.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from built_files import count_drawings
from built_files import output_files as _files

from timeline import pipeline
from timeline.model import Dossier, Entry, Timeline
from timeline.render import image, imageplan

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import (  # noqa: E402
    Text,
    _shift_date,
    _shift_numbers,
    dev_texts,
    synthetic_corpus,
    write_corpus,
)

DEV = ROOT.parent / "shared" / "corpus" / "dev"
IMAGES = ("timeline.png", "timeline.svg", "timeline.pdf")
#: What the cached builds write besides the images (few, to keep the test short)
FORMATS = ["csv", "png", "svg", "pdf"]


def _timeline(sizes: list[int]) -> Timeline:
    """Dossier ``d`` with ``sizes[d]`` dated entries, one a year from 2000."""
    entries, dossiers = [], []
    for d, size in enumerate(sizes):
        ids = []
        for k in range(size):
            e = Entry(
                id=f"e-{d}-{k}", date=f"{2000 + k}-01-0{1 + d % 9}", precision="day",
                earliest=None, latest=None, status="planned" if k == 0 else "past",
                type="adoption", label=f"Act {d}", acts=(), procedures=(), actors=(),
                sources=(), dossier=f"d-{d}",
            )
            entries.append(e)
            ids.append(e.id)
        dossiers.append(Dossier(f"d-{d}", f"Dossier {d}", (), (), tuple(ids)))
    return Timeline(entries=tuple(entries), dossiers=tuple(dossiers))


def test_every_dossier_drawn_keeps_the_timeline_counts() -> None:
    drawn = imageplan.plan(_timeline([3, 2]))
    assert not drawn.partial
    assert drawn.subtitle == "5 entries in 2 dossiers, 2000–2002; 2 planned"
    assert drawn.footer(0) == "full list with sources: timeline.html, events.csv."
    assert drawn.footer(1234) == (
        "1,234 entries without room for a label are shown by their mark only;"
        " full list with sources: timeline.html, events.csv."
    )


def test_the_largest_dossiers_drawn_are_counted_alone() -> None:
    sizes = [d + 1 for d in range(imageplan.MAX_LANES + 5)]  # dossier d has d + 1 entries
    drawn = imageplan.plan(_timeline(sizes))
    largest = sizes[5:]
    assert drawn.partial
    assert drawn.subtitle == (
        f"The 12 largest dossiers: {sum(largest)} entries, 2000–{1999 + max(sizes)};"
        f" {len(largest)} planned"
    )
    assert drawn.footer(0) == (
        "Smaller dossiers are not drawn: timeline.html and events.csv list every entry with its"
        " sources."
    )
    assert str(sum(sizes)) not in drawn.subtitle + drawn.footer(0)  # no corpus total
    # one more entry in a dossier not drawn (still smaller than the drawn ones): same plan
    grown = list(sizes)
    grown[0] += 1
    assert imageplan.plan(_timeline(grown)).digest() == drawn.digest()
    # one more entry in a drawn dossier: another plan
    grown = list(sizes)
    grown[-1] += 1
    assert imageplan.plan(_timeline(grown)).digest() != drawn.digest()


def test_ties_are_broken_by_what_is_drawn_not_by_ids() -> None:
    """Two entries of one day, type and label, one planned: whichever id sorts first, the plan
    orders them alike, its digest and the image stay."""
    tl = _timeline([3])
    twin = tl.entries[1]

    def with_ids(past: str, planned: str) -> Timeline:
        entries = (
            *tl.entries[:1], replace(twin, id=past), replace(twin, id=planned, status="planned"),
            *tl.entries[2:],
        )
        return replace(
            tl, entries=entries,
            dossiers=(replace(tl.dossiers[0], entries=tuple(e.id for e in entries)),),
        )

    a, b = with_ids("e-a", "e-b"), with_ids("e-b", "e-a")

    def order(t: Timeline) -> list[tuple[str | None, str]]:
        return [(it.entry.date, it.entry.status) for _, its in imageplan.plan(t).placed for it in its]

    assert order(a) == order(b)
    assert imageplan.plan(a).digest() == imageplan.plan(b).digest()
    assert image.render_image(a, "svg") == image.render_image(b, "svg")


def _shifted(stem: str, name: str) -> Text:
    """A dev text with its years moved 40 on: new dates, and new act numbers (a new dossier
    when it names acts)."""
    t = next(t for t in dev_texts(DEV) if t.stem == stem)
    return Text(f"{name}-{stem}", _shift_numbers(t.text, 40, 3), t.language, _shift_date(t.date, 40, 3))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 synthetic documents (35 dossiers, 12 drawn), and two to add: one whose entries
    make a small new dossier (outside the drawn lanes), one whose entries join the largest
    lane (its dates widen the drawn span)."""
    if not DEV.is_dir():
        pytest.skip(f"no dev corpus at {DEV.resolve()} (the ../shared folder next to the repo)")
    folder = tmp_path_factory.mktemp("drawn-lanes")
    write_corpus(synthetic_corpus(dev_texts(DEV), 60, seed=5), folder / "docs")
    write_corpus([_shifted("boe-doue-l-2024-80945-es", "outside")], folder / "outside")
    write_corpus([_shifted("ip-09-342-fr", "inside")], folder / "inside")
    return folder


def _stamps(out: Path) -> dict[str, tuple[int, bytes]]:
    return {n: ((out / n).stat().st_mtime_ns, (out / n).read_bytes()) for n in IMAGES}


def test_a_document_outside_the_drawn_lanes_leaves_the_images(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_drawings(monkeypatch)
    docs, out = tmp_path / "docs", tmp_path / "out"
    shutil.copytree(corpus / "docs", docs)
    before = pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert drawn == [("png", "svg", "pdf")]
    assert imageplan.plan(before.timeline).partial
    images = _stamps(out)

    drawn.clear()
    shutil.copytree(corpus / "outside", docs, dirs_exist_ok=True)
    after = pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert len(after.timeline.entries) > len(before.timeline.entries)  # it added entries
    assert drawn == []
    assert _stamps(out) == images  # bytes and modification times

    drawn.clear()
    shutil.copytree(corpus / "inside", docs, dirs_exist_ok=True)
    pipeline.build([docs], out, formats=FORMATS, jobs=1)
    assert drawn == [("png", "svg", "pdf")]
    again = _stamps(out)
    assert all(again[n] != images[n] for n in IMAGES)

    # the files are those a build without the cache writes
    plain = tmp_path / "plain"
    pipeline.build([docs], plain, formats=FORMATS, use_cache=False, jobs=1)
    got, want = _files(out), _files(plain)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name


def test_the_same_corpus_in_another_folder_draws_the_same(corpus: Path, tmp_path: Path) -> None:
    digests, svgs = [], []
    for where in ("a", "b/deeper"):
        docs = tmp_path / where / "docs"
        shutil.copytree(corpus / "docs", docs)
        result = pipeline.build([docs], tmp_path / where / "out", formats=["csv"], jobs=1)
        assert str(docs) in result.timeline.entries[0].sources[0].document  # ids differ
        drawn = imageplan.plan(result.timeline)
        digests.append(drawn.digest())
        svgs.append(image.render_images(drawn, ["svg"])["svg"])
    assert digests[0] == digests[1]
    assert svgs[0] == svgs[1]
