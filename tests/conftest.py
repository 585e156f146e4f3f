"""Shared helpers: fixture sites copied to a temporary folder, builds, parsed HTML."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sites import FIXTURES, ROOT, make_site  # noqa: E402  (re-exported for the tests)

__all__ = ["FIXTURES", "ROOT", "make_site"]


@pytest.fixture
def site_factory(tmp_path):
    return lambda name: make_site(name, tmp_path)
