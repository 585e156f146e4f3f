"""Rendered pages of the basic fixture against their golden copies, by meaning (see golden.py;
regenerate: python tests/golden.py)."""
import difflib

import pytest

from golden import GOLDEN, PAGES, VERSIONS, build_basic, canonical, canonical_html, canonical_xml, library_versions


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return build_basic(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(pages, page):
    expected = canonical(page, (GOLDEN / page).read_bytes())
    actual = canonical(page, pages[page])
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built", n=2))
    assert actual == expected, (
        f"{page} differs in meaning from its golden copy (python tests/golden.py regenerates).\n"
        f"Golden made with:\n{VERSIONS.read_text()}Built with:\n{library_versions()}{diff[:4000]}")


def test_escaping_and_layout_choices_do_not_count():
    assert canonical_html('<p class="a  b" id=x>say &quot;hi&quot;\n  there</p>') == \
        canonical_html("<p id='x' class=\"a  b\">say \"hi\" there</p>")
    assert canonical_html("<pre><span>&#34;x&#34;</span></pre>") == canonical_html('<pre><span>"x"</span></pre>')
    assert canonical_xml('<feed><content type="html">&lt;p&gt;&amp;quot;x&amp;quot;&lt;/p&gt;</content></feed>') == \
        canonical_xml('<feed><content type="html"><![CDATA[<p>"x"</p>]]></content></feed>')


@pytest.mark.parametrize("before, after", [
    ("<p>a</p>", "<p>b</p>"),                                  # text
    ('<p class="x">a</p>', '<p class="y">a</p>'),              # attribute
    ("<p>a</p>", "<div>a</div>"),                              # element
    ("<p><em>a</em> b</p>", "<p><em>a b</em></p>"),            # nesting
    ("<pre>a  b</pre>", "<pre>a b</pre>"),                     # whitespace inside <pre>
])
def test_changes_of_meaning_count(before, after):
    assert canonical_html(before) != canonical_html(after)
