"""Per-document resource limits: what holds today, and the behaviour still to wire (skipped).

Holds (``timeline.pipeline._run_task`` with ``timeout``; the loader's ``max_bytes``): a slow
document is reported and skipped in a pool of workers too, and an alarm that interrupts a
document half-way through loading the resources leaves nothing half-built behind.

Wired in session 1: the time limit is a BaseException that no ``except Exception`` in the code it
interrupts can swallow; ``max_chars`` limits the *extracted text*, page by page in PDFs (a 30 kB
PDF can inflate to millions of characters). Wired in session 2: ``max_memory``
(``--max-memory`` MB), an address-space limit per document (``RLIMIT_AS`` set from what the
process maps when the document starts, so rules and models loaded before do not count), a
document over it reported as "over the memory limit" and the batch going on.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import timeline
from timeline import pipeline
from timeline.errors import InputError
from timeline.load import load_document

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "sources"


def _pdf(pages: list[bytes]) -> bytes:
    """A PDF with one Flate-compressed content stream per page (each a list of text lines)."""
    n = len(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
        + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(pages):
        stream = zlib.compress(content, 9)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _page(lines: int) -> bytes:
    line = b"(On 3 March 2009 the Commission adopted the proposal for a Directive, said the text.) Tj T*\n"
    return b"BT /F1 10 Tf 12 TL 72 720 Td\n" + line * lines + b"ET"


def test_a_slow_document_is_skipped_in_a_pool_of_workers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's default is one worker per core: the alarm must work in pool workers.

    The slow document sleeps in a patched ``extract_document`` that the forked workers inherit;
    the parent is warmed first so the workers' own start-up is not what the limit measures.
    """
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("needs forked workers to inherit the patched extract_document")
    good = sorted(SOURCES.glob("*-en.txt"), key=lambda p: (p.stat().st_size, p.name))[:3]
    if len(good) < 3:
        pytest.skip("the bundled sources/ are not there")
    timeline.extract(good, jobs=1)
    real = pipeline.extract_document

    def sometimes_slow(document: object, **kwargs: object) -> object:
        if "slow" in getattr(document, "path", ""):
            time.sleep(60)
        return real(document, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "extract_document", sometimes_slow)
    slow = tmp_path / "slow.txt"
    slow.write_text("On 3 March 2009 the Commission adopted it.\n", encoding="utf-8")
    started = time.perf_counter()
    result = timeline.extract([slow, *good], jobs=2, timeout=5.0, language="en")
    elapsed = time.perf_counter() - started
    assert [f.path for f in result.failures] == [str(slow)], result.failures
    assert "per-document time limit" in result.failures[0].problem
    assert [x.document.path for x in result.extractions] == [str(p) for p in good]
    assert elapsed < 30, elapsed


