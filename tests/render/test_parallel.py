"""sitegen/render/parallel.py: work spread over processes gives what the same work gives here."""
from __future__ import annotations

import os
import threading

import pytest

import sitegen.render.parallel
from sitegen.render.parallel import pool_map


@pytest.fixture(autouse=True)
def alone():
    """These tests are about forked processes: only a process running no other thread forks."""
    assert threading.active_count() == 1


def square(inherited, n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def add(inherited: int, n: int) -> tuple[int, int]:
    return inherited + n, os.getpid()


def test_pool_map_matches_a_loop_and_passes_inherited_state(monkeypatch):
    items = list(range(60))
    assert [r[0] for r in pool_map(square, items, jobs=2)] == [n * n for n in items]
    monkeypatch.setattr(sitegen.render.parallel, "PARALLEL_FROM", 1)   # forked even for two items
    results = pool_map(add, [1, 2], jobs=2, inherited=10)
    assert [r[0] for r in results] == [11, 12] and os.getpid() not in {r[1] for r in results}
