"""sitegen/markup/math.py: LaTeX → MathML, unsupported constructs refused with a hint."""
from __future__ import annotations

import pytest
from htmltools import parse

from sitegen.markup.math import MathError, render_math, strip_delimiters, to_mathml


def mathml(latex: str, display: bool = False):
    out = to_mathml(latex, display)
    doc = parse(out)
    (root,) = doc.find_all("math")
    return out, root


# --- what works (FACTS.md: "Fine") -------------------------------------------------------------

@pytest.mark.parametrize("latex, element", [
    (r"\frac{a}{b}", "mfrac"),
    (r"\sqrt{x}", "msqrt"),
    (r"\sum_{i=1}^{n} x_i", "munderover"),
    (r"\int_0^1 f(x)\,dx", "msubsup"),
    (r"\begin{align*} a &= b \\ c &= d \end{align*}", "mtable"),
    (r"\begin{align} a &= b \end{align}", "mtable"),
    (r"\begin{split} a &= b \\ &= c \end{split}", "mtable"),
    (r"\begin{cases} 1 & x > 0 \\ 0 & \text{sinon} \end{cases}", "mtable"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "mtable"),
    (r"\begin{array}{cc} 1 & 2 \end{array}", "mtable"),
    (r"\text{si } x", "mtext"),
    (r"\hat{y}", "mover"),
    (r"\bar{x}", "mover"),
    (r"\operatorname{ReLU}(x)", "mo"),
    (r"\mathbf{W} x", "mi"),
    (r"\mathcal{L}", "mi"),
    (r"\mathbb{E}[X]", "mi"),
])
def test_fine_constructs_produce_math(latex, element):
    _, root = mathml(latex, display=True)
    assert root.find(element) is not None
    # named by its LaTeX: alttext is MathML's, aria-label is what Chromium exposes
    assert root.attrs["alttext"] == root.attrs["aria-label"] == " ".join(latex.split())


def test_display_block_vs_inline():
    _, inline = mathml("x^2", display=False)
    _, block = mathml("x^2", display=True)
    assert inline.attrs["display"] == "inline"
    assert block.attrs["display"] == "block"
    assert inline.find("msup") is not None


def test_operatorname_keeps_its_name():
    _, root = mathml(r"\operatorname{softmax}(z)")
    assert "softmax" in root.text


def test_tag_is_rendered():
    _, root = mathml(r"E = mc^2 \tag{1}", display=True)
    assert "(1)" in root.text


# --- bold symbols → Unicode mathematical alphanumerics ------------------------------------------

def test_boldsymbol_gamma_is_bold_italic_unicode():
    out, root = mathml(r"\boldsymbol{\gamma} x")
    assert [mi.text for mi in root.find_all("mi")] == ["\U0001D738", "\U0001D465"]   # 𝜸 bold italic gamma, 𝑥
    assert "mathvariant" not in out


@pytest.mark.parametrize("latex, char", [
    (r"\boldsymbol{\beta}", "\U0001D737"),      # 𝜷
    (r"\bm{x}", "\U0001D499"),                   # 𝒙
    (r"\boldsymbol{W}", "\U0001D47E"),           # 𝑾
    (r"\boldsymbol{\varepsilon}", "\U0001D73A"), # 𝜺
    (r"\boldsymbol{\sigma}", "\U0001D748"),      # 𝝈 (after final sigma ς)
    (r"\boldsymbol{\omega}", "\U0001D74E"),      # 𝝎
])
def test_bold_symbols(latex, char):
    out, _ = mathml(latex)
    assert char in out


def test_boldsymbol_of_several_letters():
    out, _ = mathml(r"\boldsymbol{\mu x}")
    assert "<mi>\U0001D741</mi><mi>\U0001D499</mi>" in out and "mathvariant" not in out


def test_boldsymbol_uppercase_greek():
    # _bold_italic has a branch for capitals (base U+1D71C) but `\Gamma` is refused before reaching it
    out, _ = mathml(r"\boldsymbol{\Gamma}")
    assert "\U0001D71E" in out          # 𝜞 MATHEMATICAL BOLD ITALIC CAPITAL GAMMA
    out, _ = mathml(r"\boldsymbol{\Sigma}")
    assert "\U0001D72E" in out          # 𝜮


