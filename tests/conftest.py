"""Shared helpers: fixture sites copied to a temporary folder, builds, parsed HTML."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sites import FIXTURES, ROOT, make_site  # noqa: E402  (re-exported for the tests)

__all__ = ["FIXTURES", "ROOT", "make_site"]


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright leaves a thread running in this process, and with another
    thread running the build never forks (sitegen/render/parallel.py), so the forked paths would go untested."""
    items.sort(key=lambda item: "browser" in item.path.parts)


@pytest.fixture
def site_factory(tmp_path):
    return lambda name: make_site(name, tmp_path)
