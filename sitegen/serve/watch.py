"""Watching the project: which changes matter (a pure classifier) and bursts merged into one rebuild.

`classify()` decides from a path alone, so it is table-tested without a filesystem. The
`Debouncer` turns the bursts editors produce (write a temp file, rename it over the post,
delete a backup) into one batch once things have been quiet for a moment. `Watcher` is the
thin watchdog adapter between the two; it reacts only to writes, creations, deletions and
renames, never to the reads a build does (watchdog reports opens and closes too).
"""
from __future__ import annotations

import enum
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Callable


class ChangeKind(str, enum.Enum):
    CONTENT = "content"
    TEMPLATE = "template"
    STATIC = "static"
    SAMPLES = "samples"
    I18N = "i18n"
    DATA = "data"
    CONFIG = "config"


FOLDERS = {
    "content": ChangeKind.CONTENT,
    "templates": ChangeKind.TEMPLATE,
    "static": ChangeKind.STATIC,
    "code_samples": ChangeKind.SAMPLES,
    "i18n": ChangeKind.I18N,
    "data": ChangeKind.DATA,     # site.data (Jekyll's _data/, moved in by import)
}
CONFIG_FILES = {"site.yaml": ChangeKind.CONFIG}
IGNORED_PARTS = {"__pycache__", "_site", "node_modules"}     # hidden folders (.cache, .git) are ignored below
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".pyc", ".pyo", ".tmp", ".part", ".crdownload")


def ignored_name(name: str) -> bool:
    """Editor and tool droppings: `.#x` (Emacs lock), `#x#` (autosave), `x~`, `.x.swp`, vim's `4913`
    probe, `.tmp-*` (our own atomic writes), and every other hidden file."""
    return (name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913"
            or name.endswith("___jb_tmp___") or name.endswith("___jb_old___"))


def classify(path: str | Path, root: str | Path) -> ChangeKind | None:
    """What a change to `path` means for the site, or None when it does not matter."""
    try:
        rel = Path(path).relative_to(root) if Path(path).is_absolute() else Path(path)
    except ValueError:
        return None                               # outside the project
    parts = PurePosixPath(rel.as_posix()).parts
    if not parts or parts[0] in ("..", "/"):
        return None
    if any(part in IGNORED_PARTS or ignored_name(part) for part in parts):
        return None
    if len(parts) == 1 and parts[0] in CONFIG_FILES:
        return CONFIG_FILES[parts[0]]
    return FOLDERS.get(parts[0])


class Debouncer:
    """Collects changes from any thread; `next_batch()` hands them over once `quiet` seconds passed
    without a new one (or `longest` seconds after the first, so a never-ending stream still builds)."""

    def __init__(self, quiet: float = 0.05, longest: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 settled: float | None = None):
        self.quiet, self.longest, self.clock = quiet, longest, clock
        self.settled = quiet if settled is None else settled
        self._cond = threading.Condition()
        self._pending: dict[str, ChangeKind] = {}
        self._first = self._last = 0.0
        self._wait = quiet

    def add(self, kind: ChangeKind, path: str, settled: bool = False) -> None:
        """`settled`: the change is complete (a file closed after writing, or renamed into place),
        so the batch is due after the shorter `settled` quiet, unless more changes follow."""
        with self._cond:
            now = self.clock()
            if not self._pending:
                self._first = now
            self._pending[path] = kind
            self._last, self._wait = now, self.settled if settled else self.quiet
            self._cond.notify_all()

    def next_batch(self, timeout: float | None = None) -> dict[str, ChangeKind] | None:
        """The merged changes (path → kind), or None if nothing came within `timeout` seconds."""
        deadline = None if timeout is None else self.clock() + timeout
        with self._cond:
            while True:
                now = self.clock()
                wait = None
                if self._pending:
                    due = min(self._last + self._wait, self._first + self.longest)
                    if now >= due:
                        batch, self._pending = self._pending, {}
                        return batch
                    wait = due - now
                elif deadline is not None:
                    if now >= deadline:
                        return None
                    wait = deadline - now
                self._cond.wait(wait)


# watchdog event types that mean "the file changed"; "opened" and "closed_no_write" are reads.
CHANGE_EVENTS = {"created", "modified", "deleted", "moved", "closed"}


def _change_events() -> list:
    """Writes, creations, deletions and moves: not opens and closes, which every build causes by
    reading each source (measured: handling them took a third of a 1,000-page rebuild)."""
    from watchdog import events

    return [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
            events.FileClosedEvent, events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent,
            events.DirModifiedEvent]


class Watcher:
    """watchdog → classify → `on_change(kind, relpath, settled)`. Watches content/, templates/, static/,
    code_samples/, i18n/ and data/ recursively and the project folder itself (for site.yaml), nothing else."""

    def __init__(self, root: Path, on_change: Callable[[ChangeKind, str, bool], None]):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.root, self.on_change = root.resolve(), on_change
        self.observer = Observer()
        self._changes = _change_events()
        self._watched: set[str] = set()
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                watcher._event(event)

        self._handler = Handler()

    def start(self) -> None:
        self.observer.schedule(self._handler, str(self.root), recursive=False, event_filter=self._changes)
        for folder in FOLDERS:
            self._watch(folder)
        self.observer.start()

    def _watch(self, folder: str) -> None:
        path = self.root / folder
        if folder not in self._watched and path.is_dir():
            self._watched.add(folder)
            self.observer.schedule(self._handler, str(path), recursive=True, event_filter=self._changes)

    def _event(self, event) -> None:
        if event.event_type not in CHANGE_EVENTS or (event.is_directory and event.event_type in ("modified", "closed")):
            return
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        for raw in paths:
            path = raw.decode() if isinstance(raw, bytes) else raw
            kind = classify(path, self.root)
            if kind is None:
                continue
            rel = Path(path).relative_to(self.root).as_posix()
            if event.is_directory and rel in FOLDERS and event.event_type in ("created", "moved"):
                self._watch(rel)                # a watched folder appeared after start
            self.on_change(kind, rel, event.event_type in ("closed", "moved") and not event.is_directory)

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
