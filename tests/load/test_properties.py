"""Properties: loading never fails with anything but InputError, and plain text is kept as is."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.errors import InputError
from timeline.load import detect_language, load_text

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=400)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_load_text_never_raises_anything_else(text: str) -> None:
    try:
        doc = load_text(text)
    except InputError as exc:
        assert exc.path == "-" and "\n" not in exc.problem
        return
    assert doc.text.strip()
    assert doc.language is None or len(doc.language) == 2


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs", "P")), min_size=1))
def test_plain_text_is_kept_character_for_character(text: str) -> None:
    body = "Brussels, 3 March 2009\n" + text.replace("<", "").lstrip("-")
    doc = load_text(body)
    assert doc.text == body  # every offset of a plain text refers to what the user gave


@settings(max_examples=50, deadline=None)
@given(TEXT)
def test_detect_language_total(text: str) -> None:
    found = detect_language(text)
    assert found is None or found.isalpha() and len(found) == 2
