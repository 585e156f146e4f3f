"""In Chromium: switch language, see edits without reloading by hand, the error overlay, CSS swaps."""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser

POST_FR = "content/posts/fr/2024-05-02-premier-billet.md"
URL_FR = "/fr/2024/05/02/premier-billet/"
URL_EN = "/en/2024/05/02/first-post/"
CONNECTED = "() => window.__sitegen !== undefined && window.__sitegen.source.readyState === 1"


def open_live(page, served, path: str):
    page.goto(served.url + path)
    page.wait_for_function(CONNECTED, timeout=TIMEOUT_MS)       # the event stream is open: edits from now on show


def cli_problems(root) -> list[str]:
    """What `site.py build` prints for the broken site: the overlay must say the same."""
    run = subprocess.run([sys.executable, str(REPO / "site.py"), "--root", str(root), "build", "--out",
                          str(root / "_check")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    return [line for line in run.stderr.splitlines() if line.startswith("content/")]


def test_language_switcher_leads_to_the_translation(page, served):
    page.goto(served.url + URL_FR)
    expect(page.locator("h1").first).to_have_text("Premier billet")
    page.locator('nav.lang-switch a[hreflang="en"]').click()
    page.wait_for_url(served.url + URL_EN)
    expect(page.locator("h1").first).to_have_text("First post")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator('nav.lang-switch a[hreflang="fr"]').click()
    page.wait_for_url(served.url + URL_FR)


def test_an_edit_shows_without_a_manual_reload(page, served):
    open_live(page, served, URL_FR)
    page.evaluate("window.untouched = true")
    post = served.path(POST_FR)
    post.write_text(post.read_text(encoding="utf-8").replace(
        "Ceci est le premier billet", "Ceci est le billet réécrit"), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Ceci est le billet réécrit", timeout=TIMEOUT_MS)
    assert page.evaluate("window.untouched") is None             # the script reloaded the page itself


def test_broken_front_matter_shows_the_overlay_then_it_goes(page, served):
    open_live(page, served, URL_FR)
    post = served.path(POST_FR)
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("categories: [Essais]", "categories: [Essais"), encoding="utf-8")
    overlay = page.locator("#sitegen-overlay")
    expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
    expect(overlay).to_contain_text(POST_FR + ":")
    shown = overlay.locator("li").all_inner_texts()
    printed = cli_problems(served.root)
    assert printed and printed[0].startswith(POST_FR + ":") and printed[0].split(":")[1].isdigit()
    assert printed[0] in shown                                    # path:line: message, as the CLI prints it
    expect(page.locator("h1").first).to_have_text("Premier billet")   # the last good page stays underneath

    page.evaluate("window.untouched = true")
    post.write_text(good.replace("Ceci est le premier billet", "Ceci est le billet réparé"), encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.locator("main")).to_contain_text("Ceci est le billet réparé")
    assert page.evaluate("window.untouched") is None


def test_a_page_opened_while_broken_shows_the_overlay(page, served):
    post = served.path(POST_FR)
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("title: Premier billet", "title: 'Premier billet"), encoding="utf-8")
    overlay = page.locator("#sitegen-overlay")
    for attempt in range(50):                   # until the server has noticed (the event may come before the page)
        page.goto(served.url + URL_EN)
        try:
            expect(overlay).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            continue
    expect(overlay).to_contain_text(POST_FR + ":")
    post.write_text(good, encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.locator("h1").first).to_have_text("First post")


def test_a_css_change_swaps_stylesheets_without_reloading(page, served):
    open_live(page, served, URL_FR)
    page.evaluate("window.untouched = 'still here'")
    before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert before != "rgb(1, 2, 3)"
    css = served.path("static/css/site.css")
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { background: rgb(1, 2, 3) !important; }\n",
                   encoding="utf-8")
    page.wait_for_function("() => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
                           timeout=TIMEOUT_MS)
    assert page.evaluate("window.untouched") == "still here"
    hrefs = page.eval_on_selector_all('link[rel="stylesheet"]', "links => links.map(l => l.getAttribute('href'))")
    assert any(h.startswith("/css/site.css?sitegen=") or "/css/site.css?sitegen=" in h for h in hrefs)
    assert sum("/css/site.css" in h for h in hrefs) == 1          # the old link was removed, not piled up
