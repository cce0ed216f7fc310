"""Every command has help with examples, and appears in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from timeline import __version__
from timeline.cli import cli

REPO = Path(__file__).resolve().parent.parent


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_examples(path: tuple[str, ...]) -> None:
    out = CliRunner().invoke(cli, [*path, "--help"])
    assert out.exit_code == 0
    assert "Examples:" in out.output, f"timeline {' '.join(path)} --help shows no example"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"timeline {' '.join(path)}" in readme


def test_version() -> None:
    out = CliRunner().invoke(cli, ["--version"])
    assert out.exit_code == 0 and __version__ in out.output


def test_unknown_option_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["extract", "--no-such-flag", "x"]).exit_code == 2


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "timeline build" in head and "pytest" in head
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_line = next(line for line in ci.splitlines() if "pytest" in line)
    assert test_line.strip() in readme
