"""Small memos of pure functions, kept in `.cache/` between runs: YAML front matter by its text,
dates as Babel formats them, code as Pygments highlights it and LaTeX as MathML. Each saves a
fixed cost of every edit rebuild (parsing 1,000 front matters; loading Babel's locale data,
~80 ms; Pygments' lexers and latex2mathml, ~40 ms). A cache: a missing, unreadable or foreign
file (another library version) is an empty memo.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable


class Memo:
    """A pure function's results by key, plus those this process added: forked workers hand
    `take_fresh()` back to the build, which merges them and keeps the memo (PersistentMemo)."""

    def __init__(self, track: bool = False):
        self.table: dict = {}
        self.fresh: list[tuple[Any, Any]] = []
        # with `track`, the keys asked for since the last `used.clear()`: what a save keeps
        self.used: set | None = set() if track else None

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        if self.used is not None:
            self.used.add(key)
        if key not in self.table:
            self.table[key] = compute()   # an exception (bad input) is not remembered
            self.fresh.append((key, self.table[key]))
        return self.table[key]

    def take_fresh(self) -> list[tuple[Any, Any]]:
        fresh, self.fresh = self.fresh, []
        return fresh


class PersistentMemo:
    """`table` (a module's memo dict) filled from `path` when empty, and written back when it grew."""

    def __init__(self, path: Path, version: str, table: dict):
        self.path, self.version, self.table = path, version, table
        if not table:
            try:
                version_found, data = pickle.loads(path.read_bytes())
                if version_found == version:
                    table.update(data)
            except Exception:   # absent, truncated, foreign: computed again
                pass
        self.known = len(table)

    @property
    def grew(self) -> bool:
        return len(self.table) != self.known

    def save(self, keep: Callable[[Any], bool] | None = None) -> None:
        """Write the memo (the entries `keep` accepts) when this run added to it."""
        if not self.grew:
            return
        kept = {k: v for k, v in self.table.items() if keep is None or keep(k)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((self.version, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self.known = len(self.table)
