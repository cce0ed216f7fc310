"""Legal acts to CELEX and procedures to their canonical form, in several languages."""

from __future__ import annotations

import pytest

from timeline.events import find_acts, find_procedures

CASES = [
    ("Directive 2011/93/EU on combating", "en", "32011L0093"),
    ("Council Framework Decision 2004/68/JHA", "en", "32004F0068"),
    ("la décision-cadre 2004/68/JAI du Conseil", "fr", "32004F0068"),
    ("Rahmenbeschluss 2004/68/JI des Rates", "de", "32004F0068"),
    ("Regulation (EU) 2016/679 of the European Parliament", "en", "32016R0679"),
    ("règlement (UE) 2016/679", "fr", "32016R0679"),
    ("Verordnung (EU) 2016/679", "de", "32016R0679"),
    ("Regulation (EC) No 45/2001", "en", "32001R0045"),
    ("règlement (CE) n° 45/2001", "fr", "32001R0045"),
    ("Directiva (UE) 2024/1712 del Parlamento Europeo", "es", "32024L1712"),
    ("direttiva 2011/93/UE", "it", "32011L0093"),
    ("richtlijn 2011/93/EU", "nl", "32011L0093"),
    ("dyrektywy 2011/93/UE", "pl", "32011L0093"),
    ("Diretiva 2011/93/UE", "pt", "32011L0093"),
    ("direktiv 2011/93/EU", "da", "32011L0093"),
    ("Council Joint Action 97/154/JHA", "en", "31997F0154"),
    ("2002/584/JHA: Council Framework Decision of 13 June 2002", "en", "32002F0584"),
    ("Proposal for a Directive, COM(2010) 94 final", "en", "52010PC0094"),
    ("/* COM/2010/0094 final - COD 2010/0064 */", "en", "52010PC0094"),
    ("a strategic Communication (COM(2010)609", "en", "52010DC0609"),
    ("tidligere forslag til rammeafgørelse - KOM (2009) 0135", "da", "52009PC0135"),
    ("Document 52000PC0854(02)", "en", "52000PC0854(02)"),
    ("judgment in Case C-293/12", "en", "62012CJ0293"),
    ("Commission Recommendation 2003/361/EC", "en", "32003H0361"),
    ("SMĚRNICE EVROPSKÉHO PARLAMENTU A RADY 2011/93/EU", "cs", "32011L0093"),
    ("a 2011/93/EU irányelv", "hu", "32011L0093"),
    ("Οδηγία 2011/93/ΕΕ", "el", "32011L0093"),
    ("Regulamentul (UE) 2016/679", "ro", "32016R0679"),
    ("Durchführungsverordnung (EU) 2019/947 der Kommission", "de", "32019R0947"),
]


@pytest.mark.parametrize(
    ("text", "language", "celex"), CASES, ids=[c[2] + "-" + c[1] for c in CASES]
)
def test_celex(text: str, language: str, celex: str) -> None:
    acts = find_acts(text, language)
    assert celex in [a.celex for a in acts]
    for a in acts:
        assert a.span is not None
        assert " ".join(text[a.span[0] : a.span[1]].split()) == a.label


def test_the_same_act_in_three_languages_has_one_celex() -> None:
    texts = [
        ("Framework Decision 2004/68/JHA", "en"),
        ("décision-cadre 2004/68/JAI", "fr"),
        ("Rahmenbeschluss 2004/68/JI", "de"),
    ]
    assert {find_acts(t, lang)[0].celex for t, lang in texts} == {"32004F0068"}


@pytest.mark.parametrize(
    "text",
    [
        "2010/0064(COD)",
        "2010/0064 (COD)",
        "COD 2010/0064",
        "procédure 2010/0064/COD",
        "COD/2010/0064",
    ],
)
def test_procedure_variants_are_canonical(text: str) -> None:
    assert [code for code, _ in find_procedures(text)] == ["2010/0064(COD)"]


def test_no_acts_in_plain_numbers() -> None:
    assert find_acts("Drucksache 19/1234 und Artikel 5 Absatz 2; 10% of 2010", "de") == []
    assert find_procedures("SEC(2009) 355 and 2009/0049") == []
