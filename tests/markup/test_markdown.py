"""sitegen/markup/markdown.py: Markdown body → Rendered (HTML, toc, excerpt, words, math errors)."""
from __future__ import annotations

from textwrap import dedent

import pytest
from htmltools import parse

from sitegen.markup.markdown import PLACEHOLDER, Rendered, TocEntry, count_words, render


NBSP, NNBSP = "\u00a0", "\u202f"


def html(body: str, lang: str = "en", **kw) -> str:
    rendered = render(dedent(body), lang, **kw)
    assert rendered.errors == (), rendered.errors
    return rendered.html


def tree(body: str, lang: str = "en", **kw):
    return parse(html(body, lang, **kw))


# --- extensions ----------------------------------------------------------------------------------

def test_table():
    doc = tree("""\
        | Couche | Paramètres |
        |:-------|-----------:|
        | conv1  | 1 728      |
        | bn1    | 128        |
    """)
    table = doc.find("table")
    assert table is not None
    assert [th.text for th in table.find_all("th")] == ["Couche", "Paramètres"]
    rows = table.find("tbody").find_all("tr")
    assert [[td.text for td in tr.find_all("td")] for tr in rows] == [["conv1", "1 728"], ["bn1", "128"]]


def test_footnotes_link_both_ways():
    doc = tree("""\
        Une affirmation[^src].

        [^src]: La source.
    """)
    ref = doc.find("a", class_="footnote-ref")
    assert ref is not None and ref.attrs["href"] == "#fn:src"
    note = doc.find("li", id="fn:src")
    assert note is not None and "La source." in note.text
    back = note.find("a", class_="footnote-backref")
    assert back.attrs["href"] == "#fnref:src"
    assert doc.find("sup", id="fnref:src") is not None


def test_admonition():
    doc = tree("""\
        !!! warning "Attention"
            Le mode `eval()` change tout.
    """)
    box = [d for d in doc.find_all("div") if d.has_class("admonition")]
    assert len(box) == 1 and box[0].has_class("warning")
    assert box[0].find("p", class_="admonition-title").text == "Attention"
    assert box[0].find("code").text == "eval()"


def test_attr_list_on_paragraph_and_heading():
    doc = tree("""\
        Un chapeau.
        {: .lead #intro }

        ## Suite {: .special }
    """)
    p = doc.find("p", id="intro")
    assert p is not None and p.has_class("lead") and p.text == "Un chapeau."
    h2 = doc.find("h2")
    assert h2.has_class("special")


def test_md_in_html():
    doc = tree("""\
        <div class="note" markdown="1">
        Du **gras** et une [lien](https://example.org).
        </div>
    """)
    div = doc.find("div", class_="note")
    assert div is not None and "markdown" not in div.attrs
    assert div.find("strong").text == "gras"
    assert div.find("a").attrs["href"] == "https://example.org"


def test_strikethrough_definition_list_and_abbreviation():
    # the README promises them (kramdown and GitHub authors use them)
    t = tree("""\
        ~~old~~ new, a~~b~~c

        Batch
        : the examples of one step

        *[BN]: Batch Normalization

        BN again
    """)
    assert [d.text for d in t.find_all("del")] == ["old", "b"]
    assert t.find("dt").text == "Batch" and t.find("dd").text == "the examples of one step"
    assert t.find("abbr").attrs["title"] == "Batch Normalization"


