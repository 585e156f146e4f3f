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


def test_a_body_too_deep_for_markdown_comes_back_from_a_worker_as_an_error():
    from sitegen.render.bodies import RenderRequest, render_many

    requests = [RenderRequest(f"Post {i}.\n", "en", (), "<!--more-->") for i in range(30)]
    requests[17] = RenderRequest("Intro.\n\n" + "- " * 10000 + "x\n", "en", (), "<!--more-->")
    results = render_many(requests, jobs=2)       # 30 ≥ PARALLEL_FROM: forked workers
    assert [r.errors for r, _ in results[:17]] == [()] * 17
    [(line, message)] = results[17][0].errors
    assert line == 3 and "nested too deeply" in message
