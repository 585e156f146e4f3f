"""sitegen/markup/kramdown.py and punctuation.py: Markdown read as Jekyll's kramdown (GFM input)
reads it. tests/jekyll/ compares whole posts with Jekyll itself; these pin each rule down."""
from __future__ import annotations

from textwrap import dedent

from htmltools import parse

from sitegen.markup.kramdown import kramdown_id, parse_attributes
from sitegen.markup.markdown import render
from sitegen.markup.punctuation import QUOTES, smarten

NBSP = "\u00a0"


def tree(body: str, lang: str = "en", **kw):
    rendered = render(dedent(body), lang, **kw)
    assert rendered.errors == (), rendered.errors
    return parse(rendered.html)


def blocks(doc) -> list[str]:
    return [e.tag for e in doc.children]


# --- item 1: a block right after a paragraph line ----------------------------------------------

def test_list_right_after_a_paragraph_line():
    doc = tree("""\
        **Objectifs de cet article** :
        - premier point
        - second point
        """)
    assert blocks(doc) == ["p", "ul"]
    assert [li.text for li in doc.find_all("li")] == ["premier point", "second point"]
    assert "- " not in doc.find("p").text


def test_ordered_list_and_fence_right_after_a_paragraph_line():
    doc = tree("""\
        Steps:
        1. one
        2. two

        Code:
        ```python
        x = 1
        ```
        After.
        """)
    assert blocks(doc) == ["p", "ol", "p", "div", "p"]
    assert doc.find("div", class_="highlight").find("pre") is not None
    assert not any(p.find("pre") for p in doc.find_all("p"))


def test_two_space_nested_lists_nest():
    doc = tree("""\
        - fruits
          - apple
          - pear
        - bread
        """)
    outer = doc.find("ul")
    items = [c for c in outer.children if c.tag == "li"]
    assert len(items) == 2
    assert [li.text for li in items[0].find("ul").find_all("li")] == ["apple", "pear"]
    assert items[0].find("p") is None   # tight, as in kramdown


def test_lists_separated_by_a_blank_line_stay_two_lists():
    doc = tree("- a\n- b\n\n1. one\n2. two\n")
    assert blocks(doc) == ["ul", "ol"]


def test_a_fence_inside_a_longer_fence_does_not_cut_it():
    doc = tree("""\
        ````markdown
        ```python
        print("hi")
        ```
        ````
        """)
    code = doc.find("pre").text
    assert "```python" in code and code.rstrip().endswith("```")


# --- item 2: kramdown math --------------------------------------------------------------------

def test_double_dollars_in_a_sentence_are_inline_math():
    doc = tree("The loss $$\\mathcal{L}$$ is small.\n")
    p = doc.find("p")
    assert p.find("math").attrs["display"] == "inline"
    assert "$" not in p.text


def test_double_dollars_alone_are_display_math():
    doc = tree("Before.\n\n$$\nx = 1\n$$\n\nAfter.\n")
    assert doc.find("div", class_="math").find("math").attrs["display"] == "block"


def test_two_links_with_math_stay_two_links():
    doc = tree("[$$\\gamma$$](#a) and [$$\\lambda$$](#b).\n")
    links = doc.find_all("a")
    assert [a.attrs["href"] for a in links] == ["#a", "#b"]
    assert all(a.find("math") is not None for a in links)


def test_escaped_mathjax_delimiters_are_math():
    doc = tree("The reward \\\\( r_t \\\\) here.\n\n\\\\[ G_t = r \\\\]\n")
    assert doc.find("p").find("math") is not None
    assert doc.find("div", class_="math") is not None
    assert "\\(" not in doc.find("p").text


def test_escaped_dollars_and_code_are_not_math():
    doc = tree("Costs \\$\\$ and `$$x$$`.\n")
    assert doc.find("math") is None
    assert "$$" in doc.find("p").text and doc.find("code").text == "$$x$$"


# --- item 4: IALs and extensions --------------------------------------------------------------

def test_block_ial_after_image_heading_and_paragraph():
    doc = tree("""\
        ![A diagram](/a.png)
        {: .center}

        ## Introduction
        {: #intro}

        Text.
        {: .lead style="color: red"}
        """)
    assert doc.find("img").attrs["alt"] == "A diagram"
    assert doc.find("p", class_="center").find("img") is not None
    assert doc.find("h2").attrs["id"] == "intro"
    lead = doc.find("p", class_="lead")
    assert lead.text == "Text." and lead.attrs["style"] == "color: red"
    assert "{:" not in "".join(e.text for e in doc.iter())


def test_ial_before_a_block_applies_to_it():
    doc = tree("{: .note}\nThis paragraph.\n\nPlain.\n")
    assert [p.attrs.get("class") for p in doc.find_all("p")] == ["note", None]


