"""The math font the build cuts to the site's formulas (sitegen/output/fonts.py) draws them exactly
as the theme's whole font does: every formula of the math fixture, pixel for pixel, light and dark."""
from __future__ import annotations

import shutil

import pytest

from sites import ROOT, make_site
from sitegen.build import build

from .tools import StaticSite

pytestmark = pytest.mark.browser

MATH_POST = "/fr/2024/01/01/formules/"


def shots(browser, site: StaticSite, scheme: str) -> list[bytes]:
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site.url + MATH_POST, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("[...document.fonts].some(f => f.family === 'Sitegen Math' && f.status === 'loaded')")
        return [math.screenshot() for math in page.query_selector_all("math")]
    finally:
        context.close()


def test_the_cut_font_draws_every_formula_as_the_whole_font(browser, tmp_path):
    root = make_site("math", tmp_path)
    build(root)
    whole = tmp_path / "whole"
    shutil.copytree(root / "_site", whole)
    for font in (ROOT / "static" / "fonts").glob("*.woff2"):
        assert font.stat().st_size > 2 * (root / "_site" / "fonts" / font.name).stat().st_size   # it was cut
        shutil.copy2(font, whole / "fonts" / font.name)
    cut_site, whole_site = StaticSite(root / "_site"), StaticSite(whole)
    try:
        for scheme in ("light", "dark"):
            cut, full = shots(browser, cut_site, scheme), shots(browser, whole_site, scheme)
            assert len(cut) == len(full) >= 10
            different = [i for i, (a, b) in enumerate(zip(cut, full)) if a != b]
            assert different == [], f"{scheme}: formulas {different} are drawn differently with the cut font"
    finally:
        cut_site.close()
        whole_site.close()
