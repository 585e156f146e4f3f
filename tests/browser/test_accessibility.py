"""axe-core on every page of the project's site: WCAG 2.2 A and AA and axe's best practices, in
light and dark mode, at 1280 px and at 390 px. Any violation fails, listed with its page and nodes.

One browser page visits each URL once; the four settings are applied to it in turn (colour scheme
and viewport change without a reload, as a reader's would), and axe runs after each.
"""
from __future__ import annotations

import json

import pytest

from .tools import AXE_TAGS as TAGS, TIMEOUT_MS, node_module
from sitecheck import html_pages

pytestmark = pytest.mark.browser

SETTINGS = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
# pages whose state comes from the script: the search page with results
EXTRA = ["/fr/search/?q=normalisation", "/en/search/?q=normalization"]


def site_urls(out) -> list[str]:
    return [url for url in html_pages(out) if "/pagefind/" not in url] + EXTRA


def test_no_axe_violation_on_any_page_light_and_dark_wide_and_narrow(browser, repo_site, repo_served):
    axe = node_module("axe-core/axe.min.js").read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    found, checked = [], 0
    try:
        for url in site_urls(repo_site[1]):
            page.emulate_media(color_scheme="light")
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(repo_served.url + url)
            page.evaluate("document.fonts.ready")
            if "/search/?q=" in url:
                page.wait_for_selector("#search-results ol, #search-results p")
            page.add_script_tag(content=axe)
            for width, scheme in SETTINGS:
                page.set_viewport_size({"width": width, "height": 900})
                page.emulate_media(color_scheme=scheme)
                page.wait_for_timeout(150)   # the script's resize handler (tab stops) has run
                result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
                checked += 1
                for violation in result["violations"]:
                    nodes = [" ".join(n["target"]) if isinstance(n["target"][0], str) else json.dumps(n["target"])
                             for n in violation["nodes"][:5]]
                    found.append(f"{url} [{width}px {scheme}] {violation['id']} ({violation['impact']}): "
                                 f"{violation['help']} — {len(violation['nodes'])} node(s): {nodes}")
    finally:
        context.close()
    assert checked >= 4 * 20, checked
    assert errors == [], f"JavaScript errors: {errors}"
    assert found == [], "axe violations:\n" + "\n".join(found)