def test_table_followed_by_an_ial_gets_the_class_not_a_row():
    doc = tree("""\
        | a | b |
        |---|---|
        | 1 | 2 |
        {: .info}
        """)
    table = doc.find("table")
    assert table.attrs["class"] == "info"
    assert len(table.find("tbody").find_all("tr")) == 1


def test_attribute_list_definitions_are_references():
    assert parse_attributes('note .x', {"note": {"class": "n", "title": "T"}}) == \
        {"refs": ["note"], "class": "n x", "title": "T"}
    doc = tree('{:note: .note title="A note"}\n\nText.\n{: note}\n')
    p = doc.find("p")
    assert p.attrs == {"class": "note", "title": "A note"}


def test_toc_marker_becomes_the_table_of_contents():
    doc = tree("""\
        * TOC
        {:toc}

        ## First

        ### Sub

        ## Second
        {: .no_toc}
        """, heading_ids="kramdown")
    toc = doc.find("ul", id="markdown-toc")
    assert toc is not None
    top = [c for c in toc.children if c.tag == "li"]
    assert [li.find("a").attrs["href"] for li in top] == ["#first"]
    assert top[0].find("ul").find("a").attrs == {"href": "#sub", "id": "markdown-toc-sub"}
    assert "TOC" not in toc.text


def test_comment_extension_is_never_published():
    rendered = render("Visible.\n\n{::comment}\nsecret plan\n{:/comment}\n\nAfter.\n", "en")
    assert "secret" not in rendered.html
    assert [p.text for p in parse(rendered.html).find_all("p")] == ["Visible.", "After."]


def test_options_are_consumed_and_nomarkdown_is_raw():
    rendered = render('{::options parse_block_html="true" /}\n\nText.\n\n{::nomarkdown}\n<b>*x*</b>\n{:/nomarkdown}\n', "en")
    assert "options" not in rendered.html
    assert "<b>*x*</b>" in rendered.html


# --- item 5: typography -----------------------------------------------------------------------

def test_kramdown_typography():
    doc = tree('She said "hi" -- it\'s the \'90s --- wait... << a >> and <<word>>.\n')
    assert doc.find("p").text == f"She said “hi” – it’s the ’90s — wait… «{NBSP}a{NBSP}» and «word»."


def test_quotes_around_emphasis_and_code_untouched():
    doc = tree('He wrote "*this*" and `"raw" -- ...`.\n')
    p = doc.find("p")
    assert p.text.startswith("He wrote “this”")
    assert doc.find("code").text == '"raw" -- ...'


def test_smart_quote_rules():
    en = QUOTES["en"]
    assert smarten("'Yes.'", "\n", en) == "‘Yes.’"
    assert smarten('5\' 10" tall', "\n", en) == "5’ 10” tall"
    assert smarten("rock 'n' roll", "\n", en) == "rock ‘n’ roll"


def test_french_pages_keep_french_rules():
    doc = tree('Une question : est-ce "utile" ? Oui !\n', "fr")
    assert doc.find("p").text == f"Une question{NBSP}: est-ce «{NBSP}utile{NBSP}»\u202f? Oui\u202f!"


# --- item 6: heading ids ----------------------------------------------------------------------

def test_kramdown_heading_ids():
    doc = tree("""\
        ## 1.1. Phase d'entraînement

        ## What's new

        ## What's new

        ## C++ & Python: a comparison!
        """, heading_ids="kramdown")
    assert [h.attrs["id"] for h in doc.find_all("h2")] == \
        ["11-phase-dentraînement", "whats-new", "whats-new-1", "c--python-a-comparison"]


def test_kramdown_id_counts_repeats():
    counts: dict[str, int] = {}
    assert [kramdown_id(t, counts) for t in ("A b", "A b", "a B")] == ["a-b", "a-b-1", "a-b-2"]


def test_readable_ids_do_not_depend_on_typography():
    doc = tree("## Phase d'entraînement\n\n## Don't \"panic\"\n", "fr")
    assert [h.attrs["id"] for h in doc.find_all("h2")] == ["phase-d-entrainement", "don-t-panic"]


# --- item 11: line breaks and tables ----------------------------------------------------------

def test_backslash_at_the_end_of_a_line_is_a_break():
    doc = tree("First\\\nsecond\n")
    p = doc.find("p")
    assert p.find("br") is not None and "\\" not in p.text


def test_table_without_header_row():
    doc = tree("| a | b |\n| c | d |\n")
    table = doc.find("table")
    assert table.find("thead") is None and table.find("th") is None
    assert [[td.text for td in tr.find_all("td")] for tr in table.find_all("tr")] == [["a", "b"], ["c", "d"]]
