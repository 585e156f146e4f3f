"""What a reader sees and does, measured in Chromium: math laid out as LaTeX lays it out, search,
the theme toggle, copy buttons, the contents column, back to top, figures at full size, tab stops
on scrolling regions only, and the weight of a post's first load."""
from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sites import make_site
from sitegen.build import build

from .tools import TIMEOUT_MS, StaticSite

pytestmark = pytest.mark.browser

FR_POST = "/fr/2021/04/05/normalisation-par-lots/"
EN_POST = "/en/2021/04/05/batch-normalization/"
MATH_POST = "/fr/2024/01/01/formules/"


@pytest.fixture(scope="module")
def math_site(tmp_path_factory):
    root = make_site("math", tmp_path_factory.mktemp("math"))
    report = build(root)
    assert [str(w) for w in report.warnings] == []
    site = StaticSite(root / "_site")
    yield site
    site.close()


def boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                               "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, "
                                               "width: r.width, height: r.height, text: e.textContent} })")


def formula(latex_start: str) -> str:
    escaped = latex_start.replace("\\", "\\\\")   # a CSS string: backslashes escaped
    return f'math[alttext^="{escaped}"]'


ALIGN, ALIGNED, GATHER = formula(r"\begin{align*}"), formula(r"\begin{aligned}"), formula(r"\begin{gather*}")
FENCES, OPERATORS, CASES, MATRIX = formula(r"\left("), formula(r"\big\vert"), formula("f(x) = "), formula("M = ")
BMATRIX = formula("B = ")
# the middle, left and right of each cell's content, by column: [[(middle, left, right) of row 1, of row 2], …]
CELL_EDGES = ("t => { const rows = [...t.querySelectorAll(':scope > mtr')].map(r => [...r.children].map(c => { "
              "const k = [...c.children].map(e => e.getBoundingClientRect()); const l = Math.min(...k.map(r => r.left)), "
              "r = Math.max(...k.map(r => r.right)); return [(l + r) / 2, l, r] })); return rows[0].map((_, i) => rows.map(r => r[i])) }")
INLINE_SUM = "p " + formula(r"\sum")
CHILD_BOXES = "u => [...u.children].map(c => c.getBoundingClientRect().toJSON())"


