"""Memo of the Markdown stage, keyed by the hash of everything a render depends on.

One SQLite file, `.cache/render.sqlite`, holding per rendered body a JSON summary (excerpt,
table of contents, word count, problems) and its HTML, read only when a page shows it: a
rebuild reads the summaries it needs and writes only what it rendered, in one transaction.
(One file per entry cost a file creation each, the slowest thing a cold build did here.) The
key holds the renderer's version, a digest of the rendering code and the versions of Markdown and
its extensions, so an upgrade or a code change invalidates it; an unreadable file is set aside
and the bodies are rendered again. Rendered pages are also memoized in memory by page key, for
`serve`, which keeps one RenderCache across rebuilds.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from ..errors import Problem
from ..execution import installed_versions
from ..markup import Rendered
from .bodies import RenderRequest, decode, render_many

RENDERER_VERSION = "6"


def _versions() -> str:
    versions = installed_versions(("markdown", "pymdown-extensions", "pygments", "latex2mathml"))
    return "/".join([RENDERER_VERSION, _code(), *versions.values()])


def _code() -> str:
    """Digest of the code a body's rendering runs (the markup stage and bodies.py): a change to it
    renders again, even when RENDERER_VERSION was not bumped (a fix to the math, a working copy)."""
    from .. import markup

    files = sorted(Path(markup.__file__).parent.glob("*.py")) + [Path(__file__).with_name("bodies.py")]
    return hashlib.sha1(b"".join(f.name.encode() + b"\0" + f.read_bytes() for f in files)).hexdigest()[:16]


class RenderCache:
    def __init__(self, path: Path | None):
        self.path = path
        self.versions = _versions()
        self.memory: dict[str, Rendered] = {}
        self.bodies: dict[str, str] = {}           # key → HTML, of the bodies read or rendered
        self.requests: dict[str, RenderRequest] = {}
        self.pages: dict[str, bytes | Problem] = {}   # page key → bytes, or why it failed
        self.pages_used: set[str] = set()
        self.page_keys: dict[str, str] = {}   # output path → its key in the last build (serve keeps them)
        self.bundles: dict[str, dict[str, bytes]] = {}   # search index key → Pagefind bundle (serve keeps them)
        self.indexes: dict[str, dict[str, bytes]] = {}   # language → its last complete index files (serve)
        self._renderer: tuple[str, Any] | None = None
        self._db: tuple[tuple[int, int], Any] | None = None   # ((pid, thread), connection)

    @classmethod
    def load(cls, root: Path) -> "RenderCache":
        return cls(root / ".cache" / "render.sqlite")

    def render_all(self, requests: list[RenderRequest], jobs: int) -> tuple[list[str], list[Rendered]]:
        """(keys, rendered bodies) of the requests: cached ones reused, the others rendered (in parallel).

        The HTML of a cached body is not read with it (its `html` is empty): `html(key)` reads it
        when a page shows it. An edit rebuild shows one post's body, and lists only need excerpts."""
        keys = [r.key(self.versions) for r in requests]
        self.requests = dict(zip(keys, requests))
        results: list[Rendered | None] = [self.memory.get(k) for k in keys]
        stored = self._read([k for k, r in zip(keys, results) if r is None])
        results = [r or stored.get(k) for k, r in zip(keys, results)]
        missing = [i for i, r in enumerate(results) if r is None]
        rendered = render_many([requests[i] for i in missing], jobs)
        for i, (body, _) in zip(missing, rendered):
            results[i] = body
            self.bodies[keys[i]] = body.html
        self._write({keys[i]: (summary, body.html) for i, (body, summary) in zip(missing, rendered)}, set(keys))
        # what serve keeps in memory is what the last build used
        self.memory = dict(zip(keys, results))
        self.bodies = {k: self.bodies[k] for k in keys if k in self.bodies}
        return keys, results

    def html(self, key: str) -> str:
        """The HTML of a body of this build (read from the cache file, in whichever process asks)."""
        if key not in self.bodies:
            row = self._query("SELECT html FROM entries WHERE key = ?", (key,))
            if row:
                self.bodies[key] = row[0][0]
            else:   # gone since (another build pruned it): render it again
                self.bodies[key] = render_many([self.requests[key]], 1)[0][0].html
        return self.bodies[key]

    def _connect(self):
        """This thread's connection (a forked worker, or serve's rebuild thread, opens its own:
        SQLite connections survive neither a fork nor a change of thread)."""
        import os
        import sqlite3
        import threading

        owner = (os.getpid(), threading.get_ident())
        if self._db is None or self._db[0] != owner:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA synchronous = OFF")   # a cache: no fsync; a file damaged by a crash is set aside
            db.execute("DROP TABLE IF EXISTS renders")   # this cache's first layout
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, summary TEXT NOT NULL, html TEXT NOT NULL)")
            self._db = (owner, db)
        return self._db[1]

    def _query(self, sql: str, parameters) -> list[tuple]:
        """Rows of one query; none when there is no cache file or it is unreadable (then set aside)."""
        if self.path is None or not self.path.exists():
            return []
        import sqlite3

        try:
            return self._connect().execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError:
            self._set_aside()
            return []

    def _read(self, keys: list[str]) -> dict[str, Rendered]:
        found: dict[str, Rendered] = {}
        for start in range(0, len(keys), 500):   # SQLite caps the parameters of one statement
            chunk = keys[start:start + 500]
            for key, summary in self._query(f"SELECT key, summary FROM entries WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                rendered = decode(summary)
                if rendered is not None:
                    found[key] = rendered
        return found

    def _write(self, entries: dict[str, tuple[str, str]], live: set[str]) -> None:
        """Store new entries; forget the others once they outnumber the live ones (cache stays bounded)."""
        if self.path is None or not entries:
            return
        import sqlite3

        for attempt in (1, 2):
            try:
                db = self._connect()
                with db:
                    db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                                   ((k, summary, html) for k, (summary, html) in entries.items()))
                    count = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
                    if count > 2 * len(live) + 64:
                        stale = [k for (k,) in db.execute("SELECT key FROM entries") if k not in live]
                        db.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in stale))
                return
            except sqlite3.DatabaseError:
                self._set_aside()   # then try once more with a new file

    def _set_aside(self) -> None:
        """An unreadable cache file (not SQLite, or damaged) is removed: it only ever held copies."""
        if self._db is not None:
            self._db[1].close()
            self._db = None
        self.path.unlink(missing_ok=True)

    def renderer(self, theme: str, make: Callable[[], Any]) -> Any:
        """The template renderer of the last build when its theme is unchanged: serve then skips
        recompiling every template on each rebuild."""
        if self._renderer is None or self._renderer[0] != theme:
            self._renderer = (theme, make())
        return self._renderer[1]

    def has_page(self, key: str) -> bool:
        return key in self.pages

    def add_page(self, key: str, result: bytes | Problem) -> None:
        self.pages[key] = result

    def page(self, key: str) -> bytes | Problem:
        """A page rendered by this build or kept from the last one (serve renders only what changed)."""
        self.pages_used.add(key)
        return self.pages[key]

    def end_build(self, page_keys: dict[str, str]) -> None:
        """Forget the pages the last build did not produce; remember the keys of those it did."""
        self.pages = {k: v for k, v in self.pages.items() if k in self.pages_used}
        self.pages_used = set()
        self.page_keys = page_keys
