"""timeline.png / .svg / .pdf: size, real content, labels that never overlap, byte-identical reruns."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imread
from matplotlib.text import Text

from timeline.model import Timeline
from timeline.render.image import WIDTH_IN, _figure, render_image


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_is_a4_landscape_wide_at_print_resolution(rendered: Path) -> None:
    width, height = _png_size((rendered / "timeline.png").read_bytes())
    assert width == round(WIDTH_IN * 200)
    assert 600 < height < 12000


def test_png_has_real_content_in_several_colours(rendered: Path) -> None:
    pixels = imread(rendered / "timeline.png")[..., :3]
    ink = (pixels < 0.85).any(axis=2)
    assert 0.01 < ink.mean() < 0.5  # neither blank nor a solid block
    # dots of several type colours: count clearly saturated hues
    sat = pixels.max(axis=2) - pixels.min(axis=2)
    hues = {tuple((p * 4).round().astype(int)) for p in pixels[sat > 0.35][::7]}
    assert len(hues) >= 4


def test_png_has_no_software_stamp(rendered: Path) -> None:
    data = (rendered / "timeline.png").read_bytes()
    assert b"Software" not in data and b"matplotlib" not in data.lower()


def test_svg_is_valid_and_undated(rendered: Path) -> None:
    data = (rendered / "timeline.svg").read_bytes()
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert b"<dc:date>" not in data
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 100


def test_pdf_is_one_page_without_dates(rendered: Path) -> None:
    data = (rendered / "timeline.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/CreationDate" not in data and b"/ModDate" not in data
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 1


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_images_are_byte_identical_between_runs(xss: Timeline, fmt: str) -> None:
    assert render_image(xss, fmt) == render_image(xss, fmt)


def test_labels_never_overlap_each_other(corpus: Timeline) -> None:
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig = _figure(corpus)
        renderer = FigureCanvasAgg(fig).get_renderer()
        ax = fig.axes[0]
        labels = [t for t in ax.texts if isinstance(t, Text) and t.get_text()]
        assert len(labels) >= 30
        boxes = [t.get_window_extent(renderer) for t in labels]
        clashes = [
            (labels[i].get_text(), labels[j].get_text())
            for (i, a), (j, b) in combinations(enumerate(boxes), 2)
            if a.overlaps(b) and min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1
        ]
        assert clashes == []
        # legible at A4 width: no text smaller than 7 pt on an 11.7 in wide figure
        sizes = [t.get_fontsize() for t in [*fig.texts, *ax.texts, *ax.get_xticklabels()] if t.get_text()]
        assert min(sizes) >= 7
        # and every label stays inside the figure
        fig_box = fig.bbox
        assert all(b.x0 >= fig_box.x0 - 1 and b.x1 <= fig_box.x1 + 1 for b in boxes)