def test_math_is_laid_out_as_latex_lays_it_out(page, math_site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(math_site.url + MATH_POST)
    page.evaluate("document.fonts.ready")
    # the packaged math font, not a fallback
    assert page.evaluate("[...document.fonts].some(f => f.family === 'Sitegen Math' && f.status === 'loaded')")
    family = page.eval_on_selector("math", "m => getComputedStyle(m).fontFamily")
    assert family.startswith('"Sitegen Math"'), family

    # align* and aligned: the = of every row at one x, the left column right-aligned against it
    for table in (ALIGN, ALIGNED):
        equals = [b for b in boxes(page, f"{table} mtd[columnalign=left] > mo") if b["text"] == "="]
        assert len(equals) == 2 and abs(equals[0]["left"] - equals[1]["left"]) < 0.5, equals
    firsts = page.eval_on_selector_all(f"{ALIGNED} mtd[columnalign=right]",
                                       "cells => cells.map(c => [c.getBoundingClientRect().right - parseFloat(getComputedStyle(c).paddingRight), "
                                       "Math.max(...[...c.children].map(k => k.getBoundingClientRect().right))])")
    assert all(abs(cell - content) < 0.5 for cell, content in firsts), firsts   # a and d+e+f end together

    # gather: rows centred on one axis
    rows = page.eval_on_selector_all(f"{GATHER} mtd",
                                     "cells => cells.map(c => { const k = [...c.children].map(e => e.getBoundingClientRect()); "
                                     "return (Math.min(...k.map(r => r.left)) + Math.max(...k.map(r => r.right))) / 2 })")
    assert len(rows) == 2 and abs(rows[0] - rows[1]) < 1, rows

    # display formulas are centred in the column
    for math in page.query_selector_all(".math > math"):
        container = math.evaluate("m => m.parentElement.getBoundingClientRect()")
        content = math.evaluate("m => { const k = [...m.children].map(e => e.getBoundingClientRect()); "
                                "return [Math.min(...k.map(r => r.left)), Math.max(...k.map(r => r.right))] }")
        middle = (container["left"] + container["right"]) / 2
        assert abs((content[0] + content[1]) / 2 - middle) < 1.5, (math.get_attribute("alttext"), content, container)

    # \left( around a fraction stretches past a plain (x)
    parens = boxes(page, f"{FENCES} mo")
    fenced = [b for b in parens if b["text"] == "("]
    assert len(fenced) == 2 and fenced[0]["height"] > 1.6 * fenced[1]["height"], fenced
    # \big| is bigger than | ; cases' brace and the matrix's parentheses cover two rows
    bars = [b for b in boxes(page, f"{OPERATORS} mo") if b["text"] == "|"]
    assert len(bars) == 4 and bars[0]["height"] > 1.15 * bars[2]["height"], bars
    brace = [b for b in boxes(page, f"{CASES} mo") if b["text"] == "{"][0]
    table = boxes(page, f"{CASES} mtable")[0]
    assert brace["height"] >= 0.9 * table["height"], (brace, table)
    matrix = boxes(page, f"{MATRIX} mtable")[0]
    paren = [b for b in boxes(page, f"{MATRIX} mo") if b["text"] == "("][0]
    assert paren["height"] >= 0.9 * matrix["height"], (paren, matrix)

    # matrix cells centred in their column, as LaTeX sets them; cases' columns on the left
    for matrix_formula in (MATRIX, BMATRIX):
        columns = page.eval_on_selector(f"{matrix_formula} mtable", CELL_EDGES)
        for column in columns:
            assert abs(column[0][0] - column[1][0]) < 0.5 and abs(column[0][1] - column[1][1]) > 3, (matrix_formula, columns)
    columns = page.eval_on_selector(f"{CASES} mtable", CELL_EDGES)
    assert all(abs(column[0][1] - column[1][1]) < 0.5 for column in columns), columns
    assert abs(columns[0][0][2] - columns[0][1][2]) > 3, columns   # 1 and -100: the same left edge, not the same right

    # limits under ∑ and \operatorname* in display, beside them inline
    display_sum = page.eval_on_selector(f"{OPERATORS} munderover", CHILD_BOXES)
    assert display_sum[1]["top"] >= display_sum[0]["bottom"] - 1 and display_sum[2]["bottom"] <= display_sum[0]["top"] + 1
    argmax = page.eval_on_selector(f"{OPERATORS} munder", CHILD_BOXES)
    assert argmax[1]["top"] >= argmax[0]["bottom"] - 1
    inline_sum = page.eval_on_selector(f"{INLINE_SUM} :is(munderover, msubsup)", CHILD_BOXES)
    assert inline_sum[1]["left"] >= inline_sum[0]["right"] - 1   # the limit beside ∑, as LaTeX sets it in text


def test_every_formula_is_named_by_its_latex(page, math_site):
    page.goto(math_site.url + MATH_POST)
    latex = page.eval_on_selector_all("math", "ms => ms.map(m => m.getAttribute('alttext'))")
    cdp = page.context.new_cdp_session(page)
    names = [n.get("name", {}).get("value") for n in cdp.send("Accessibility.getFullAXTree")["nodes"]
             if n.get("role", {}).get("value") in ("math", "MathMLMath")]
    assert len(names) == len(latex) > 5 and sorted(names) == sorted(latex)


def test_searching_the_french_site_finds_the_french_post(page, repo_served):
    page.goto(repo_served.url + "/fr/")
    page.fill("#site-search", "normalisation")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/fr/search/?q=normalisation")
    links = page.locator("#search-results ol a")
    expect(links.first).to_be_visible(timeout=TIMEOUT_MS)
    hrefs = [urlsplit(h).path for h in links.evaluate_all("as => as.map(a => a.href)")]
    assert FR_POST in hrefs and all(h.startswith("/fr/") for h in hrefs), hrefs
    expect(page.locator("#search-results ol mark").first).to_be_visible()
    # and the English site searches English pages
    page.goto(repo_served.url + "/en/search/?q=normalization")
    expect(page.locator("#search-results ol a").first).to_be_visible(timeout=TIMEOUT_MS)
    hrefs = [urlsplit(h).path for h in page.locator("#search-results ol a").evaluate_all("as => as.map(a => a.href)")]
    assert EN_POST in hrefs and all(h.startswith("/en/") for h in hrefs), hrefs
    # typing on the search page searches again, and the address follows
    page.fill("#search-page-q", "pytorch")
    page.wait_for_url("**/en/search/?q=pytorch")
    expect(page.locator("#search-results p").first).to_contain_text("pytorch", timeout=TIMEOUT_MS)


def test_theme_follows_the_system_until_the_reader_chooses(page, repo_served):
    page.emulate_media(color_scheme="light")
    page.goto(repo_served.url + "/fr/")
    toggle = page.locator(".theme-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"       # remembered
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    page.locator(".theme-toggle").click()                                          # back to the system's
    assert page.evaluate("document.documentElement.dataset.theme || null") is None
    assert page.evaluate("localStorage.getItem('sitegen-theme')") is None
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    # code colours follow: a keyword is not the same colour in both
    page.goto(repo_served.url + FR_POST)
    keyword = page.locator(".highlight .k").first
    night = keyword.evaluate("k => getComputedStyle(k).color")
    page.emulate_media(color_scheme="light")
    assert keyword.evaluate("k => getComputedStyle(k).color") != night


def test_copy_button_copies_the_code(browser, repo_served):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=repo_served.url)
    page = context.new_page()
    try:
        page.goto(repo_served.url + FR_POST)
        block = page.locator(".exec .highlight").first
        button = block.locator("button.copy")
        expect(button).to_have_text("Copier")
        button.click()
        expect(button).to_have_text("Copié")
        expect(page.locator("[role=status]")).to_have_text("Copié")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == block.locator("code").inner_text().rstrip("\n") and "import" in copied or "=" in copied
    finally:
        context.close()


def test_contents_beside_the_text_when_wide_folded_when_narrow(page, repo_served):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(repo_served.url + FR_POST)
    toc = page.locator(".toc details")
    expect(toc).to_have_attribute("open", "")
    article = page.locator(".post .content").bounding_box()
    side = page.locator(".toc").bounding_box()
    assert side["x"] > article["x"] + article["width"]             # a column of its own, right of the text
    # a section heading with no other heading right under it, brought to the top
    index = page.evaluate("""() => { const hs = [...document.querySelectorAll('.content :is(h2, h3, h4)')];
        return hs.findIndex((h, i) => i > 2 && hs[i + 1] && hs[i + 1].getBoundingClientRect().top - h.getBoundingClientRect().top > 400) }""")
    heading = page.locator(".content :is(h2, h3, h4)").nth(index)
    heading.evaluate("h => h.scrollIntoView({block: 'start', behavior: 'instant'})")
    current = page.locator(".toc a[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", "#" + heading.get_attribute("id"))
    assert page.locator(".toc").bounding_box()["y"] >= 0             # sticky: still in view
    page.set_viewport_size({"width": 390, "height": 800})
    expect(toc).not_to_have_attribute("open", "")
    page.evaluate("window.scrollTo(0, 0)")
    up = page.locator(".to-top-float")
    expect(up).to_be_hidden()
    page.evaluate("window.scrollTo(0, 5 * innerHeight)")
    expect(up).to_be_visible()
    up.click()
    page.wait_for_function("window.scrollY < 50")


def test_figures_open_full_size(page, repo_served):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(repo_served.url + FR_POST)
    zoom = page.locator("button.zoom").first
    zoom.scroll_into_view_if_needed()
    shown = zoom.locator("img").bounding_box()["width"]
    assert "Agrandir" in zoom.get_attribute("aria-label")
    zoom.click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    big = dialog.locator("img").bounding_box()["width"]
    assert big > 2 * shown, (big, shown)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_images_say_their_size(page, repo_served):
    page.goto(repo_served.url + FR_POST)
    sizes = page.eval_on_selector_all(".content img", "imgs => imgs.map(i => [i.getAttribute('width'), i.getAttribute('height')])")
    assert sizes and all(w and h and int(w) > 0 and int(h) > 0 for w, h in sizes), sizes


def test_only_regions_that_scroll_are_tab_stops(page, repo_served):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(repo_served.url + FR_POST)
    # the script measures once the page is idle, and marks what it measured
    page.wait_for_function("document.querySelectorAll('pre:not([data-scroll]), .math:not([data-scroll])').length === 0")
    state = page.eval_on_selector_all("pre, .math, .table-scroll", "els => els.map(e => [e.scrollWidth > e.clientWidth + 1, e.getAttribute('tabindex')])")
    assert state and all((tab == "0") == scrolls for scrolls, tab in state), state
    wide = sum(1 for scrolls, _ in state if scrolls)
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_timeout(300)
    state = page.eval_on_selector_all("pre, .math, .table-scroll", "els => els.map(e => [e.scrollWidth > e.clientWidth + 1, e.getAttribute('tabindex')])")
    assert all((tab == "0") == scrolls for scrolls, tab in state), state
    assert sum(1 for scrolls, _ in state if scrolls) > wide                      # more of them scroll on a phone


BUDGET = 80 * 1024   # issue 14: HTML + CSS + JS + fonts, as sent gzip-compressed


@pytest.fixture(scope="module")
def gzip_served(repo_site):
    """The project's own site served as a host serves it: text gzip-compressed."""
    site = StaticSite(repo_site[1], gzip=True)
    yield site
    site.close()


def test_the_french_posts_first_load_stays_light_and_local(browser, gzip_served):
    """Issue 14's budget, measured as the browser receives it (bodies after Content-Encoding): the
    French post's HTML, CSS, JS and fonts under 80 KB on a first load, nothing from another host.
    The images it loads (favicon, the figures in view) count too: a reader pays for them as well."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda r: requests.append(r))
    try:
        page.goto(gzip_served.url + FR_POST, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.wait_for_load_state("networkidle")
        hosts = {urlsplit(r.url).netloc for r in requests}
        assert hosts == {urlsplit(gzip_served.url).netloc}, hosts
        weights = {(r.resource_type, urlsplit(r.url).path): r.sizes()["responseBodySize"] for r in requests}
        html = [size for (kind, path), size in weights.items() if kind == "document"]
        assert len(html) == 1 and html[0] < 0.5 * len((gzip_served.folder / FR_POST.strip("/") / "index.html").read_bytes()), \
            weights   # the server compressed it: these are the bytes sent, not the file's
        assert any(kind == "font" for kind, _ in weights), weights   # the math font is part of the load
        counted = sum(weights.values())
        report = ", ".join(f"{path} {size / 1024:.1f} KB ({kind})" for (kind, path), size in sorted(weights.items()))
        assert counted < BUDGET, f"first load {counted / 1024:.1f} KB of {BUDGET / 1024:.0f}: {report}"
    finally:
        context.close()
