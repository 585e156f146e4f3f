"""sitegen/markup/highlight.py: accessible code colours, light and dark, and focusable code."""
from __future__ import annotations

import re

import pytest

from htmltools import parse
from sites import ROOT
from sitegen.markup.highlight import highlight, pygments_css

CSS = pygments_css().decode("utf-8")
THEME = (ROOT / "static/css/site.css").read_text(encoding="utf-8")


def luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,8})", block))


def theme_code_background(dark: bool) -> str:
    blocks = re.findall(r"\{([^{}]*--code-bg[^{}]*)\}", THEME)
    return variables(blocks[1 if dark else 0])["code-bg"]


def test_every_code_colour_has_aa_contrast_on_the_theme_code_background():
    blocks = re.findall(r"\{([^{}]*--hl[^{}]*)\}", CSS)
    light, dark = variables(blocks[0]), variables(blocks[1])
    assert variables(blocks[2]) == dark                      # the reader's dark choice = the system's dark
    assert len(light) > 5 and set(light) == set(dark)
    for name, colour in light.items():
        if name != "hl-hll":
            assert contrast(colour, theme_code_background(False)) >= 4.5, (name, colour)
    for name, colour in dark.items():
        if name != "hl-hll":
            assert contrast(colour, theme_code_background(True)) >= 4.5, (name, colour)


def test_dark_colours_only_on_screens_and_the_theme_sets_the_background():
    assert "@media screen and (prefers-color-scheme: dark) { :root:not([data-theme=\"light\"])" in CSS
    assert '@media screen { :root[data-theme="dark"]' in CSS
    assert "@media (prefers-color-scheme: dark)" not in CSS                 # print keeps the light colours
    assert "background:" not in CSS.replace("background-color: var(--hl-hll)", "")   # the theme's own code background
    # every rule reads colours through variables, so both styles share one set of rules
    assert not re.search(r"\.highlight[^{]*\{[^}]*color: #", CSS)


def test_code_can_be_reached_by_keyboard():
    assert '<pre tabindex="0">' in highlight("x = 1\n", "python")
    numbered = highlight("x = 1\ny = 2\n", "python", linenos=True)
    assert '<div class="highlight" tabindex="0">' in numbered and "<pre tabindex" not in numbered


@pytest.mark.parametrize("style", ["a11y-light", "a11y-dark"])
def test_styles_come_from_accessible_pygments(style):
    from pygments.styles import get_style_by_name

    assert get_style_by_name(style) is not None and style in CSS.splitlines()[0]


def test_tokens_in_the_text_colour_carry_no_span():
    from sitegen.markup.highlight import PLAIN

    plain = re.search(r"([^{}\n]*)\{ color: var\(--hl7\) \}", CSS).group(1)
    blocks = re.findall(r"\{([^{}]*--hl-fg:[^{}]*)\}", CSS)
    assert len(blocks) == 3 and all(variables(b)["hl7"] == variables(b)["hl-fg"] for b in blocks)       # hl7 is the text's colour
    assert {c.strip().removeprefix(".highlight .") for c in plain.split(",")} == set(PLAIN)
    html = highlight("print(x, y)\n", "python")
    assert '<span class="nb">print</span>(x, y)' in html


def test_neighbouring_tokens_drawn_alike_are_one_span_and_no_span_is_empty():
    from sitegen.markup.highlight import _same_style

    html = highlight('x = f"a {b} c" + 1\n', "python")
    assert "<span></span>" not in html
    doc = parse(html)
    spans = [(s.attrs["class"], s.text) for s in doc.find_all("span")]
    # f, the quotes, the text and the braces of the f-string are styled alike in light and dark: one span
    assert ("sa", 'f"a {') in spans and ("si", '} c"') in spans, spans
    assert len({_same_style()[c] for c in ("sa", "s2", "si")}) == 1
    # what is drawn differently stays apart, and the text is the code's
    assert [c for c, _ in spans] == ["o", "sa", "si", "o", "mi"] and doc.find("code").text == 'x = f"a {b} c" + 1\n'
    assert _same_style()["o"] != _same_style()["mi"]
