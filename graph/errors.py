"""Domain exceptions: every problem the user can fix is a ``ChokegraphError``.

The command line turns these into ``error:`` lines on stderr and exit code 2;
anything else is an internal error (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass


class ChokegraphError(ValueError):
    """A problem with the user's input that they can fix."""


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a data file.

    ``line`` and ``col`` are 1-based. For tables, ``line`` is the line of the
    row in the file (the header is line 1) and ``col`` the column's position.
    """

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"


class DataError(ChokegraphError):
    """A dataset (or scenario file) failed validation; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownNameError(ChokegraphError):
    """A name given by the user matches no node, country, commodity or group."""


class ScenarioError(ChokegraphError):
    """A restriction or scenario that cannot be applied (bad severity, day, ...)."""
