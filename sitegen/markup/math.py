"""LaTeX → MathML at build time (latex2mathml), with no JavaScript in the page.

pymdownx.arithmatex (generic mode) finds the math and protects it from Markdown;
this module turns its `<span|div class="arithmatex">` wrappers into MathML.
Constructs that latex2mathml or Chromium get silently wrong (measured, see FACTS.md)
are build errors instead of wrong output; bold symbols become Unicode letters
because Chromium ignores `mathvariant`.
"""
from __future__ import annotations

import html
import re

from ..memo import Memo

WRAPPED = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
UNSUPPORTED = {
    r"\begin{aligned}": "use \\begin{align*} … \\end{align*} or `split`",
    r"\begin{gather": "use \\begin{align*} … \\end{align*}",
    r"\operatorname*": "use \\operatorname{…} with \\limits-free subscripts",
    r"\arg": "write \\operatorname{arg}",
    r"\label": "equation labels are not supported",
    r"\eqref": "equation references are not supported",
    r"\nonumber": "equations are not numbered; remove it",
    r"\notag": "equations are not numbered; remove it",
    r"\boxed": "Chromium does not draw boxes (menclose)",
    r"\cancel": "Chromium does not draw strikes (menclose)",
}
GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon phi chi psi omega".split()
BOLD = re.compile(r"\\(?:boldsymbol|bm)\s*\{((?:\s*(?:\\[a-zA-Z]+|[a-zA-Z]))+)\s*\}")


class MathError(ValueError):
    pass


def _bold_italic(symbols: str) -> str:
    out = []
    for token in re.findall(r"\\[a-zA-Z]+|[a-zA-Z]", symbols):
        if token.startswith("\\"):
            name = token[1:].replace("varepsilon", "epsilon")
            if name.lower() not in GREEK:
                raise MathError(f"\\boldsymbol{{{token}}} is not supported (only Latin and Greek letters)")
            base = 0x1D71C if name[0].isupper() else 0x1D736
            out.append(chr(base + GREEK.index(name.lower())))
        else:
            out.append(chr((0x1D468 if token.isupper() else 0x1D482) + ord(token.lower()) - ord("a")))
    return "".join(out)


MATHML = Memo()   # kept in .cache between runs by the build (sitegen/memo.py)


def to_mathml(latex: str, display: bool) -> str:
    return MATHML.get((latex, display), lambda: _convert(latex, display))


def _convert(latex: str, display: bool) -> str:
    """One expression (without delimiters) → a <math> element; MathError on bad or unsupported input."""
    for construct, hint in UNSUPPORTED.items():
        if re.search(re.escape(construct) + r"(?![a-zA-Z])", latex):
            raise MathError(f"`{construct}` is not rendered correctly in browsers: {hint}")
    source = BOLD.sub(lambda m: _bold_italic(m.group(1)), latex).replace(r"\mathbb{1}", "\U0001D7D9")
    if re.search(r"\\(?:boldsymbol|bm)(?![a-zA-Z])", source):
        raise MathError("\\boldsymbol and \\bm take letters only (Chromium ignores mathvariant, so we map "
                        "letters to Unicode bold)")
    groups = source.replace("\\{", "").replace("\\}", "")
    if groups.count("{") != groups.count("}"):
        raise MathError("unbalanced braces")
    from latex2mathml.converter import convert  # 10 ms import; only when a page has math

    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types for bad LaTeX
        raise MathError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
    unknown = re.search(r">(\\[a-zA-Z]+)<", mathml)
    if unknown:
        raise MathError(f"unknown LaTeX command `{unknown.group(1)}`")
    return mathml


def strip_delimiters(text: str) -> str:
    text = text.strip()
    for left, right in ((r"\(", r"\)"), (r"\[", r"\]"), ("$$", "$$"), ("$", "$")):
        if text.startswith(left) and text.endswith(right):
            return text[len(left):len(text) - len(right)].strip()
    return text


def render_math(fragment: str) -> tuple[str, list[tuple[str, str]]]:
    """HTML with arithmatex wrappers → (HTML with MathML, [(expression, error message)])."""
    failures: list[tuple[str, str]] = []

    def replace(m: re.Match) -> str:
        latex = strip_delimiters(html.unescape(m.group(2)))
        display = m.group(1) == "div"
        try:
            mathml = to_mathml(latex, display)
        except MathError as exc:
            failures.append((latex, str(exc)))
            return m.group(0)
        return f'<div class="math">{mathml}</div>' if display else mathml

    return WRAPPED.sub(replace, fragment), failures
