"""What mypyc cannot compile safely, checked on the sources of the compiled modules.

Session 8 saw a build of 21 modules segfault while ``timeline.load`` imported
``timeline.load.document``. The cause (found in session 10 by compiling
``timeline/load/language.py`` alone and running the import under gdb): a module-level
``__getattr__``. mypyc's module init asks the new module for its ``__file__``
(``CPyImport_SetModuleFile``) before the module's globals exist; Python then calls the
module's ``__getattr__``, compiled code that reads a global (``__name__``, a helper), and
``CPyDict_GetItem`` dereferences the still-NULL globals dict. So no compiled module may define one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from timeline import _native

PACKAGE = Path(__file__).resolve().parents[2] / "timeline"


def _source(name: str) -> Path:
    return PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py")


def _module_getattr(tree: ast.Module) -> list[str]:
    """The module-level functions of ``tree`` that Python calls on a missing attribute."""
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "__getattr__"
    ]


@pytest.mark.parametrize("name", _native.COMPILED)
def test_no_compiled_module_defines_a_module_getattr(name: str) -> None:
    tree = ast.parse(_source(name).read_text(encoding="utf-8"))
    assert _module_getattr(tree) == [], f"{name}: mypyc's module init would call it too early"


def test_the_check_finds_a_module_getattr() -> None:
    """The shape of ``timeline/load/language.py`` (not compiled), and a method of that name."""
    crashed = "def __getattr__(name: str) -> object:\n    return _word()\n"
    assert _module_getattr(ast.parse(crashed)) == ["__getattr__"]
    method = "class A:\n    def __getattr__(self, name: str) -> object:\n        return 1\n"
    assert _module_getattr(ast.parse(method)) == []
