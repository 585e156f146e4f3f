"""LaTeX → MathML at build time (latex2mathml), with no JavaScript in the page.

pymdownx.arithmatex (generic mode) finds the math and protects it from Markdown;
this module turns its `<span|div class="arithmatex">` wrappers into MathML.
What latex2mathml gets wrong is rewritten (`aligned`, `gather`, `\\arg`, `\\operatorname*`,
`\\vert`) or fixed in its tree (limits under \\max in display, \\big delimiters that stretch);
what Chromium cannot draw (`\\boxed`, `\\cancel`) or we cannot number (`\\label`, `\\eqref`) is
a build error instead of wrong output. Bold symbols become Unicode letters because Chromium
ignores `mathvariant`. The theme aligns table columns with CSS (Chromium ignores columnalign).
"""
from __future__ import annotations

import html
import re

from ..memo import Memo

WRAPPED = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
UNSUPPORTED = {
    r"\label": "equation labels are not supported",
    r"\eqref": "equation references are not supported",
    r"\boxed": "Chromium does not draw boxes (menclose)",
    r"\cancel": "Chromium does not draw strikes (menclose)",
}
# Rewritten before latex2mathml, which gets them wrong (`aligned` as text with `&`, `gather` as one
# line, `\arg` and `\vert` left as commands): Jekyll/MathJax posts use them everywhere.
REWRITES = (
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{align*}"),   # same columns; latex2mathml nests it
    (re.compile(r"\\(?:nonumber|notag)(?![a-zA-Z])"), ""),        # nothing is numbered
    (re.compile(r"\\arg(?![a-zA-Z])"), r"\\operatorname{arg}"),
    (re.compile(r"\\[lr]?vert(?![a-zA-Z])"), "|"),
    (re.compile(r"\\[lr]?Vert(?![a-zA-Z])"), r"\\|"),
    # a first cell opening with `[` is not an optional argument of the environment (MathJax reads it as a cell)
    (re.compile(r"(\\begin\{(?:cases|[pbBvV]?matrix|smallmatrix)\}|\\begin\{align\*?\}(?!\s*\[[tbc]\]))(\s*)\["), r"\1\2{}["),
)
OPERATORNAME = re.compile(r"\\operatorname(\*?)\s*\{((?:[^{}\\]|\\[,:;! ])*)\}")
GATHER = re.compile(r"\\begin\{(gather\*?|gathered)\}(.*?)\\end\{\1\}", re.S)
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")   # private-use characters: never in a formula
SPACES = {r"\,": "\u2009", r"\:": "\u2005", r"\;": "\u2005", r"\ ": " ", r"\!": ""}
# Operators whose limits go under them in display math, as in LaTeX (and beside them inline)
LIMITS = {"lim", "max", "min", "sup", "inf", "limsup", "liminf", "det", "gcd", "Pr", "argmax", "argmin"}
NS = "http://www.w3.org/1998/Math/MathML"
GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon phi chi psi omega".split()
# \boldsymbol and \bm, then their argument: a group (read to its closing brace), a command or a character
BOLD = re.compile(r"\\(?:boldsymbol|bm)(?![a-zA-Z])\s*(?:(\{)|(\\[a-zA-Z]+|\\.|[^\s{}\\]))")
BOLD_SYMBOLS = {"nabla": "\U0001D6C1", "partial": "\U0001D6DB"}
BOLD_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|.", re.S)
KEEP_INSIDE = {"mathbf", "text", "textbf", "mathrm", "operatorname", "mathbb", "mathcal", "mathfrak", "mathsf", "mathtt",
               "color", "begin", "end"}


class MathError(ValueError):
    pass


