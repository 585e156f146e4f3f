"""In Chromium under `serve`: editing the French original makes the English page say, once it has
reloaded by itself, that it may be out of date, with a link to the original; `--sync` takes it away."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .tools import axe_violations

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 10_000
FR = "content/posts/fr/2024-03-01-descente-de-gradient.md"
EN = "content/posts/en/2024-03-01-gradient-descent.md"
URL_FR = "/fr/2024/03/01/descente-de-gradient/"
URL_EN = "/en/2024/03/01/gradient-descent/"
CONNECTED = "() => window.__sitegen !== undefined && window.__sitegen.source.readyState === 1"

pytestmark = pytest.mark.browser


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(…)` colours."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def site_name() -> str:
    return "translations"


def test_the_notice_appears_after_the_original_changes_and_leaves_after_sync(page, served):
    page.goto(served.url + URL_EN)
    page.wait_for_function(CONNECTED, timeout=TIMEOUT_MS)
    notice = page.locator(".stale-notice")
    expect(notice).to_have_count(0)
    page.evaluate("window.untouched = true")

    post = served.path(FR)
    post.write_text(post.read_text(encoding="utf-8").replace("suffit ici.", "suffit ici, même bruitée."), encoding="utf-8")
    expect(notice).to_be_visible(timeout=TIMEOUT_MS)
    assert page.evaluate("window.untouched") is None                      # the page reloaded by itself
    expect(notice).to_have_attribute("role", "note")
    expect(notice).to_contain_text("This translation may be out of date: the original has changed since it was made.")
    link = notice.get_by_role("link", name="La descente de gradient en 5 minutes")
    expect(link).to_have_attribute("hreflang", "fr")
    expect(link).to_have_attribute("lang", "fr")
    # in the theme's colours, readable in light and dark: text and link contrast with the notice's
    # background as WCAG AA asks
    backgrounds = set()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        background, text, link_colour = notice.evaluate(
            "n => [n, n.querySelector('p'), n.querySelector('a')].map(e => getComputedStyle(e)"
            "[e === n ? 'backgroundColor' : 'color'])")
        assert contrast(text, background) >= 4.5 and contrast(link_colour, background) >= 4.5, (scheme, background)
        assert axe_violations(page) == [], scheme      # the page with its notice, as the site's pages are checked
        backgrounds.add(background)
    assert len(backgrounds) == 2

    link.click()
    page.wait_for_url(served.url + URL_FR)
    expect(page.locator(".stale-notice")).to_have_count(0)                # the original says nothing

    page.goto(served.url + URL_EN)
    page.wait_for_function(CONNECTED, timeout=TIMEOUT_MS)
    english = served.path(EN)
    english.write_text(english.read_text(encoding="utf-8").replace("is enough here.", "is enough here, even noisy."),
                       encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO / "site.py"), "--root", str(served.root), "translations", "--sync", EN],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expect(page.locator(".stale-notice")).to_have_count(0, timeout=TIMEOUT_MS)
    output = served.stop()
    assert f"Translation went stale: {EN}: translation of {FR} is stale: 1 section changed" in output
    assert f"Translation up to date again: {EN}" in output