def test_task_list():
    doc = tree("""\
        - [x] écrire
        - [ ] relire
    """)
    items = doc.find_all("li")
    boxes = [li.find("input") for li in items]
    assert [b.attrs.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert ["checked" in b.attrs for b in boxes] == [True, False]
    assert all("disabled" in b.attrs for b in boxes)


def test_fenced_code_is_highlighted():
    doc = tree("""\
        ```python
        x = 1
        ```
    """)
    block = doc.find("div", class_="highlight")
    assert block is not None and "x = 1" in block.find("code").text


# --- headings, toc ------------------------------------------------------------------------------

def test_heading_ids_readable_and_unique():
    rendered = render("## Phase d'entraînement\n\nA.\n\n## Phase d'entraînement\n\n### Détails\n", "fr")
    doc = parse(rendered.html)
    assert [h.attrs["id"] for h in doc.find_all("h2")] == ["phase-d-entrainement", "phase-d-entrainement_1"]
    assert doc.find("h3").attrs["id"] == "details"
    assert [(e.level, e.id) for e in rendered.toc] == [(2, "phase-d-entrainement"), (2, "phase-d-entrainement_1"),
                                                       (3, "details")]
    assert rendered.toc[0].title == "Phase d’entraînement"
    assert all(isinstance(e, TocEntry) for e in rendered.toc)


def test_heading_anchor_link():
    doc = tree("## Résultats\n")
    anchor = doc.find("h2").find("a", class_="anchor")
    assert anchor is not None and anchor.attrs["href"] == "#resultats"


def test_ids_do_not_leak_between_renders():
    first = render("## Intro\n", "en")
    second = render("## Intro\n", "en")
    assert parse(first.html).find("h2").attrs["id"] == "intro"
    assert parse(second.html).find("h2").attrs["id"] == "intro"


def test_heading_without_letters_gets_an_id():
    doc = tree("## ???\n")
    assert doc.find("h2").attrs["id"] == "section"


def test_toc_depth_and_plain_titles():
    rendered = render("# Titre\n\n## Le *vrai* `code` & co\n\n##### Trop profond\n", "en")
    assert [(e.level, e.title) for e in rendered.toc] == [(2, "Le vrai code & co")]


def test_toc_titles_get_french_typography():
    rendered = render("## Pourquoi ?\n", "fr")
    assert rendered.toc[0].title == f"Pourquoi{NNBSP}?"
    assert render("## Why ?\n", "en").toc[0].title == "Why ?"


def test_french_typography_only_in_french():
    assert f"Voici{NBSP}:" in html("Voici : une liste.\n", "fr")
    assert "Voici : une" in html("Voici : une liste.\n", "en")


# --- excerpt ------------------------------------------------------------------------------------

def test_excerpt_by_separator():
    rendered = render("Premier.\n\nDeuxième.\n\n<!--more-->\n\nSuite.\n", "fr")
    doc = parse(rendered.excerpt)
    assert [p.text for p in doc.find_all("p")] == ["Premier.", "Deuxième."]
    assert "Suite" not in rendered.excerpt
    assert "Suite" in rendered.html


def test_excerpt_by_custom_separator():
    rendered = render("Un.\n\n<!-- cut -->\n\nDeux.\n", "en", excerpt_separator="<!-- cut -->")
    assert [p.text for p in parse(rendered.excerpt).find_all("p")] == ["Un."]


def test_excerpt_defaults_to_first_paragraph():
    rendered = render("# Titre\n\nPremier paragraphe.\n\nSecond.\n", "en")
    doc = parse(rendered.excerpt)
    assert [p.text for p in doc.find_all("p")] == ["Premier paragraphe."]
    assert doc.find("h1") is None


def test_excerpt_empty_body():
    rendered = render("", "en")
    assert rendered.excerpt == "" and rendered.words == 0 and rendered.reading_minutes == 1


# --- words and reading time ---------------------------------------------------------------------

def test_word_count_ignores_code_and_math():
    rendered = render("Un deux trois.\n\n```python\nnot counted at all\n```\n\n$$\nx + y\n$$\n\nQuatre d'abord.\n", "fr")
    assert rendered.words == 5   # "d'abord" is one word


def test_count_words_on_html():
    assert count_words("<p>a <em>b</em> c</p><pre>x y z</pre><script>var q</script>") == 3


@pytest.mark.parametrize("words, minutes", [(10, 1), (220, 1), (440, 2), (2200, 10)])
def test_reading_minutes(words, minutes):
    assert Rendered("", (), "", words).reading_minutes == minutes


def test_reading_time_from_render():
    assert render("mot " * 660, "fr").reading_minutes == 3


# --- executed blocks: placeholders -------------------------------------------------------------

def test_placeholders_replaced_by_block_html():
    body = f"Avant.\n\n{PLACEHOLDER.format(0)}\n\nMilieu.\n\n{PLACEHOLDER.format(1)}\n\nAprès.\n"
    blocks = ('<div class="exec" id="b0"><pre>out: 1 ; 2 ?</pre></div>', '<figure class="exec" id="b1"></figure>')
    out = render(body, "fr", blocks).html
    assert "SITEGENBLOCK" not in out
    doc = parse(out)
    assert doc.find("div", id="b0") is not None and doc.find("figure", id="b1") is not None
    assert "out: 1 ; 2 ?" in out              # block HTML is inserted verbatim, after typography
    # not wrapped in a paragraph
    assert all(p.find("div") is None and p.find("figure") is None for p in doc.find_all("p"))
    assert out.index("Avant") < out.index('id="b0"') < out.index("Milieu") < out.index('id="b1"') < out.index("Après")


def test_placeholders_are_not_counted_as_words():
    rendered = render(f"un deux trois\n\n{PLACEHOLDER.format(0)}\n", "en", ("<pre>a b c d</pre>",))
    assert rendered.words == 3


# --- math --------------------------------------------------------------------------------------

def test_inline_and_display_math_become_mathml():
    doc = tree("Soit $x^2$ et\n\n$$\n\\frac{1}{2}\n$$\n")
    maths = doc.find_all("math")
    assert [m.attrs.get("display", "inline") for m in maths] == ["inline", "block"]
    assert doc.find("div", class_="math").find("mfrac") is not None
    assert doc.find("p").find("math") is not None


def test_dollar_in_code_is_never_math():
    out = html("""\
        Prix `$x$` et `$$y$$`.

        ```bash
        echo $HOME $PATH
        ```

        ~~~
        $z$
        ~~~
    """)
    doc = parse(out)
    assert doc.find("math") is None
    codes = [c.text for c in doc.find_all("code")]
    assert "$x$" in codes and "$$y$$" in codes
    assert any("$z$" in c for c in codes)
    assert any("$HOME" in c for c in codes)


def test_escaped_dollar_stays_a_dollar():
    out = html("Il coûte \\$5 et \\$10.\n")
    doc = parse(out)
    assert doc.find("math") is None
    assert doc.find("p").text == "Il coûte $5 et $10."


def test_prices_with_spaces_are_not_math():
    doc = tree("Entre $3 et $4 par mois.\n")
    assert doc.find("math") is None and "$3 et $4" in doc.find("p").text


def test_math_errors_are_located_by_line():
    rendered = render("Intro.\n\nOk $x$.\n\nFaux $\\boxed{x}$.\n\n$$\n\\begin{aligned} a \\cancel{b} \\end{aligned}\n$$\n", "en")
    lines = [line for line, _ in rendered.errors]
    assert lines == [5, 8]
    assert "\\boxed" in rendered.errors[0][1]
    assert "\\cancel" in rendered.errors[1][1]


def test_math_error_line_skips_same_text_in_code():
    rendered = render("Le code `\\boxed{x}` est refusé.\n\nDonc $\\boxed{x}$ aussi.\n", "en")
    assert [line for line, _ in rendered.errors] == [3]


def test_math_error_leaves_source_in_place():
    rendered = render("Faux $\\foo{x}$.\n", "en")
    assert rendered.errors and "\\foo" in rendered.errors[0][1]
    assert parse(rendered.html).find("math") is None


def test_multi_line_excerpt_separator():
    separator = "<!--\nmore\n-->\n"      # excerpt_separator: | (a YAML block)
    rendered = render("First paragraph.\n\nSecond.\n\n<!--\nmore\n-->\n\nAfter.\n", "en", (), separator)
    assert "Second." in rendered.excerpt and "After." not in rendered.excerpt


# --- nesting too deep for Python-Markdown's recursion: a located error, never RecursionError -------

@pytest.mark.parametrize("body, line", [
    ("Intro.\n\n" + "- " * 10000 + "x\n", 3),
    ("Intro.\n\n" + "".join("    " * i + "- a\n" for i in range(300)), 302),
    ("Intro.\n\n" + "1. " * 5000 + "x\n", 3),
    ("!!! note\n" + "".join("    " * i + "!!! note\n" for i in range(1, 400)), 400),
])
def test_too_deep_is_an_error_at_the_deepest_line(body, line):
    rendered = render(body, "en")
    [(where, message)] = [e for e in rendered.errors if "nested too deeply" in e[1]]
    assert where == line and "flatten" in message


def test_the_renderer_works_after_a_too_deep_body():
    """The Markdown instance a RecursionError left half-way is not reused (it once gave the document's
    root element a class from the next body, and Markdown then failed)."""
    sample = dedent("""\
        !!! note
            - item
            - ```python linenums="1"
              x = 1
              ```
        {: .note}

        | a | b |
        |---|---|
        | 1 | 2 |
        """)
    before = render(sample, "fr")
    for deep in ("- " * 10000 + "x", "".join("    " * i + "- a\n" for i in range(300))):
        assert render(deep, "fr").errors
        assert render(sample, "fr") == before
    assert html("- a\n    - b\n").count("<ul>") == 2


@pytest.mark.parametrize("body", [">" * 1000 + " x\n", "> " * 1000 + "x\n"])
def test_a_thousand_nested_quotes_render(body):
    """Python-Markdown stops nesting quotes by itself (at ~300 levels): a result, not an error."""
    doc = tree(body)
    assert len(doc.find_all("blockquote")) > 100 and "".join(e.text for e in doc.iter()).strip().endswith("x")


def test_a_placeholder_typed_by_the_author_naming_no_block_stays_text():
    doc = tree("SITEGENBLOCK7X\n", blocks=("<div>block</div>",))
    assert doc.find("p").text == "SITEGENBLOCK7X" and doc.find("div") is None


def test_an_empty_excerpt_separator_means_the_first_paragraph():
    assert render("One.\n\nTwo.\n", "en", excerpt_separator="").excerpt == "<p>One.</p>"
