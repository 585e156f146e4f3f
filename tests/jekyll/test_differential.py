"""The differential corpus built by Jekyll (kramdown, GFM input) and by sitegen: at least 95 % of
the posts structurally equal, and every difference listed in allowed.yaml with its reason."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import differential  # noqa: E402



@pytest.fixture(autouse=True)
def jekyll_installed():
    """Jekyll is the oracle here: without it these tests fail, they are never skipped."""
    assert shutil.which("jekyll"), "Debian's jekyll is missing: apt-get install -y jekyll (.ci/run installs it)"


@pytest.fixture(scope="module")
def result():
    return differential.run()


def test_corpus_is_large_enough():
    assert len(list((differential.CORPUS / "_posts").glob("2021-*.md"))) >= 60


def test_most_posts_render_as_jekyll_renders_them(result):
    posts, differences = result
    print(differential.report(posts, differences))
    equal = len(posts) - len(differences)
    assert len(posts) >= 60
    assert equal / len(posts) >= 0.95, differential.report(posts, differences, verbose=False)


def test_every_difference_is_listed(result):
    posts, differences = result
    unexplained = [d for d in differences if not d.allowed]
    assert not unexplained, "\n".join(f"{d.post}:\n{d.text()}" for d in unexplained)


def test_allow_list_has_no_stale_entry(result):
    _, differences = result
    used = {d.allowed for d in differences}
    stale = [e["name"] for e in differential.load_allowed() if e["name"] not in used and "site" not in e]
    assert not stale, f"allowed.yaml entries that match no difference any more: {stale}"


# --- the comparison itself: it must see what matters and only that --------------------------------

def test_normalize_sees_text_structure_ids_and_classes():
    base = differential.normalize('<h2 id="a">T</h2><p class="x">Hello <em>you</em></p>')
    assert base == ['<h2 id="a">', "  T", '<p class="x">', "  Hello <em>you</em>"]
    assert differential.normalize('<h2 id="b">T</h2><p class="x">Hello <em>you</em></p>') != base
    assert differential.normalize('<h2 id="a">T</h2><p>Hello <em>you</em></p>') != base
    assert differential.normalize('<h2 id="a">T</h2><p class="x">Hello you</p>') != base
    assert differential.normalize('<h2 id="a">T</h2><p class="x">Hello “you”</p>') != \
        differential.normalize('<h2 id="a">T</h2><p class="x">Hello "you"</p>')


def test_normalize_drops_representation_only():
    jekyll = ('<div class="language-python highlighter-rouge"><div class="highlight"><pre class="highlight">'
              '<code><span class="n">x</span> = 1\n</code></pre></div></div>'
              '<h2 id="t">T</h2>')
    ours = '<div class="highlight"><pre><span></span><code>x = 1\n</code></pre></div>\n' \
           '<h2 id="t">T<a class="anchor" href="#t">#</a></h2>'
    assert differential.normalize(jekyll) == differential.normalize(ours)


def test_math_compares_through_one_converter():
    from sitegen.markup.math import to_mathml

    ours = f"<p>Let {to_mathml('x^2', False)} be.</p>"
    assert differential.normalize(r"<p>Let \(x^2\) be.</p>") == differential.normalize(ours)
    assert differential.normalize(r"<p>Let \(x^3\) be.</p>") != differential.normalize(ours)
    display = f'<div class="math">{to_mathml("a=b", True)}</div>'
    assert differential.normalize(r"\[a=b\]") == differential.normalize(display)
    assert differential.normalize(r"<p>\[a=b\]</p>") == differential.normalize(display)


def test_an_unlisted_difference_is_reported():
    posts, differences = differential.compare({"a.md": "<p>x</p>", "b.md": "<p>y</p>"},
                                              {"a.md": "<p>x</p>", "b.md": "<p>z</p>"}, [])
    assert posts == ["a.md", "b.md"] and [d.post for d in differences] == ["b.md"]
    assert differences[0].allowed is None
    allowed = [{"name": "n", "reason": "r", "posts": ["b.md"], "diff": "^[-+] *[yz]$"}]
    assert differential.compare({"b.md": "<p>y</p>"}, {"b.md": "<p>z</p>"}, allowed)[1][0].allowed == "n"
    assert "DIFFERENT" in differential.report(posts, differences)


def test_highlight_figure_and_line_number_tables_are_representation():
    jekyll = ('<figure class="highlight"><pre><code class="language-python"><table class="rouge-table"><tbody><tr>'
              '<td class="gutter gl"><pre class="lineno">1\n2\n</pre></td><td class="code"><pre>a = 1\nb = 2\n</pre>'
              '</td></tr></tbody></table></code></pre></figure>')
    ours = ('<table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre>1\n2</pre></div></td>'
            '<td class="code"><div class="highlight"><pre><code>a = 1\nb = 2\n</code></pre></div></td></tr></table>')
    assert differential.normalize(jekyll) == differential.normalize(ours) == ["code: a = 1⏎b = 2"]
    assert differential.normalize(ours) != differential.normalize(ours.replace("b = 2", "b = 3"))
