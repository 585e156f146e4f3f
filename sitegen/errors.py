"""Problems found while building: located errors and warnings, and how they print.

A user's mistake is never a traceback: every stage turns what it finds into a
`Problem(path, line, message)`, the build collects them all, and the CLI prints
them as `path:line: message`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class SiteError(Exception):
    """One or more problems that stop the build."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def error(path: str | Path, line: int | None, message: str) -> Problem:
    return Problem(str(path), line, message)


def warning(path: str | Path, line: int | None, message: str) -> Problem:
    return Problem(str(path), line, message, warning=True)


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]
