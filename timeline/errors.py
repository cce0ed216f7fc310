"""One exception tree. Messages say what went wrong, where, and how to fix it.

The library raises; ``timeline.cli`` turns these into one-line messages and exit codes.
"""

from __future__ import annotations


class TimelineError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(TimelineError):
    """A document could not be read or understood. Carries the path it concerns."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ResourceError(TimelineError):
    """A per-language resource file is missing or malformed (a bug in the package data)."""


class UsageError(TimelineError):
    """The caller asked for something that cannot be done (unknown language, bad date...)."""


class GoldError(TimelineError):
    """A gold file for evaluation is missing or malformed."""
