"""Expected outputs: the text a block is checked against, and a tolerant comparison.

A block's output is normalised to plain text (streams, the trailing value, the last line
of an exception, one line per figure) and compared with the file committed under
`code_samples/expected/`. Numbers compare within the site's tolerance
(|a - b| <= max(rel * max(|a|, |b|), abs)); everything between numbers must match exactly.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..sources import Tolerance
from .kernels import BlockResult

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")


def normalize(result: BlockResult) -> str:
    """The checked text of a block's output."""
    lines: list[str] = []
    for output in result.outputs:
        if output.kind in ("stdout", "stderr", "result"):
            lines.extend(output.text.rstrip("\n").split("\n"))
        elif output.kind == "figure":
            lines.append(f"[figure {output.mime}]")
        elif output.kind == "error":
            last = [line for line in output.text.strip().split("\n") if line.strip()]
            lines.append(f"[error] {last[-1] if last else ''}")
    if result.truncated:
        lines.append(f"[output cut: {result.truncated} more characters]")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def _numbers_match(a: str, b: str, tol: Tolerance) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= max(tol.rel * max(abs(x), abs(y)), tol.abs)


def _line_matches(expected: str, actual: str, tol: Tolerance) -> bool:
    if expected == actual:
        return True
    if NUMBER.split(expected) != NUMBER.split(actual):
        return False
    return all(_numbers_match(a, b, tol) for a, b in zip(NUMBER.findall(expected), NUMBER.findall(actual)))


def matches(expected: str, actual: str, tol: Tolerance) -> bool:
    exp, act = expected.rstrip("\n").split("\n"), actual.rstrip("\n").split("\n")
    return len(exp) == len(act) and all(_line_matches(e, a, tol) for e, a in zip(exp, act))


def diff(expected: str, actual: str, name: str) -> str:
    return "".join(difflib.unified_diff([line + "\n" for line in expected.splitlines()],
                                        [line + "\n" for line in actual.splitlines()],
                                        fromfile=f"expected/{name}", tofile="actual", n=2))


def expected_path(root: Path, group: str, session: str, block_name: str) -> Path:
    return root / "code_samples" / "expected" / group / session / f"{block_name}.txt"


@dataclass(frozen=True)
class Unreadable:
    why: str


def read_expected(path: Path) -> str | Unreadable | None:
    """The recorded output, None when there is none yet, Unreadable when the file cannot be one
    (not UTF-8 text, a folder): the author's file is never overwritten without --accept."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        return Unreadable(f"not UTF-8 text: byte {exc.start}")
    except OSError as exc:
        return Unreadable(exc.strerror or type(exc).__name__)