def test_boldsymbol_of_anything_bolds_its_letters_digits_and_nabla():
    # Jekyll blogs write these for MathJax (lil-log: \boldsymbol{\mathbf{z}}_\theta): rendered, not refused
    out, _ = mathml(r"\boldsymbol{\nabla}")
    assert "\U0001D6C1" in out                                           # 𝛁
    out, _ = mathml(r"\bm{W_1 x + b}")
    assert all(c in out for c in "\U0001D47E\U0001D7CF\U0001D499\U0001D483") and "<mo>+</mo>" in out
    out, _ = mathml(r"\boldsymbol{\mathbf{z}}_\theta")               # already bold: kept as \mathbf draws it
    assert "<mi>\U0001D433</mi>" in out
    out, _ = mathml(r"\boldsymbol{\hat{x} + \text{cat}}")
    assert "\U0001D499" in out and "<mtext>cat</mtext>" in out


def test_boldsymbol_argument_read_to_its_closing_brace_or_as_one_token():
    out, _ = mathml(r"\boldsymbol{\frac{a}{\sqrt{b_{1}}}}")          # three levels of braces
    assert "\U0001D482" in out and "\U0001D483" in out and "\U0001D7CF" in out and "boldsymbol" not in out.split(">", 1)[1]
    out, _ = mathml(r"\bm x + \boldsymbol\mu")                        # without braces, as LaTeX allows
    assert "<mi>\U0001D499</mi>" in out and "<mi>\U0001D741</mi>" in out
    with pytest.raises(MathError, match="unbalanced"):
        to_mathml(r"\boldsymbol{x", False)


def test_a_first_cell_opening_with_a_bracket_is_a_cell():
    # latex2mathml read `[` right after \begin{cases} as an optional argument (InvalidAlignmentError)
    out, _ = mathml(r"g = \begin{cases}[1, 0] & p \\ [0, 1] & 1 - p\end{cases}")
    assert out.count("<mtr>") == 2 and out.count("[") >= 2
    out, _ = mathml(r"\begin{aligned}[0] &= a \\ b &= c\end{aligned}")
    assert out.count("<mtr>") == 2


def test_indicator_one():
    out, _ = mathml(r"\mathbb{1}_{x > 0}")
    assert "\U0001D7D9" in out


# --- what Jekyll posts write, rendered rather than refused (issue 13, item 7) --------------------

def test_aligned_is_an_align_table():
    _, root = mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", True)
    table = root.find("mtable")
    assert table is not None and table.attrs["displaystyle"] == "true"
    cells = [[td.attrs.get("columnalign") for td in tr.find_all("mtd")] for tr in table.find_all("mtr")]
    assert cells == [["right", "left"], ["right", "left"]]
    assert "&" not in root.text and not root.find_all("mspace")


def test_aligned_nests_inside_a_brace():
    _, root = mathml(r"f = \left\{ \begin{aligned} a &= 1 \\ b &= 2 \end{aligned} \right.", True)
    assert root.find("mtable") is not None and [mo.text for mo in root.find_all("mo")][:2] == ["=", "{"]


def test_color_with_an_argument_colours_only_it_as_mathjax_does():
    # latex2mathml reads \\color as a switch: it coloured on across `\\\\` and broke the table (seen in
    # a real Jekyll blog: an XML parse error instead of a formula)
    _, root = mathml(r"\begin{aligned} a &= b \color{red}{x} \\ c &= d \end{aligned}", True)
    rows = root.find("mtable").find_all("mtr")
    assert len(rows) == 2 and "\U0001d450" not in rows[0].text and "\U0001d450" in rows[1].text
    (styled,) = root.find_all("mstyle")
    assert styled.attrs["mathcolor"] == "red" and styled.text == "\U0001d465"


