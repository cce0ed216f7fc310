"""The same inputs give byte-identical outputs across ``--jobs`` values, time zones and locales.

Two ``python -m timeline build`` runs in subprocesses, at the same time on the two cores:

* ``--jobs 1`` with ``TZ=UTC LANG=C.UTF-8``;
* ``--jobs 2`` with ``TZ=Pacific/Chatham`` (UTC+12:45/+13:45, a date ahead of most of the world)
  and ``LANG=LC_ALL=tr_TR.UTF-8`` (the Turkish dotted/dotless i breaks naive case folding).

Every file of the two output folders (all formats, the TimeML folder; not the cache) must be
byte-identical. ``tr_TR.UTF-8`` must be installed (``locale -a``); without it the second run uses
another installed non-C locale if there is one, else the test is skipped, and says so.
Languages are given in sidecars, so language detection (lingua, slow to load) is not run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

DOCUMENTS = {
    "en-press.txt": (
        "Brussels, 3 March 2009\n\nIP/09/342\n\nThe European Commission today adopted a proposal "
        "for a Directive on combating the sexual abuse of children (COM(2009) 135). Member States "
        "shall transpose it by 18 December 2013. The Council agreed on 5 May 2010 at 23:30; the "
        "Parliament will vote in İstanbul-style DIRECTIVE wording next year.\n",
        "en",
    ),
    "fr-communique.txt": (
        "Bruxelles, le 3 mars 2009\n\nLa Commission a adopté aujourd'hui une proposition de "
        "directive. Le Conseil l'a approuvée le 1er décembre 2011 ; elle entrera en vigueur le "
        "1er janvier 2013, au plus tard le 31 mars 2014.\n",
        "fr",
    ),
    "de-mitteilung.txt": (
        "Brüssel, den 12. Januar 2011\n\nDie Kommission hat heute die Richtlinie 2011/93/EU "
        "angenommen. Die Mitgliedstaaten setzen sie bis zum 18. Dezember 2013 um; im Mai 2012 "
        "folgt ein Bericht, Anfang 2015 eine Bewertung.\n",
        "de",
    ),
    "el-anakoinosi.txt": (
        "Βρυξέλλες, 4 Απριλίου 2011\n\nΗ Επιτροπή ενέκρινε σήμερα την πρόταση. Το Συμβούλιο "
        "συμφώνησε στις 5 Μαΐου 2011 και η οδηγία θα τεθεί σε ισχύ την 1η Ιουλίου 2012.\n",
        "el",
    ),
    "it-page.html": (
        "<!doctype html><html lang='it'><head><title>Comunicato</title>"
        "<meta name='date' content='2010-11-30'></head><body><p>Bruxelles, 30 novembre 2010</p>"
        "<p>Il Consiglio ha adottato il 30 novembre 2010 il regolamento; si applicherà dal "
        "1° gennaio 2012 e sarà riesaminato entro il terzo trimestre del 2014.</p></body></html>",
        "it",
    ),
}


def _locales() -> list[str]:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return out.split()


def _second_locale() -> str | None:
    available = {name.lower().replace("-", ""): name for name in _locales()}
    if "tr_tr.utf8" in available:
        return "tr_TR.UTF-8"
    for name in sorted(available.values()):
        if name.lower() not in ("c", "c.utf8", "posix") and "utf" in name.lower():
            return name
    return None


def _env(tz: str, lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("PYTHONHASHSEED", None)  # each run draws its own hash seed
    env.update({"TZ": tz, "LANG": lang, "LC_ALL": lang})
    return env


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.slow
def test_outputs_are_byte_identical_across_jobs_time_zones_and_locales(tmp_path: Path) -> None:
    second = _second_locale()
    if second is None:
        pytest.skip("no UTF-8 locale but C installed (locale -a); install tr_TR.UTF-8 to run this")
    src = tmp_path / "in"
    src.mkdir()
    for name, (text, language) in DOCUMENTS.items():
        (src / name).write_text(text, encoding="utf-8")
        if language:
            stem = name.rsplit(".", 1)[0]
            (src / f"{stem}.meta.json").write_text(json.dumps({"language": language}), "utf-8")
    runs = {
        "a": ("1", _env("UTC", "C.UTF-8")),
        "b": ("2", _env("Pacific/Chatham", second)),
    }
    procs = {
        key: subprocess.Popen(
            [sys.executable, "-m", "timeline", "build", "in", "-o", f"out-{key}", "--jobs", jobs,
             "--no-cache", "-q"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for key, (jobs, env) in runs.items()
    }
    for key, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, (key, stdout[-2000:], stderr[-2000:])
    a, b = _files(tmp_path / "out-a"), _files(tmp_path / "out-b")
    assert "timeline.html" in a and "timeline.png" in a and "deadlines.ics" in a
    assert any(name.startswith("timeml/") for name in a)
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"outputs differ between the runs (second locale {second}): {differ}"
    events = json.loads(a["events.json"])
    assert len(events) == len(DOCUMENTS)
    assert sum(bool(d["events"]) for d in events) >= len(DOCUMENTS) - 1  # the outputs hold events
