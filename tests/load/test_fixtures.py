"""load_document on each committed fixture: the right text, language, date, reference, url."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.load import load_document, load_text
from timeline.load.html import parse_meta_date

from .conftest import FIXTURES
from .pdfmaker import make_pdf


def test_eurlex_act_page_french_body_under_english_chrome() -> None:
    doc = load_document(FIXTURES / "eurlex-32017r2403-fr.html")
    assert doc.source_format == "html"
    # the body is French although <title> says EN and the menus are English
    assert doc.language == "fr"
    assert doc.date == "2017-12-12"  # eli:date_document
    assert doc.reference == "32017R2403"
    assert doc.url == "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX%3A32017R2403"
    assert doc.title is not None and doc.title.startswith("Règlement (UE) 2017/2403")
    prov = dict(doc.provenance)
    assert prov["date"] == "html-meta:eli:date_document"
    assert prov["language"] == "detected"
    lines = doc.text.splitlines()
    # block structure kept as line breaks
    assert "RÈGLEMENT (UE) 2017/2403 DU PARLEMENT EUROPÉEN ET DU CONSEIL" in lines
    assert "du 12 décembre 2017" in lines
    assert "Fait à Strasbourg, le 12 décembre 2017." in lines
    # cookie banner, mega menu, language menu, sidebar and footer dropped; scripts never leak
    for chrome in (
        "cookies",
        "Treaties currently in force",
        "Deutsch",
        "Save to My items",
        "Last update",
        "1998-2019",
        "dcsid",
        "2019-05-01",
    ):
        assert chrome not in doc.text, chrome


def test_ep_press_release_page() -> None:
    doc = load_document(FIXTURES / "ep-press-release-en.html")
    assert doc.language == "en"
    assert doc.date == "2022-10-19"  # <meta name="available" content="19-10-2022">
    assert dict(doc.provenance)["date"] == "html-meta:available"
    assert doc.reference == "20221014IPR43206"  # from the canonical URL
    assert doc.title == "Car-recharging stations should be available every 60 km, say MEPs"
    assert dict(doc.provenance)["reference"] == "url:ep_press_room"
    assert doc.url is not None and "/press-room/20221014IPR43206/" in doc.url
    assert doc.text.startswith(
        "Car-recharging stations should be available every 60 km, say MEPs\n"
    )
    assert "Member states will have to present their plan by 2024 on how to achieve it." in doc.text
    for chrome in (
        "cookies",
        "Press Tool Kit",
        "Legal notice",
        "Last updated",
        "BG - ",
        "Share this page",
        "2021-01-01",
        "Access to page content",
    ):
        assert chrome not in doc.text, chrome


def _oj_pages() -> list[list[str]]:
    head = "6.8.2010   EN   Official Journal of the European Union   L 207/{n}"
    return [
        [
            "6.8.2010   EN   Official Journal of the European Union   L 207/1",
            "DIRECTIVE 2010/40/EU OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL",
            "of 7 July 2010",
            "on the framework for the deployment of Intelligent Transport Systems",
        ],
        [
            head.format(n=2),
            "Article 1",
            "Member States shall adopt the specifications",
            "by 27 February 2012 in accordance with Article 6.",
        ],
        [
            head.format(n=3),
            "Article 2",
            "The Commission shall report to the European Parliament",
            "and to the Council on the deployment by 27 February 2014.",
        ],
        [head.format(n=4), "Article 3", "Done at Strasbourg, 7 July 2010.", "For the Council"],
    ]


def test_pdf_made_by_the_test(tmp_path: Path) -> None:
    path = tmp_path / "directive.pdf"
    path.write_bytes(
        make_pdf(
            _oj_pages(),
            {"Title": "Directive 2010/40/EU", "CreationDate": "D:20100805082816+02'00'"},
        )
    )
    doc = load_document(path)
    assert doc.source_format == "pdf"
    assert doc.title == "Directive 2010/40/EU"
    assert doc.date == "2010-08-05"
    assert dict(doc.provenance)["date"] == "pdf-meta:CreationDate"
    assert doc.language == "en"
    assert len(doc.pages) == 4 and doc.pages[0] == 0
    # running heads dropped from pages 2-4, kept once on page 1
    assert doc.text.count("Official Journal of the European Union") == 1
    assert "L 207/3" not in doc.text
    # offsets map back to pages
    assert doc.page_of(doc.text.index("by 27 February 2014")) == 3
    assert doc.page_of(doc.text.index("Done at Strasbourg")) == 4
    assert doc.page_of(doc.text.index("DIRECTIVE 2010/40/EU")) == 1
    assert doc.text[doc.pages[1] :].startswith("Article 1\n")


def test_timeml(fixtures: Path) -> None:
    doc = load_document(fixtures / "corpus" / "sub" / "article-fr.tml")
    assert doc.source_format == "timeml"
    assert doc.date == "2009-03-03"
    assert doc.language == "fr"
    assert doc.title == "La Commission finance la coalition"
    start = doc.text.index("aujourd'hui")
    assert (
        doc.text[start : start + len("aujourd'hui un financement")] == "aujourd'hui un financement"
    )
    assert "<TIMEX3" not in doc.text and doc.text.startswith("\nLa Commission a annoncé")


def test_sidecar_overrides_detection(fixtures: Path) -> None:
    path = fixtures / "corpus" / "ip-example-en.txt"
    doc = load_document(path)
    assert (doc.date, doc.reference, doc.language, doc.kind) == (
        "2010-03-29",
        "IP/10/379",
        "en",
        "press_release",
    )
    assert doc.dossier == "child-sexual-abuse-2011-93" and doc.parallel is None
    assert dict(doc.provenance)["reference"] == "sidecar"
    plain = load_document(path, use_sidecar=False)
    assert plain.date is None  # never read from the body here
    assert plain.reference == "IP/10/379"
    assert dict(plain.provenance)["reference"] == "text:press_number"
    assert plain.text == doc.text == path.read_text(encoding="utf-8")


def test_front_matter(fixtures: Path) -> None:
    doc = load_document(fixtures / "corpus" / "note-de.md")
    assert doc.source_format == "markdown"
    assert (doc.title, doc.date, doc.reference, doc.dossier) == (
        "Vermerk zum Rahmenbeschluss",
        "2004-01-20",
        "32004F0068",
        "csa",
    )
    assert doc.language == "de"
    assert doc.text.startswith("# Vermerk\n")  # the block is cut off the text
    assert dict(doc.provenance)["title"] == "front-matter"


@pytest.mark.parametrize(
    ("name", "encoding", "snippet"),
    [
        ("utf8-bom.txt", "utf-8-bom", "adopté aujourd’hui"),
        ("utf16-bom.txt", "utf-16-le-bom", "adopté aujourd’hui"),
        ("cp1252.txt", "cp1252", "adopté aujourd’hui"),
        ("latin1.txt", "cp1252", "Brüssel, den 3. März 2009"),
        ("latin1-declared.html", "cp1252", "adopté par l’Assemblée nationale le 5 mai 2015"),
        ("cp1252-undeclared.html", "cp1252", "“no âmbito dos Poderes” da União"),
    ],
)
def test_encodings(fixtures: Path, name: str, encoding: str, snippet: str) -> None:
    doc = load_document(fixtures / "encodings" / name)
    assert snippet in doc.text
    assert not doc.text.startswith("\ufeff")
    assert dict(doc.provenance)["encoding"] == encoding


def test_legacy_html_title_and_language(fixtures: Path) -> None:
    doc = load_document(fixtures / "encodings" / "latin1-declared.html")
    assert doc.title == "Renseignement - Sénat"
    assert doc.language == "fr"
    assert "Accueil" not in doc.text and "Vaugirard" not in doc.text
    pt = load_document(fixtures / "encodings" / "cp1252-undeclared.html")
    assert pt.language == "pt" and "Presidência da República" in pt.text


def test_broken_html_still_loads_what_it_can(fixtures: Path) -> None:
    doc = load_document(fixtures / "bad" / "broken.html")
    assert doc.date == "2009-03-03"
    assert doc.title == "Commission press release"
    assert "will be discussed by the Council in June 2009" in doc.text
    assert "Member States would have two years to transpose the new rules" in doc.text


def test_load_text_plain_and_html() -> None:
    doc = load_text(
        "Bruxelles, le 3 mars 2009\nLa Commission européenne a adopté une proposition "
        "relative à la lutte contre les abus sexuels.\n"
    )
    assert doc.path == "-" and doc.source_format == "text" and doc.language == "fr"
    page = load_text(
        "<!DOCTYPE html><html><head><title>T</title>"
        "<meta property='article:published_time' content='2021-04-21T10:00:00Z'>"
        "</head><body><article><p>The Commission proposed the Artificial Intelligence "
        "Act on 21 April 2021, the first legal framework on AI.</p></article></body></html>",
        path="stdin.html",
    )
    assert page.source_format == "html" and page.date == "2021-04-21"
    assert "Artificial Intelligence Act" in page.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-01-21T09:43+01:00", "2022-01-21"),
        ("19-10-2022", "2022-10-19"),
        ("03/03/2009", "2009-03-03"),
        ("20100805", "2010-08-05"),
        ("2022-02-30", None),
        ("last week", None),
    ],
)
def test_meta_dates(value: str, expected: str | None) -> None:
    assert parse_meta_date(value) == expected


def test_load_bytes_decodes_and_sniffs(fixtures: Path) -> None:
    from timeline.load import load_bytes

    utf16 = (fixtures / "encodings" / "utf16-bom.txt").read_bytes()
    doc = load_bytes(utf16)
    assert doc.path == "-" and doc.language == "fr" and "adopté aujourd’hui" in doc.text
    page = load_bytes((fixtures / "encodings" / "latin1-declared.html").read_bytes(), path="page")
    assert page.source_format == "html" and "Procédure accélérée" in page.text
    pdf = load_bytes(make_pdf(_oj_pages()))
    assert pdf.source_format == "pdf" and len(pdf.pages) == 4


def test_timeml_with_latin1_prolog(tmp_path: Path) -> None:
    path = tmp_path / "apw.tml"
    path.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<TimeML><DCT><TIMEX3 tid="t0" type="DATE" '
        'value="1998-02-06" functionInDocument="CREATION_TIME">02/06/1998</TIMEX3></DCT><TEXT>\n'
        'Le président a annoncé la réforme le <TIMEX3 tid="t1" type="DATE" value="1998-02-05">'
        "5 février</TIMEX3>.\n</TEXT></TimeML>\n".encode("latin-1")
    )
    doc = load_document(path)
    assert doc.text == "\nLe président a annoncé la réforme le 5 février.\n"
    assert (doc.date, doc.language) == ("1998-02-06", "fr")


def test_timeml_not_well_formed(tmp_path: Path) -> None:
    from timeline.errors import InputError

    path = tmp_path / "bad.tml"
    path.write_text("<TimeML><TEXT>unclosed</TimeML>", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    assert info.value.problem.startswith("TimeML file is not well-formed XML (mismatched tag")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "notepad.txt"
    text = "Bruxelles, le 3 mars 2009\nLa Commission a adopté une proposition aujourd’hui.\n"
    path.write_bytes(text.encode(codec))
    doc = load_document(path)
    assert doc.text == text and dict(doc.provenance)["encoding"] == codec