@pytest.mark.parametrize("environment", ["gather", "gather*"])
def test_gather_rows_are_centred_cells_in_display_style(environment):
    _, root = mathml(rf"\begin{{{environment}}} a = b \\ c = \frac{{1}}{{2}} \end{{{environment}}}", True)
    table = root.find("mtable")
    assert table.attrs["displaystyle"] == "true"
    rows = table.find_all("mtr")
    assert len(rows) == 2 and all(r.find("mtd").attrs["columnalign"] == "center" for r in rows)
    assert rows[1].find("mfrac") is not None and not root.find_all("mspace")


def test_gathered_keeps_nested_rows_in_their_row():
    _, root = mathml(r"\begin{gathered} a \\ \begin{pmatrix} 1 \\ 2 \end{pmatrix} \end{gathered}", True)
    outer = root.find("mtable")
    assert len([tr for tr in outer.children if tr.tag == "mtr"]) == 2


@pytest.mark.parametrize("latex, name", [
    (r"\operatorname*{arg\,max}_\theta L", "arg\u2009max"),
    (r"\argmax_x f", "arg\u2009max"),
    (r"\max_x f", "max"),
    (r"\lim_{n \to \infty} a_n", "lim"),
])
def test_limits_go_under_in_display(latex, name):
    _, root = mathml(latex, True)
    under = root.find("munder")
    assert under is not None and under.children[0].tag == "mo" and under.children[0].text == name
    assert under.children[0].attrs["movablelimits"] == "true"   # beside it again in inline math


def test_operatorname_without_star_keeps_a_subscript():
    _, root = mathml(r"\operatorname{rank}_x A", True)
    assert root.find("munder") is None and root.find("msub").children[0].text == "rank"


def test_arg_is_an_operator_name():
    _, root = mathml(r"\arg z", False)
    assert root.find("mo").text == "arg" and "\\arg" not in root.text


@pytest.mark.parametrize("latex", [r"\vert x \vert", r"\lvert x \rvert", r"|x|"])
def test_vert_is_a_bar(latex):
    _, root = mathml(latex)
    assert root.text.count("|") == 2 and "\\" not in root.text


def test_big_vert_stretches_to_its_size():
    _, root = mathml(r"\big\vert x \big\vert")
    bars = [mo for mo in root.find_all("mo") if mo.text == "|"]
    assert len(bars) == 2 and all(b.attrs["stretchy"] == "true" and b.attrs["minsize"] == "1.2em" for b in bars)


@pytest.mark.parametrize("latex", [r"a = b \nonumber", r"a = b \notag"])
def test_numbering_commands_are_dropped(latex):
    _, root = mathml(latex, True)
    assert root.text == "\U0001D44E=\U0001D44F"   # 𝑎=𝑏


def test_capital_greek_stays_upright_and_letters_are_written_italic():
    _, root = mathml(r"\Sigma + \sigma x h")
    mis = root.find_all("mi")
    assert mis[0].attrs == {"mathvariant": "normal"} and mis[0].text == "Σ"
    assert [mi.text for mi in mis[1:]] == ["\U0001D70E", "\U0001D465", "\u210e"]   # 𝜎 𝑥 ℎ


# --- still refused: what browsers cannot draw or we cannot number ------------------------------

@pytest.mark.parametrize("latex, construct, hint", [
    (r"x = 1 \label{eq:un}", r"\label", "labels"),
    (r"\eqref{eq:un}", r"\eqref", "references"),
    (r"\boxed{x}", r"\boxed", "menclose"),
    (r"\cancel{x}", r"\cancel", "menclose"),
])
def test_unsupported_constructs_raise_with_hint(latex, construct, hint):
    with pytest.raises(MathError) as info:
        to_mathml(latex, True)
    message = str(info.value)
    assert f"`{construct}`" in message
    assert hint in message


def test_longer_command_names_are_not_mistaken_for_unsupported_ones():
    # \argmax is not \arg, \labelx not \label: those go to the converter
    _, root = mathml(r"\argmax_x f")
    assert "arg" in root.text


def test_unknown_command_is_an_error():
    with pytest.raises(MathError, match=r"unknown LaTeX command `\\foo`"):
        to_mathml(r"\foo{x} + 1", False)


