"""The build step: the package as pyproject.toml declares it, plus the extraction hot path
compiled by mypyc when it can be.

The modules named by ``timeline._native.COMPILED`` are compiled from their own ``.py`` files
(the one source of truth; the ``.py`` files are installed too). Compiling needs mypyc (pinned in
pyproject.toml's ``[build-system] requires``) and a working C compiler; without either, or when
the compile fails, or with ``TIMELINE_NATIVE=off`` in the environment, the package installs as
pure Python with the same output. All or nothing: a failed build leaves no compiled module. A
complete one writes ``timeline/_compiled.txt`` (a digest of every ``timeline/**/*.py``), which
``import timeline`` checks: see ``timeline/_native.py``.

The compile runs only when ``build_ext`` does (``pip install [-e] .``), not when pip merely asks
for the package's metadata; it takes a few CPU-minutes.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from types import ModuleType
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
OFF = {"off", "0", "no", "false", "pure"}
#: The commands that build the package (the others only ask for its metadata or sources).
BUILDING = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop", "bdist"}


def _native() -> ModuleType:
    """timeline/_native.py loaded from its file (the package's dependencies may be missing)."""
    path = os.path.join(HERE, "timeline", "_native.py")
    spec = importlib.util.spec_from_file_location("_timeline_native_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


NATIVE = _native()


def _say(message: str) -> None:
    print(f"policy-timeline build: {message}", file=sys.stderr, flush=True)


def _compiler_works() -> bool:
    """Whether the C compiler Python would use compiles a file that includes Python.h."""
    from distutils import ccompiler, sysconfig  # setuptools' copy (the stdlib's is deprecated)

    folder = tempfile.mkdtemp(prefix="timeline-cc-")
    try:
        source = os.path.join(folder, "probe.c")
        with open(source, "w", encoding="ascii") as handle:
            handle.write("#include <Python.h>\nint timeline_probe(void) { return 0; }\n")
        compiler: Any = ccompiler.new_compiler()
        sysconfig.customize_compiler(compiler)
        compiler.compile([source], output_dir=folder, include_dirs=[sysconfig.get_python_inc()])
        return True
    except Exception as exc:  # a missing or broken compiler: any error means "no"
        _say(f"no working C compiler ({exc}); installing pure Python")
        return False
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _compiled_extensions() -> list[Extension]:
    """mypyc's extensions of the hot path, or [] (pure Python) with the reason said."""
    if os.environ.get(NATIVE.ENV, "").strip().lower() in OFF:
        _say(f"{NATIVE.ENV}={os.environ[NATIVE.ENV]}: installing pure Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _say(f"mypyc not available ({exc}); installing pure Python")
        return []
    if not _compiler_works():
        return []
    paths = [os.path.join(*name.split(".")) + ".py" for name in NATIVE.COMPILED]
    _say(f"compiling {len(paths)} modules with mypyc (a few CPU-minutes)")
    try:
        return list(mypycify(paths, group_name=NATIVE.GROUP, opt_level="3"))
    except (Exception, SystemExit) as exc:  # mypy's errors end in SystemExit
        _say(f"mypyc failed ({exc!r}); installing pure Python")
        return []


class BuildExt(build_ext):
    """build_ext that makes mypyc's extensions when it runs, all or nothing, and the marker."""

    def finalize_options(self) -> None:
        # egg_info (pip asking for metadata) finalizes build_ext too: compile only to build.
        if getattr(self.distribution, "_timeline_planned", None) is None:
            building = set(self.distribution.commands) & BUILDING
            planned = _compiled_extensions() if building else []
            self.distribution._timeline_planned = planned  # type: ignore[attr-defined]
        self.distribution.ext_modules = list(self.distribution._timeline_planned)  # type: ignore[attr-defined]
        super().finalize_options()

    def _package_dirs(self) -> list[str]:
        """Where the built package is: the build folder, and the sources when in place."""
        dirs = [os.path.join(self.build_lib, "timeline")]
        if self.inplace or getattr(self, "editable_mode", False):
            dirs.append(os.path.join(HERE, "timeline"))
        return dirs

    def _remove_compiled(self) -> None:
        """Leave no compiled module nor marker behind (a failed or a pure build)."""
        for folder in self._package_dirs():
            marker = os.path.join(folder, NATIVE.MARKER)
            if os.path.exists(marker):
                os.remove(marker)
            for name in (*NATIVE.COMPILED, NATIVE.GROUP + "__mypyc"):
                found = NATIVE._extension_of(name, folder)
                while found is not None:
                    os.remove(found)
                    found = NATIVE._extension_of(name, folder)

    def run(self) -> None:
        if not self.extensions:
            self._remove_compiled()
            return
        digest = NATIVE.source_digest(os.path.join(HERE, "timeline"))
        try:
            super().run()
        except Exception as exc:  # a compile or link error: install pure Python
            _say(f"compiling failed ({exc}); installing pure Python")
            self._remove_compiled()
            self.extensions = []
            self.distribution.ext_modules = []
            return
        import mypy.version

        for folder in self._package_dirs():
            if os.path.isdir(folder):
                with open(os.path.join(folder, NATIVE.MARKER), "w", encoding="utf-8") as handle:
                    handle.write(NATIVE.marker_text(digest, mypy.version.__version__))
        _say(f"compiled {len(NATIVE.COMPILED)} modules (timeline --version tells)")

    def get_outputs(self) -> list[str]:
        outputs = list(super().get_outputs())
        if self.extensions:
            outputs.append(os.path.join(self.build_lib, "timeline", NATIVE.MARKER))
        return outputs


# A placeholder until build_ext runs: it tells setuptools the wheel holds compiled code.
setup(
    ext_modules=[Extension(NATIVE.GROUP + "__mypyc", sources=[])],
    cmdclass={"build_ext": BuildExt},
)
