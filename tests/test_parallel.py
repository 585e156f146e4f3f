"""sitegen/parallel.py: work spread over processes gives what the same work gives here."""
from __future__ import annotations

import os
import threading

import pytest

import sitegen.parallel
from sitegen.parallel import Workers, pool_map

WARMED: list[int] = []   # pids of the processes whose warm-up ran


def warm() -> None:
    WARMED.append(os.getpid())


def failing_warm() -> None:
    raise RuntimeError("a worker cannot start")


@pytest.fixture(autouse=True)
def alone():
    """These tests are about forked processes: only a process running no other thread forks."""
    assert threading.active_count() == 1


def square(inherited, n: int) -> tuple[int, int, bool]:
    return n * n, os.getpid(), os.getpid() in WARMED


def add(inherited: int, n: int) -> tuple[int, int]:
    return inherited + n, os.getpid()


def test_pool_map_matches_a_loop_and_passes_inherited_state(monkeypatch):
    items = list(range(60))
    assert [r[0] for r in pool_map(square, items, jobs=2)] == [n * n for n in items]
    monkeypatch.setattr(sitegen.parallel, "PARALLEL_FROM", 1)   # forked even for two items
    results = pool_map(add, [1, 2], jobs=2, inherited=10)
    assert [r[0] for r in results] == [11, 12] and os.getpid() not in {r[1] for r in results}


def test_workers_are_forked_warm_and_do_the_work_elsewhere():
    with Workers(2, warm) as workers:
        assert workers.executor is not None
        results = workers.map(square, [3])   # even a single item goes to a warm worker
        assert results[0][0] == 9 and results[0][1] != os.getpid() and results[0][2]
        many = workers.map(square, list(range(100)))
        assert [r[0] for r in many] == [n * n for n in range(100)] and all(r[2] for r in many)
    assert workers.executor is None and threading.active_count() == 1   # later forks are safe again
    assert WARMED == []   # the warm-up ran in the workers only


def test_workers_that_cannot_start_leave_the_work_to_this_process():
    with Workers(2, failing_warm) as workers:
        assert workers.executor is not None
        assert [r[:2] for r in workers.map(square, [2, 4])] == [(4, os.getpid()), (16, os.getpid())]
    assert threading.active_count() == 1


def test_one_job_means_no_other_process():
    with Workers(1, warm) as workers:
        assert workers.executor is None
        assert [r[1] for r in workers.map(square, [1, 2])] == [os.getpid()] * 2