@pytest.mark.parametrize("latex", [r"\frac{a}{b", r"\frac{a}b}", r"x^{2"])
def test_unbalanced_braces(latex):
    with pytest.raises(MathError, match="unbalanced braces"):
        to_mathml(latex, False)


def test_escaped_braces_do_not_count_as_groups():
    # a set, and a one-sided brace (piecewise definitions): both are valid LaTeX
    _, root = mathml(r"\{x \mid x > 0\}")
    assert "{" in root.text and "}" in root.text
    _, root = mathml(r"f(x) = \left\{ \begin{array}{ll} 1 & x > 0 \\ 0 & \text{sinon} \end{array} \right.", True)
    assert root.find("mtable") is not None


def test_converter_errors_become_math_errors():
    with pytest.raises(MathError):
        to_mathml(r"\left( x", False)


def test_ampersand_outside_an_alignment_is_a_math_error():
    with pytest.raises(MathError, match="outside a matrix"):
        to_mathml(r"a & b", False)   # latex2mathml lets a bare `&` through unescaped


def test_ampersand_in_text_is_text():
    # seen in a real blog: `\text{ & }` inside aligned made latex2mathml write broken XML
    _, root = mathml(r"\begin{aligned} a &= b & \text{x & y} \end{aligned}", True)
    assert any(t.text == "x\u00a0&\u00a0y" or t.text.replace("\u00a0", " ") == "x & y" for t in root.find_all("mtext"))


# --- render_math on a fragment ------------------------------------------------------------------

def test_render_math_fragment():
    fragment = ('<p>Soit <span class="arithmatex">\\(x^2 &lt; 1\\)</span> donc</p>\n'
                '<div class="arithmatex">\\[\\frac{1}{2}\\]</div>\n'
                '<p>et <span class="arithmatex">\\(\\boxed{y}\\)</span>.</p>')
    out, failures = render_math(fragment)
    doc = parse(out)
    maths = doc.find_all("math")
    assert [m.attrs.get("display", "inline") for m in maths] == ["inline", "block"]
    assert maths[0].find("mo") is not None and "<" in maths[0].text       # &lt; unescaped before conversion
    wrapper = doc.find("div", class_="math")
    assert wrapper is not None and wrapper.find("mfrac") is not None
    assert doc.find("p").find("math") is not None                             # inline stays in its paragraph
    assert failures == [("\\boxed{y}", failures[0][1])] and "menclose" in failures[0][1]
    assert '<span class="arithmatex">\\(\\boxed{y}\\)</span>' in out         # failed math left as it was


def test_render_math_without_math():
    fragment = "<p>Rien à voir, 5 $ seulement.</p>"
    assert render_math(fragment) == (fragment, [])


@pytest.mark.parametrize("text, inner", [
    ("$$x$$", "x"), ("$x$", "x"), (r"\(x\)", "x"), (r"\[ x \]", "x"), ("  x  ", "x"),
])
def test_strip_delimiters(text, inner):
    assert strip_delimiters(text) == inner


# --- the characters the math font is cut to (sitegen/output/fonts.py) ----------------------------

def test_math_characters_are_what_chromium_draws():
    from sitegen.markup.math import math_characters

    html, _ = render_math('<p><span class="arithmatex">\\(\\sqrt{x} + \\Sigma\\)</span></p>')
    assert math_characters(html) == "".join(sorted(" +Σ√\U0001D465"))   # 𝑥 as written; √ drawn by msqrt
    # MathML an author wrote: Chromium slants a one-letter <mi> unless told it is upright
    written = '<math><mi>y</mi><mi mathvariant="normal">z</mi><mi>&#x3B8;</mi><mi>\u0393</mi><mi>ab</mi><mo>&lt;</mo></math>'
    assert math_characters(written) == "".join(sorted(" yzθΓab<\U0001D466\U0001D703\U0001D6E4"))
    assert math_characters("<p>no formula: x + y</p>") == ""
    assert math_characters('<p>x</p><math alttext="q &gt; r"><mn>1</mn></math>') == " 1"   # not its LaTeX
