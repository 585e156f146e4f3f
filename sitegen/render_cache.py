"""Memo of the Markdown stage, keyed by the hash of everything a render depends on.

Kept in memory across `serve` rebuilds and persisted as one JSON file in `.cache/`, so a
rebuild re-renders only the posts whose text (or executed output) changed. The key holds
the renderer's version, so upgrading Markdown or our extensions invalidates it.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .markdown import Rendered, TocEntry

if TYPE_CHECKING:
    from .render import RenderRequest

RENDERER_VERSION = "1"


def _versions() -> str:
    parts = [RENDERER_VERSION]
    for name in ("markdown", "pymdown-extensions", "pygments", "latex2mathml"):
        try:
            parts.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            parts.append("-")
    return "/".join(parts)


class RenderCache:
    def __init__(self, path: Path | None, entries: dict[str, dict] | None = None):
        self.path, self.entries, self.used, self.dirty = path, entries or {}, set(), False
        self.versions = _versions()

    @classmethod
    def load(cls, root: Path) -> "RenderCache":
        path = root / ".cache" / "render.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["entries"] if data.get("versions") == _versions() else {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(path, entries)

    def render_all(self, requests: list["RenderRequest"], jobs: int) -> list[Rendered]:
        """Rendered bodies for the requests: cached ones reused, the others rendered (in parallel)."""
        from .render import render_many

        keys = [r.key(self.versions) for r in requests]
        self.used.update(keys)
        results: list[Rendered | None] = [self._get(k) for k in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        for i, rendered in zip(missing, render_many([requests[i] for i in missing], jobs)):
            results[i] = rendered
            self.entries[keys[i]] = {**asdict(rendered), "toc": [list(asdict(e).values()) for e in rendered.toc]}
            self.dirty = True
        return results

    def _get(self, key: str) -> Rendered | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            return Rendered(entry["html"], tuple(TocEntry(*e) for e in entry["toc"]), entry["excerpt"],
                            entry["words"], tuple(tuple(e) for e in entry["math_errors"]))
        except (KeyError, TypeError):
            return None

    def save(self) -> None:
        """Persist the entries this build used (stale ones are dropped)."""
        stale = set(self.entries) - self.used
        if self.path is None or not (self.dirty or stale):
            return
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"versions": self.versions, "entries": self.entries}, handle, ensure_ascii=False)
        os.replace(tmp, self.path)
        self.used, self.dirty = set(), False
