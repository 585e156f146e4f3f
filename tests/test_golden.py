"""Rendered pages of the basic fixture against their golden copies (regenerate: python tests/golden.py)."""
import difflib

import pytest

from golden import GOLDEN, PAGES, build_basic


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return build_basic(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(pages, page):
    expected = (GOLDEN / page).read_text(encoding="utf-8")
    actual = pages[page].decode("utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built", n=1))
    assert actual == expected, f"{page} differs from its golden copy (python tests/golden.py regenerates):\n{diff[:4000]}"
