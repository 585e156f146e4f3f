"""Syntax highlighting with Pygments: one lexer and formatter reused per language and option,
each distinct block highlighted once (measured: the per-block set-up was a third of Pygments' time),
and the stylesheet for light and dark mode (accessible-pygments' a11y-light and a11y-dark).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..memo import Memo


@lru_cache(maxsize=64)
def _lexer(lang: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang or "text", stripnl=False, ensurenl=True)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False, ensurenl=True)


@lru_cache(maxsize=4)
def _formatter(linenos: bool):
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass="highlight", wrapcode=True, linenos="table" if linenos else False)


HIGHLIGHTED = Memo()   # kept in .cache between runs by the build (sitegen/memo.py)
# Tokens the two styles draw in the text's own colour (names, punctuation, spaces: half the spans of
# a Python block) need no span: a fifth of a code-heavy post's bytes, measured. The tests check that
# these classes are exactly the ones pygments_css colours like the text.
PLAIN = ("n", "nn", "nx", "p", "pm", "w")
PLAIN_SPAN = re.compile(r'<span class="(?:%s)">([^<]*)</span>' % "|".join(PLAIN))
# Next to each other, tokens the two styles draw alike (a string's prefix, quotes, text and
# interpolations; `)` then `.`) are one span: 13 KB of a code-heavy post's HTML, measured. Pygments
# also opens every block with an empty span (a place for a file name it is not given).
EMPTY_SPAN = re.compile(r"(<pre[^>]*>)<span></span>")
SPAN = re.compile(r'<span class="(\w+)">([^<]*)</span>')
RUN = re.compile(r'<span class="\w+">[^<]*</span>(?:<span class="\w+">[^<]*</span>)+')


def _merge_run(run: str, style_of: dict[str, str]) -> str:
    merged: list[list[str]] = []
    for css_class, text in SPAN.findall(run):
        if merged and style_of.get(css_class, css_class) == style_of.get(merged[-1][0], merged[-1][0]):
            merged[-1][1] += text
        else:
            merged.append([css_class, text])
    return "".join(f'<span class="{css_class}">{text}</span>' for css_class, text in merged)


def highlight(code: str, lang: str = "python", linenos: bool = False) -> str:
    def pygmentize() -> str:
        from pygments import highlight as pygments_highlight

        html = PLAIN_SPAN.sub(r"\1", pygments_highlight(code.strip("\n") + "\n", _lexer(lang.lower()), _formatter(linenos)))
        html = RUN.sub(lambda run: _merge_run(run.group(0), _same_style()), EMPTY_SPAN.sub(r"\1", html))
        # a long line scrolls: the keyboard must reach it (the theme's script drops the tab stop
        # from blocks that fit, and adds the copy button)
        if linenos:   # the table of numbers and code scrolls as one
            return html.replace('<div class="highlight">', '<div class="highlight" tabindex="0">', 1)
        return html.replace("<pre>", '<pre tabindex="0">', 1)

    return HIGHLIGHTED.get((code, lang, linenos), pygmentize)


def fence(source: str, language: str, class_name: str, options: dict, md, **kwargs) -> str:
    """SuperFences formatter for every fenced block."""
    return highlight(source, language or "text", bool(options.get("linenums")))


def _declarations(formatter) -> dict[str, dict[str, str]]:
    """CSS class → {property: value} of a Pygments style, as its HtmlFormatter writes them."""
    rules: dict[str, dict[str, str]] = {}
    for css_class, (style, _ttype, _level) in formatter.class2style.items():
        pairs = (item.split(":", 1) for item in style.split(";") if ":" in item)
        rules[css_class] = {name.strip(): value.strip().lower() for name, value in pairs}
    return rules


DEFAULTS = {"color": "var(--fg)", "font-weight": "normal", "font-style": "normal", "text-decoration": "none",
            "background-color": "transparent", "border": "none"}


@lru_cache(maxsize=1)
def _same_style() -> dict[str, str]:
    """Token class → the first class of those pygments_css styles exactly alike, in light and dark."""
    return {css_class: selectors[0] for selectors in _rules()[0].values() for css_class in selectors}


@lru_cache(maxsize=2)
def pygments_css(light: str = "a11y-light", dark: str = "a11y-dark") -> bytes:
    """Code colours: a light and a dark style from accessible-pygments (AA contrast, measured on the
    theme's own code background by the tests). Each token's colours are CSS variables, set once for
    light and again for dark, so the rules are written once: dark only on screens (a dark system,
    unless the reader chose light; or the reader chose dark), light in print."""
    groups, variables = _rules(light, dark)
    rules = [f"{', '.join(f'.highlight .{c}' for c in classes)} {{ {declarations} }}" for declarations, classes in groups.items()]
    light_vars = " ".join(f"--{n}: {v};" for n, v, _ in variables)
    dark_vars = " ".join(f"--{n}: {v};" for n, _, v in variables)
    return (f"/* generated by sitegen from the Pygments styles {light} / {dark} (accessible-pygments) */\n"
            f":root {{ {light_vars} }}\n"
            f"@media screen and (prefers-color-scheme: dark) {{ :root:not([data-theme=\"light\"]) {{ {dark_vars} }} }}\n"
            f"@media screen {{ :root[data-theme=\"dark\"] {{ {dark_vars} }} }}\n"
            ".highlight { color: var(--hl-fg) }\n.highlight .hll { background-color: var(--hl-hll) }\n"
            + "\n".join(rules) + "\n").encode("utf-8")


@lru_cache(maxsize=2)
def _rules(light: str = "a11y-light", dark: str = "a11y-dark") -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """(declarations → the token classes they style, (variable, light value, dark value)) of the two styles."""
    from pygments.formatters import HtmlFormatter

    styles = [HtmlFormatter(style=name) for name in (light, dark)]
    day, night = (_declarations(f) for f in styles)
    pairs = {("fg", _text_colour(styles[0]), _text_colour(styles[1])): "hl-fg",
             ("hll", styles[0].style.highlight_color, styles[1].style.highlight_color): "hl-hll"}
    groups: dict[str, list[str]] = {}
    for css_class in sorted((set(day) | set(night)) - {""}):
        a, b = day.get(css_class, {}), night.get(css_class, {})
        declarations = []
        for prop in sorted(set(a) | set(b)):
            first, second = a.get(prop, DEFAULTS.get(prop, "inherit")), b.get(prop, DEFAULTS.get(prop, "inherit"))
            if first == second:
                declarations.append(f"{prop}: {first}")
            else:   # one variable per distinct pair of values: the styles use a few colours each
                name = pairs.setdefault((prop, first, second), f"hl{len(pairs) - 1}")
                declarations.append(f"{prop}: var(--{name})")
        groups.setdefault("; ".join(declarations), []).append(css_class)
    return groups, [(name, first, second) for (_prop, first, second), name in pairs.items()]


def _text_colour(formatter) -> str:
    for line in formatter.get_style_defs(".highlight").splitlines():
        if line.startswith(".highlight {"):
            for item in line.strip(" .highlight{}").split(";"):
                name, _, value = item.partition(":")
                if name.strip() == "color":
                    return value.strip().lower()
    return "var(--fg)"