def _bold_italic(symbols: str) -> str:
    """The inside of \\boldsymbol{…}: its letters (Latin, Greek commands) and digits as Unicode bold
    characters; what is already bold or text (\\mathbf{…}, \\text{…}) and every other command or
    symbol kept as written, as MathJax shows them."""
    out, depth_kept, depth = [], None, 0
    for token in BOLD_TOKEN.findall(symbols):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth_kept is not None and depth < depth_kept:
                depth_kept = None
        if depth_kept is not None or len(token) == 1 and not token.isalnum():
            out.append(token)
        elif token.startswith("\\"):
            name = token[1:].replace("varepsilon", "epsilon")
            if name in BOLD_SYMBOLS:
                out.append(BOLD_SYMBOLS[name])
            elif name.lower() in GREEK and name[1:].islower():
                base = 0x1D71C if name[0].isupper() else 0x1D736
                out.append(chr(base + GREEK.index(name.lower())))
            else:
                out.append(token)
                if name in KEEP_INSIDE:
                    depth_kept = depth + 1   # its argument stays as written
        elif token.isdigit():
            out.append(chr(0x1D7CE + int(token)))
        elif token.isascii() and token.isalpha():
            out.append(chr((0x1D468 if token.isupper() else 0x1D482) + ord(token.lower()) - ord("a")))
        else:
            out.append(token)
    return "".join(out)


def _bold(latex: str) -> str:
    """Each \\boldsymbol{…} and \\bm{…} replaced by its argument in Unicode bold (Chromium ignores
    mathvariant); one inside another is read once, from the outside."""
    out, at = [], 0
    while (m := BOLD.search(latex, at)) is not None:
        out.append(latex[at:m.start()])
        if m.group(1) is None:   # \bm x, \boldsymbol\mu
            out.append(_bold_italic(m.group(2)))
            at = m.end()
            continue
        depth, end = 1, m.end()
        while depth and end < len(latex):
            if latex[end] == "\\":
                end += 2
                continue
            depth += {"{": 1, "}": -1}.get(latex[end], 0)
            end += 1
        if depth:
            raise MathError("unbalanced braces")
        out.append(_bold_italic(_bold(latex[m.end():end - 1])))
        at = end
    return "".join(out) + latex[at:]


MATHML = Memo()   # kept in .cache between runs by the build (sitegen/memo.py)


def to_mathml(latex: str, display: bool) -> str:
    return MATHML.get((latex, display), lambda: _convert(latex, display))


def _convert(latex: str, display: bool) -> str:
    """One expression (without delimiters) → a <math> element named by its LaTeX: `alttext` is
    MathML's text alternative, but Chromium does not expose it (measured: empty name), so
    `aria-label` says the same. MathError on bad or unsupported input."""
    for construct, hint in UNSUPPORTED.items():
        if re.search(re.escape(construct) + r"(?![a-zA-Z])", latex):
            raise MathError(f"`{construct}` is not rendered correctly in browsers: {hint}")
    import xml.etree.ElementTree as ET

    ET.register_namespace("", NS)
    return _serialize(_tree(latex, display), latex)


def _serialize(root, latex: str) -> str:
    import xml.etree.ElementTree as ET

    root.set("alttext", " ".join(latex.split()))
    root.set("aria-label", root.get("alttext"))
    # HTML puts <math> in the MathML namespace by itself: the declaration is bytes on every formula
    return ET.tostring(root, encoding="unicode").replace(f' xmlns="{NS}"', "", 1)


