"""The compiled build (mypyc, setup.py) and its guard (timeline/_native.py).

Without a compiled build (no C compiler at install time, or a plain checkout) the tests of the
guard's decisions still run on a made-up package folder; those that compare the compiled and the
pure build skip, saying so. With one, the compiled and the pure build (``TIMELINE_NATIVE=off``,
in a subprocess) must give byte-identical ``extract`` JSON on the dev texts, a changed ``.py``
must make ``import timeline`` load every compiled module from its source, and the tests that
count work by monkeypatching module functions (marked ``pure_python``) must pass against the
pure modules.
"""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from timeline import _native

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "timeline"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]

BUILD = _native.build()
compiled_only = pytest.mark.skipif(
    not BUILD.compiled, reason=f"no compiled build here: {BUILD.describe()}"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != _native.ENV}
    env.update(extra)
    return env


def _run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = _env(PYTHONPATH=str(cwd), **extra)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _fake_package(root: Path, *, shared: bool = True) -> Path:
    """A package folder with two sources and an empty file per compiled module."""
    (root / "events").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "events" / "split.py").write_text("X = 1\n")
    for name in _native.COMPILED + ((_native.GROUP + "__mypyc",) if shared else ()):
        path = root.joinpath(*name.split(".")[1:]).with_name(name.rsplit(".", 1)[-1] + SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    return root


def test_a_folder_without_the_marker_is_not_built(tmp_path: Path) -> None:
    build = _native.check(str(_fake_package(tmp_path)), environ={})
    assert not build.compiled
    assert build.describe().startswith("pure Python (not built")


def test_a_matching_digest_with_every_module_is_compiled(tmp_path: Path) -> None:
    root = _fake_package(tmp_path)
    marker = _native.marker_text(_native.source_digest(str(root)), "2.4.1")
    (root / _native.MARKER).write_text(marker)
    build = _native.check(str(root), environ={})
    assert build.compiled, build
    assert build.describe() == f"compiled (mypyc 2.4.1, {len(_native.COMPILED)} modules)"
    off = _native.check(str(root), environ={_native.ENV: "off"})
    assert not off.compiled and off.describe() == "pure Python (TIMELINE_NATIVE=off)"


def test_a_changed_or_added_source_makes_it_stale(tmp_path: Path) -> None:
    root = _fake_package(tmp_path)
    (root / _native.MARKER).write_text(
        _native.marker_text(_native.source_digest(str(root)), "2.4.1")
    )
    (root / "events" / "split.py").write_text("X = 2\n")  # same length, other bytes
    assert _native.check(str(root), environ={}).describe().startswith("pure Python (stale")
    (root / "events" / "split.py").write_text("X = 1\n")
    assert _native.check(str(root), environ={}).compiled
    (root / "events" / "new.py").write_text("")
    assert _native.check(str(root), environ={}).describe().startswith("pure Python (stale")


def test_a_missing_compiled_module_is_an_incomplete_build(tmp_path: Path) -> None:
    root = _fake_package(tmp_path, shared=False)
    (root / _native.MARKER).write_text(
        _native.marker_text(_native.source_digest(str(root)), "2.4.1")
    )
    assert _native.check(str(root), environ={}).describe().startswith("pure Python (incomplete")


def test_the_pure_finder_answers_for_compiled_modules_only(tmp_path: Path) -> None:
    finder = _native.PureFinder(str(tmp_path), ["timeline.events.split"])
    spec = finder.find_spec("timeline.events.split")
    assert spec is not None and spec.origin == str(tmp_path / "events" / "split.py")
    assert isinstance(spec.loader, importlib.machinery.SourceFileLoader)
    assert finder.find_spec("timeline.events.model") is None


def test_the_version_line_tells_which_build_runs() -> None:
    default = _run(["-m", "timeline", "--version"], REPO)
    assert default.returncode == 0, default.stderr
    assert default.stdout.startswith("timeline, version 0.")
    assert BUILD.describe() in default.stdout
    off = _run(["-m", "timeline", "--version"], REPO, TIMELINE_NATIVE="off")
    assert "pure Python (TIMELINE_NATIVE=off)" in off.stdout


@compiled_only
def test_compiled_modules_are_loaded_as_extensions() -> None:
    for name in _native.COMPILED:
        module = __import__(name, fromlist=["_"])
        assert module.__file__ is not None and module.__file__.endswith(SUFFIX), name


@compiled_only
def test_compiled_and_pure_extract_the_same_json(dev_corpus: Path) -> None:
    args = ["-m", "timeline", "extract", "--format", "json", str(dev_corpus)]
    compiled = _run(args, REPO)
    pure = _run(args, REPO, TIMELINE_NATIVE="off")
    assert compiled.returncode == pure.returncode == 0, (compiled.stderr, pure.stderr)
    assert len(compiled.stdout) > 10_000
    assert compiled.stdout == pure.stdout


@compiled_only
def test_a_changed_source_loads_every_compiled_module_from_source(tmp_path: Path) -> None:
    copy = tmp_path / "timeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    probe = (
        "import timeline, timeline._native as n\n"
        "names = n.COMPILED\n"
        "mods = [__import__(m, fromlist=['_']) for m in names]\n"
        "print(n.build().describe())\n"
        "print(sorted({m.__file__.rsplit('.', 1)[-1] for m in mods}))\n"
    )
    as_built = _run(["-c", probe], tmp_path)
    assert as_built.returncode == 0, as_built.stderr
    assert as_built.stdout.startswith("compiled (mypyc")
    assert "['so']" in as_built.stdout or "['pyd']" in as_built.stdout
    with (copy / "pipeline.py").open("a") as handle:  # not a compiled module: still all or nothing
        handle.write("\n# changed after the build\n")
    changed = _run(["-c", probe], tmp_path)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines() == [
        "pure Python (stale: timeline/*.py changed since the build; run pip install -e .)",
        "['py']",
    ]


@compiled_only
def test_work_count_tests_pass_against_the_pure_modules() -> None:
    """The ``pure_python`` tests monkeypatch functions that compiled callers call directly in C
    (skipped in a compiled run); here they run in a pure process."""
    files = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "tests").rglob("test_*.py")
        if "pure_python" in path.read_text(encoding="utf-8") and path.parent.name != "native"
    )
    assert files
    result = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "pure_python", *files],
        REPO,
        TIMELINE_NATIVE="off",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout, result.stdout[-500:]
