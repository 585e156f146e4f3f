"""sitegen/output/lock.py: one build of a project at a time; the second waits and says so."""
from __future__ import annotations

import threading
import time

from sitegen.build import build
from sitegen.output import build_lock


def test_a_second_build_waits_for_the_first_and_says_so(site_factory):
    site = site_factory("basic")
    said: list[str] = []
    done = threading.Event()
    with build_lock(site):
        worker = threading.Thread(target=lambda: (build(site, progress=said.append), done.set()))
        worker.start()
        time.sleep(1.0)
        assert not done.is_set(), "the build did not wait for the lock"
        assert any("waiting for another build of this project" in s for s in said), said
        assert not (site / "_site").exists()
    worker.join(timeout=120)
    assert done.is_set() and (site / "_site/index.html").is_file()


def test_the_lock_is_released_however_its_holder_ends(site_factory):
    site = site_factory("basic")
    try:
        with build_lock(site):
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    said: list[str] = []
    build(site, progress=said.append)
    assert not any("waiting" in s for s in said)