def _tree(latex: str, display: bool):
    """latex2mathml's tree with what Chromium needs: limits under \\max and \\operatorname* in
    display, \\big delimiters that stretch, upright capital Greek, gather's rows centred."""
    import xml.etree.ElementTree as ET

    source = _bold(latex).replace(r"\mathbb{1}", "\U0001D7D9")
    for pattern, replacement in REWRITES:
        source = pattern.sub(replacement, source)
    source = _color_groups(source)
    groups = source.replace("\\{", "").replace("\\}", "")
    if groups.count("{") != groups.count("}"):
        raise MathError("unbalanced braces")
    # what latex2mathml cannot nest stands in as \text{placeholder}, replaced in its tree
    parts: list = []

    def hold(element) -> str:
        parts.append(element)
        return "\\text{\ue000%d\ue001}" % (len(parts) - 1)

    source = GATHER.sub(lambda m: hold(_gather(m.group(2))), source)
    source = OPERATORNAME.sub(lambda m: hold(_operator(m.group(2), bool(m.group(1)))), source)
    from latex2mathml.converter import convert  # 10 ms import; only when a page has math

    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types for bad LaTeX
        raise MathError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
    unknown = re.search(r">(\\[a-zA-Z]+)<", mathml)
    if unknown:
        raise MathError(f"unknown LaTeX command `{unknown.group(1)}`")
    # latex2mathml writes `&` unescaped: in \\text{… & …} it is text (as MathJax shows it); as an
    # identifier it is an alignment latex2mathml did not understand
    mathml = BARE_AMPERSAND.sub("&amp;", mathml)
    if re.search(r"<m[io]>&amp;</m[io]>", mathml):
        raise MathError("an `&` outside a matrix or alignment (latex2mathml could not place it)")
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError:   # e.g. `<` of \text{a < b} left unescaped, \color across `&` or `\\`
        raise MathError("latex2mathml made malformed MathML of it") from None
    _finish(root, parts)
    return root


BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")
COLOR = re.compile(r"\\color\s*\{[^{}]*\}\s*(?=\{)")


def _color_groups(source: str) -> str:
    """`\\color{red}{x}` colours only x in MathJax (Jekyll's usual renderer); latex2mathml reads
    \\color as LaTeX's switch, colouring up to the end of the group, across `&` and `\\\\` (which
    breaks an alignment). Bracing `{\\color{red}{x}}` gives MathJax's reading to both."""
    out, done = [], 0
    for m in COLOR.finditer(source):
        if m.start() < done:
            continue
        depth, end = 0, m.end()
        for end in range(m.end(), len(source)):
            if source[end] == "\\":
                continue
            if source[end] == "{" and source[end - 1] != "\\":
                depth += 1
            elif source[end] == "}" and source[end - 1] != "\\":
                depth -= 1
                if not depth:
                    break
        else:
            continue   # unbalanced: reported as such later
        out += [source[done:m.start()], "{", source[m.start():end + 1], "}"]
        done = end + 1
    return "".join(out) + source[done:]


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _operator(name: str, limits: bool):
    import xml.etree.ElementTree as ET

    for command, space in SPACES.items():
        name = name.replace(command, space)
    element = ET.Element(_q("mo"), {"movablelimits": "true"} if limits else {})
    element.text = name
    return element


def _gather(body: str):
    """gather / gather* / gathered: rows centred in one column, each in display style."""
    import xml.etree.ElementTree as ET

    table = ET.Element(_q("mtable"), {"displaystyle": "true", "rowspacing": "3pt"})
    for row in _rows(body):
        cell = ET.SubElement(ET.SubElement(table, _q("mtr")), _q("mtd"), {"columnalign": "center"})
        cell.extend(list(_tree(row, True)))
    return table


def _rows(body: str) -> list[str]:
    """Split on the top-level \\\\ (not inside braces or a nested environment)."""
    rows, depth, start, i = [], 0, 0, 0
    while i < len(body):
        if body.startswith("\\begin{", i) or body[i] == "{" and (i == 0 or body[i - 1] != "\\"):
            depth += 1
        elif body.startswith("\\end{", i) or body[i] == "}" and (i == 0 or body[i - 1] != "\\"):
            depth -= 1
        elif depth == 0 and body.startswith("\\\\", i):
            rows.append(body[start:i])
            start = i + 2
            i += 1
        i += 1
        if body.startswith(("\\begin{", "\\end{"), i - 1) and body[i - 1] == "\\":
            i = body.index("}", i) + 1   # the environment's name is not a group
    rows.append(body[start:])
    return [row for row in rows if row.strip()]


