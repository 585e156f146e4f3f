"""Memo of the Markdown stage, keyed by the hash of everything a render depends on.

One small JSON file per rendered body under `.cache/render/`, read only when asked for, so a
rebuild reads what it needs and writes only what it rendered. The key holds the renderer's
version and those of Markdown and its extensions, so an upgrade invalidates it. Rendered pages
are also memoized in memory by page key, for `serve`, which keeps one RenderCache across rebuilds.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .markdown import Rendered, TocEntry

if TYPE_CHECKING:
    from .render import RenderRequest

RENDERER_VERSION = "2"


def _versions() -> str:
    parts = [RENDERER_VERSION]
    for name in ("markdown", "pymdown-extensions", "pygments", "latex2mathml"):
        try:
            parts.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            parts.append("-")
    return "/".join(parts)


class RenderCache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.versions = _versions()
        self.memory: dict[str, Rendered] = {}
        self.pages: dict[str, bytes] = {}
        self.pages_used: set[str] = set()
        self._renderer: tuple[str, Any] | None = None

    @classmethod
    def load(cls, root: Path) -> "RenderCache":
        return cls(root / ".cache" / "render")

    def render_all(self, requests: list["RenderRequest"], jobs: int) -> tuple[list[str], list[Rendered]]:
        """(keys, rendered bodies) of the requests: cached ones reused, the others rendered (in parallel)."""
        from .render import render_many

        keys = [r.key(self.versions) for r in requests]
        results: list[Rendered | None] = [self._get(k) for k in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        paths = [str(self._path(keys[i])) if self.folder else None for i in missing]
        for i, rendered in zip(missing, render_many([requests[i] for i in missing], jobs, paths)):
            results[i] = self.memory[keys[i]] = rendered
        # what serve keeps in memory is what the last build used
        self.memory = {k: r for k, r in zip(keys, results)}
        return keys, results

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.json" if self.folder else None

    def _get(self, key: str) -> Rendered | None:
        if key in self.memory:
            return self.memory[key]
        path = self._path(key)
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            return Rendered(entry["html"], tuple(TocEntry(*e) for e in entry["toc"]), entry["excerpt"],
                            entry["words"], tuple(tuple(e) for e in entry["math_errors"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None   # absent, or corrupt: render again

    def renderer(self, theme: str, make: Callable[[], Any]) -> Any:
        """The template renderer of the last build when its theme is unchanged: serve then skips
        recompiling every template on each rebuild."""
        if self._renderer is None or self._renderer[0] != theme:
            self._renderer = (theme, make())
        return self._renderer[1]

    def page(self, key: str, render: Callable[[], bytes]) -> bytes:
        self.pages_used.add(key)
        if key not in self.pages:
            self.pages[key] = render()
        return self.pages[key]

    def end_build(self) -> None:
        """Forget the pages the last build did not produce."""
        self.pages = {k: v for k, v in self.pages.items() if k in self.pages_used}
        self.pages_used = set()


def store_entry(path: str, rendered: Rendered) -> None:
    """Write one cache entry atomically (a reader sees the old file or the new one)."""
    entry = {**asdict(rendered), "toc": [list(asdict(e).values()) for e in rendered.toc]}
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(entry, handle, ensure_ascii=False)
    os.replace(tmp, path)
