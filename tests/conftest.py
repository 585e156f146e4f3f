"""Shared helpers: fixture sites copied to a temporary folder, builds, parsed HTML."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def make_site(name: str, dest: Path) -> Path:
    """Copy fixture `name` to dest; the repository's theme (templates, static, i18n) fills what it lacks."""
    site = dest / name
    shutil.copytree(FIXTURES / name, site)
    for part in ("templates", "static", "i18n"):
        if not (site / part).exists():
            shutil.copytree(ROOT / part, site / part, ignore=shutil.ignore_patterns("images"))
    return site


@pytest.fixture
def site_factory(tmp_path):
    return lambda name: make_site(name, tmp_path)
