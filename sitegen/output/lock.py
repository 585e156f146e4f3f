"""One build at a time per project: an exclusive lock on .cache/build.lock.

Two builds of one project at once (an editor's save hook and a terminal, `serve` and `build`)
would share the caches and the output's twin folder. The second waits for the first, saying
so; the lock is the kernel's (flock), so it is released when its holder exits, however it ends.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


@contextmanager
def build_lock(root: Path, waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    path = root / ".cache" / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            waiting(f"waiting for another build of this project (process {holder}) to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)   # releases the lock
