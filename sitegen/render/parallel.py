"""Pure work spread over the cores: a pool of processes forked from the build.

Forked workers inherit everything the build has loaded (modules, compiled templates, page
records), so they start in milliseconds and only the results travel back. Forking a process
that runs other threads (serve's server and watcher) can deadlock, so then work that can be
sent to the workers uses a forkserver, and work that must inherit large state runs here.
"""
from __future__ import annotations

import ctypes
import os
import signal
import threading
from typing import Any, Callable, Sequence, TypeVar

Item, Result = TypeVar("Item"), TypeVar("Result")

PARALLEL_FROM = 24      # below this many items, starting processes costs more than it saves
_inherited: Any = None  # what the forked workers read: set just before forking


def _die_with_parent(parent: int) -> None:
    """Run in each worker as it starts. A build killed outright (SIGKILL) cannot stop its workers:
    the kernel does (PR_SET_PDEATHSIG), so none lingers blocked on a pipe. Ctrl-C reaches the whole
    process group: the build handles it and stops the pool, so workers ignore it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass   # not Linux: the build's own shutdown still ends the workers
    if os.getppid() != parent:   # the build died before prctl took effect
        os._exit(1)


def _call(task: tuple[Callable, Any]) -> Any:
    function, item = task
    return function(_inherited, item)


def pool_map(function: Callable[[Any, Item], Result], items: Sequence[Item], jobs: int = 0,
             inherited: Any = None) -> list[Result]:
    """[function(inherited, item) for item in items], in `jobs` processes when worth it.

    `function` must be a module-level function; `inherited` reaches the workers by fork only,
    never pickled, so with it the work stays in this process when forking is unsafe."""
    global _inherited
    jobs = jobs or os.cpu_count() or 1
    can_fork = threading.active_count() == 1
    if jobs < 2 or len(items) < PARALLEL_FROM or (inherited is not None and not can_fork):
        return [function(inherited, item) for item in items]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    import gc

    # the workers' garbage collections would otherwise visit (so write to, so copy) every page of
    # memory they share with this process; frozen objects are skipped
    gc.freeze()
    _inherited = inherited
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork" if can_fork else "forkserver"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
    try:
        # small chunks: the workers finish together instead of one idling while another ends its chunk
        return list(pool.map(_call, [(function, item) for item in items],
                             chunksize=max(1, len(items) // (jobs * 16))))
    finally:
        # interrupted (Ctrl-C, SIGTERM, an error): the chunks not started are dropped, not rendered
        pool.shutdown(wait=True, cancel_futures=True)
        _inherited = None
        gc.unfreeze()