def test_an_interrupted_document_leaves_no_half_built_state(tmp_path: Path) -> None:
    """Alarms that land inside lazy resource loading (grammars, word lists, the detector) must
    not leave a half-filled cache: after them, the same documents give the clean result."""
    docs = [SOURCES / "celex-32011l0093-de.txt", SOURCES / "ip-10-379-en.txt"]
    if not all(d.is_file() for d in docs):
        pytest.skip("the bundled sources/ are not there")
    script = (
        "import json, sys, timeline\n"
        "docs = sys.argv[1:]\n"
        "cut = [len(timeline.extract(docs, timeout=t, jobs=1).failures)\n"
        "       for t in (0.005, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6)]\n"
        "r = timeline.extract(docs, jobs=1)\n"
        "print(json.dumps({'cut': cut, 'failures': [str(f) for f in r.failures],\n"
        "                  'after': r.to_json()}, ensure_ascii=False))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *map(str, docs)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert got["cut"][0] == len(docs)  # the first alarms did interrupt
    assert got["failures"] == []
    assert got["after"] == timeline.extract(docs, jobs=1).to_json()


def test_the_time_limit_is_not_swallowed_inside_a_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdf

    calls: list[int] = []

    def slow_page(self: object, *args: object, **kwargs: object) -> str:
        calls.append(1)
        time.sleep(0.25)
        word = "".join(chr(97 + (len(calls) * k) % 26) for k in range(1, 6))  # no running head
        return f"On 3 March 2009 the Commission adopted the {word} act."

    monkeypatch.setattr(pypdf.PageObject, "extract_text", slow_page)
    path = tmp_path / "slow.pdf"
    path.write_bytes(_pdf([_page(1)] * 8))
    task = pipeline._Task(str(path), None, None, "en", False, timeout=0.2)
    started = time.perf_counter()
    result = pipeline._run_task(task)
    elapsed = time.perf_counter() - started
    assert isinstance(result, pipeline.Failure) and "time limit" in result.problem, result
    assert elapsed < 1.0, f"{elapsed:.1f} s for a 0.2 s limit"


def test_a_pdf_that_inflates_past_the_text_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 kB of PDF, 7 million characters of text: ``max_bytes`` cannot see it coming.

    The limit is checked page by page: of the 40 pages of about 170,000 characters each, the
    loader decodes the 6 that reach 1 million characters, plus at most a couple more (counted,
    not timed: a wall-clock bound failed under load).
    """
    try:
        wired = "max_chars" in inspect.signature(load_document).parameters
    except ValueError:  # compiled by mypyc (setup.py): no signature to read, and it is wired
        wired = True
    if not wired:
        pytest.skip(
            "not wired yet: load_document(..., max_chars=N) (and extract/build/--max-chars) should "
            "refuse a document whose extracted text exceeds N characters, checked page by page"
        )
    import pypdf

    decoded: list[int] = []
    extract_text = pypdf.PageObject.extract_text

    def counted(self: pypdf.PageObject, *args: object, **kwargs: object) -> str:
        decoded.append(1)
        return extract_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counted)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf([_page(2000)] * 40))
    assert path.stat().st_size < 200_000
    with pytest.raises(InputError, match="text"):
        load_document(path, max_bytes=1_000_000, max_chars=1_000_000)  # type: ignore[call-arg]
    assert 6 <= len(decoded) <= 8, f"{len(decoded)} of 40 pages decoded for a 1 MB limit"


def _huge_text(path: Path, megabytes: int) -> Path:
    """``megabytes`` MB of prose with no date: cheap to tag, costly to hold."""
    line = "lorem ipsum dolor sit amet " * 37 + "\n"
    path.write_text(line * (megabytes * 1_000_000 // len(line)), encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_over_the_memory_limit_is_reported_and_the_batch_goes_on(
    tmp_path: Path, jobs: int
) -> None:
    """45 MB of text needs its bytes and its decoded text at once: over a 40 MB allowance.

    With ``jobs=2`` and four documents the work runs in a pool of worker processes, each
    limiting itself per document; with ``jobs=1`` in this very process, whose limit must be
    lifted again afterwards.
    """
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    good = [SOURCES / "ip-10-379-en.txt", SOURCES / "ip-09-342-fr.txt", SOURCES / "ip-10-379-en.txt"]
    if not all(p.is_file() for p in good):
        pytest.skip("needs the bundled sources/")
    big = _huge_text(tmp_path / "big.txt", 45)
    inputs = [good[0], big, *good[1:]] if jobs > 1 else [big, good[0]]
    result = pipeline.extract(inputs, jobs=jobs, max_memory=40_000_000, timeout=300)
    assert [f.path for f in result.failures] == [str(big)]
    assert "over the memory limit (40 MB per document" in result.failures[0].problem
    assert [x.document.path for x in result.extractions] == [
        str(p) for p in inputs if p != big
    ]
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_the_memory_limit_through_the_cli_is_one_line_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    good = SOURCES / "ip-10-379-en.txt"
    if not good.is_file():
        pytest.skip("needs the bundled sources/")
    big = _huge_text(tmp_path / "big.txt", 45)
    proc = subprocess.run(
        [sys.executable, "-m", "timeline", "extract", "-q", "--jobs", "1", "--max-memory", "40",
         str(big), str(good)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 1, proc.stderr
    problems = [line for line in proc.stderr.splitlines() if "memory" in line]
    assert len(problems) == 1 and str(big) in problems[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert [d["document"]["path"] for d in json.loads(proc.stdout)] == [str(good)]


def test_an_endless_input_is_refused_by_size_with_the_cache_on(tmp_path: Path) -> None:
    good = SOURCES / "ip-10-379-en.txt"
    if not Path("/dev/zero").exists() or not good.is_file():
        pytest.skip("needs /dev/zero and the bundled sources/")
    script = (
        "import resource, sys, timeline\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
        "r = timeline.build(['/dev/zero', sys.argv[1]], sys.argv[2], jobs=1, max_bytes=1_000_000,\n"
        "                   formats=['csv'])\n"
        "print([f.path for f in r.failures], len(r.extractions))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(good), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-600:]
    assert proc.stdout.split("\n")[0] == "['/dev/zero'] 1"


def test_a_named_pipe_in_an_input_folder_is_not_a_document(tmp_path: Path) -> None:
    import os

    from timeline.load import iter_inputs

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("On 3 March 2009 it was adopted.\n", "utf-8")
    os.mkfifo(src / "pipe.txt")
    assert list(iter_inputs([str(src)])) == [str(src / "a.txt")]


def test_an_alarm_that_fires_as_the_timer_is_cleared_does_not_escape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under load the time limit can expire just as a finished document clears its timer.

    Simulated: clearing the timer first delivers SIGALRM to this process. The document's
    extraction is kept and nothing is raised (before, ``_TimeLimit`` escaped ``_run_task`` from
    its ``finally`` and sank the batch).
    """
    import os
    import signal

    setitimer = signal.setitimer
    fired: list[int] = []

    def late(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
        if seconds == 0 and not fired:
            fired.append(1)
            os.kill(os.getpid(), signal.SIGALRM)
        return setitimer(which, seconds, interval)

    monkeypatch.setattr(signal, "setitimer", late)
    path = SOURCES / "ip-09-342-fr.txt"
    if not path.is_file():
        pytest.skip("needs the bundled sources/")
    task = pipeline._Task(str(path), None, None, "fr", False, timeout=60)
    result = pipeline._run_task(task)
    assert fired == [1]
    assert not isinstance(result, pipeline.Failure), result
    assert result.events and result.document.language == "fr"
