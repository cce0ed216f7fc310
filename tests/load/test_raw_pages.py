"""Real pages as users save them (../shared/raw): metadata, and must-have / must-not-have text."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from timeline.load import load_document

from .conftest import SHARED

RAW = SHARED / "raw"


class Case(NamedTuple):
    name: str
    language: str
    date: str | None
    reference: str | None
    must_have: tuple[str, ...]
    must_not_have: tuple[str, ...]


CASES = [
    Case(
        "de-bmas-impf-genesenennachweise-2022-de.html",
        "de",
        "2022-01-26",
        None,
        ("Mit der am 15. Januar 2022 in Kraft getretenen Verordnung",),
        ("Zum Inhalt springen", "Arbeitsförderung\n", "Jugendberufsagenturen"),
    ),
    Case(
        "eurlex-32017r2403-pt-txt.html",
        "pt",
        "2017-12-12",
        "32017R2403",
        ("REGULAMENTO (UE) 2017/2403 DO PARLAMENTO EUROPEU E DO CONSELHO",),
        ("I accept cookies",),
    ),
    Case(
        "senat-fr-dossier-pjl14-424-renseignement-fr.html",
        "fr",
        None,
        None,
        ("Loi n° 2015-912 du 24 juillet 2015",),
        ("Ã©",),
    ),
    Case(
        "br-planalto-lei-8666-1993-pt.html",
        "pt",
        None,
        None,
        ("Presidência da República", "LEI Nº 8.666, DE 21 DE JUNHO DE 1993"),
        ("ę", "Ã"),
    ),
    Case(
        "eurlex-procedure-2021-106-ai-act-en.html",
        "en",
        None,
        "2021/0106(COD)",
        ("ARTIFICIAL INTELLIGENCE ACT", "EP position at first reading\n\n13/03/2024"),
        (),
    ),
    Case(
        "ep-press-release-20221014ipr43206-en.html",
        "en",
        "2022-10-19",
        "20221014IPR43206",
        ("Member states will have to present their plan by 2024",),
        ("Press Tool Kit",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_raw_page(case: Case) -> None:
    path = RAW / case.name
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/raw sits next to the checkout)")
    doc = load_document(path)
    assert (doc.language, doc.date, doc.reference) == (case.language, case.date, case.reference)
    for text in case.must_have:
        assert text in doc.text, text
    for text in case.must_not_have:
        assert text not in doc.text, text


def test_oj_pdf_running_heads_and_pages() -> None:
    path = RAW / "eurlex-32010l0040-its-directive-en.pdf"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/raw sits next to the checkout)")
    doc = load_document(path)
    assert len(doc.pages) == 13 and doc.language == "en"
    assert doc.title is not None and doc.title.startswith("Directive 2010/40/EU")
    # the running head stays once, on page 1
    assert (
        sum(
            "Official Journal of the European Union L 207/" in line
            for line in doc.text.splitlines()
        )
        == 1
    )
    assert doc.page_of(doc.text.index("DIRECTIVE 2010/40/EU OF THE EUROPEAN PARLIAMENT")) == 1