def _finish(element, parts: list) -> None:
    while len(element) == 1 and element[0].tag == _q("mrow") and element.tag in (_q("mrow"), _q("math")):
        inner = element[0]   # latex2mathml nests rows in rows: one level draws the same
        element.remove(inner)
        element.extend(list(inner))
    for index, child in enumerate(list(element)):
        if child.tag == _q("mtext") and child.text and PLACEHOLDER.fullmatch(child.text):
            element.remove(child)
            element.insert(index, child := parts[int(PLACEHOLDER.fullmatch(child.text).group(1))])
        _finish(child, parts)
        tag = child.tag[len(NS) + 2:]
        if tag in ("msub", "msubsup") and len(child) and child[0].tag == _q("mo") and (
                child[0].get("movablelimits") == "true" or "".join((child[0].text or "").split()) in LIMITS):
            child.tag = _q("munder" if tag == "msub" else "munderover")
            child[0].set("movablelimits", "true")
        elif tag == "mo" and child.get("minsize") and not child.get("stretchy"):
            child.set("stretchy", "true")   # \big| : '|' must be told to stretch to its size
        elif tag == "mi" and child.text and len(child.text) == 1 and not child.get("mathvariant"):
            if "\u0391" <= child.text <= "\u03a9":
                child.set("mathvariant", "normal")   # \Sigma upright, as in LaTeX (Chromium slants one-letter <mi>)
            else:
                child.text = ITALIC.get(child.text, child.text)


def _italic_letters() -> dict[str, str]:
    """Chromium draws a one-letter <mi> in its mathematical italic (x → 𝑥), but picks the font file
    by the letter as written, so θ would fetch the file holding upright Greek; written italic, one
    file serves both. (The accessible name is the LaTeX, so nothing reads the code points.)"""
    letters = {chr(ord("A") + i): chr(0x1D434 + i) for i in range(26)}
    letters.update({chr(ord("a") + i): chr(0x1D44E + i) for i in range(26)})
    letters["h"] = "\u210e"   # the italic h lives in the letterlike block
    letters.update({chr(0x3B1 + i): chr(0x1D6FC + i) for i in range(25)})
    letters.update(zip("\u03f5\u03d1\u03f0\u03d5\u03f1\u03d6", "\U0001D716\U0001D717\U0001D718\U0001D719\U0001D71A\U0001D71B"))
    return letters


ITALIC = _italic_letters()


# What Chromium draws a one-letter <mi> with (MathML Core's automatic italic), for MathML an author
# wrote: ours is in italic already, but for capital Greek, which LaTeX keeps upright.
AUTO_ITALIC = {**ITALIC, **{chr(0x391 + i): chr(0x1D6E2 + i) for i in range(25)},
               **dict(zip("\u0131\u0237\u2207\u2202\u03f4", "\U0001D6A4\U0001D6A5\U0001D6FB\U0001D715\U0001D6F1"))}
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)
ONE_LETTER_MI = re.compile(r"<mi(\s[^>]*)?>\s*([^<\s])\s*</mi>")
UPRIGHT = re.compile(r"""mathvariant\s*=\s*["']normal""")
TAGS = re.compile(r"<[^>]*>")


def math_characters(fragment: str) -> str:
    """The characters the formulas of an HTML fragment are drawn with, sorted: their text, the
    italic letter Chromium draws a one-letter <mi> with, √ for the roots it draws itself, and the
    space (the math font file that holds it gives Chromium its MATH table). What the theme's math
    font is cut down to (sitegen/output/fonts.py)."""
    if "<math" not in fragment:
        return ""
    found = {" "}
    for element in MATH_ELEMENT.findall(fragment):
        text = html.unescape(element)
        found.update(html.unescape(TAGS.sub("", element)))
        found.update(AUTO_ITALIC.get(letter, letter) for attributes, letter in ONE_LETTER_MI.findall(text)
                     if not UPRIGHT.search(attributes or ""))
        if "<msqrt" in element or "<mroot" in element:
            found.add("\u221a")
    return "".join(sorted(c for c in found if c == " " or not c.isspace()))


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
        return f'<div class="math" tabindex="0">{mathml}</div>' if display else mathml

    return WRAPPED.sub(replace, fragment), failures
