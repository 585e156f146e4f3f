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


REPO_PARTS = ("site.yaml", "content", "templates", "static", "i18n", "code_samples", ".cache")


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory):
    """A copy of the project (with its execution cache when there is one), built once for the
    whole run: the end-to-end tests and the browser tests read the same output."""
    import shutil

    from sitegen.build import build

    root = tmp_path_factory.mktemp("repo")
    for part in REPO_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("__pycache__", "manifest.json"))
        elif source.is_file():
            shutil.copy2(source, root / part)
    report = build(root)
    return root, root / "_site", report
