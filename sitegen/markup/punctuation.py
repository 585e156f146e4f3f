"""kramdown's typography on Python-Markdown's tree: smart quotes, `--` `---` `...`, `<<` `>>`.

The rules are kramdown's own (parser/kramdown/smart_quotes.rb and typographic_symbol.rb), applied
the way its span parser meets them: left to right in each text, a quote looking at the character
before it (unless another construct took that character) and at what follows, an element that
follows read as the Markdown that wrote it (`*` for emphasis, `` ` `` for code). Code, math and
escaped characters are never touched. French pages get « » for double quotes; their spacing is
typography.py's.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

SQ_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
SQ_CLOSE = r"[^ \\\t\r\n\[{(\-]"
# (rule, what it gives: a group number to keep, or a quote); lquote/rquote take the quote of group N
RULES = [(re.compile(rule, re.A | re.M | re.S), subst) for rule, subst in (
    (r"""("|')(?=[_*]{1,2}\S)""", ("lquote1",)),
    (rf"""("|')(?={SQ_PUNCT}(?!\.\.)\B)""", ("rquote1",)),
    (r"""(\s?)"'(?=\w)""", (1, "ldquo", "lsquo")),
    (r"""(\s?)'"(?=\w)""", (1, "lsquo", "ldquo")),
    (r"""(\s?)'(?=\d\ds)""", (1, "rsquo")),
    (r"""(\s)('|")(?=\w)""", (1, "lquote2")),
    (rf"""({SQ_CLOSE})('|")""", (1, "rquote2")),
    (r"""("|')(?=\s|s\b|$)""", ("rquote1",)),
    (r"""(.?)'""", (1, "lsquo")),
    (r"""(.?)\"""", (1, "ldquo")),
)]
# before a quote, a character other than these makes rule 7 (a closing quote) the first to match
CLOSE_EXCLUDED = frozenset(" \\\t\r\n\f\v[{(-\"'")
QUOTES = {"en": {"ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’"},
          "fr": {"ldquo": "«", "rdquo": "»", "lsquo": "‘", "rsquo": "’"}}
SYMBOLS = {"---": "—", "--": "–", "...": "…"}
# the leftmost of a typographic symbol or a quote (with the character before it, when free)
TOKEN = re.compile(r"""---|--|\.\.\.|[^\\\x03]?["']""")
NEEDS_WORK = re.compile(r"""["']|--|\.\.\.""")


def smarten(text: str, following: str, quotes: dict[str, str]) -> str:
    """One text → its typographic form; `following` is what comes after it in the source."""
    if not NEEDS_WORK.search(text):
        return text
    source = text + following
    out, pos = [], 0
    while True:
        m = TOKEN.search(source, pos)
        if m is None or m.start() >= len(text) or (m.group(0) not in SYMBOLS and m.end() > len(text)):
            break
        out.append(text[pos:m.start()])
        if m.group(0) in SYMBOLS:
            out.append(SYMBOLS[m.group(0)])
            pos = m.end()
            continue
        token = m.group(0)
        if len(token) == 2 and token[0] not in CLOSE_EXCLUDED:
            r, subst = RULES[6][0].match(source, m.start()), RULES[6][1]   # word' and word": what the rules come to
        else:
            for rule, subst in RULES:
                r = rule.match(source, m.start())
                if r:
                    break
        for part in subst:
            if isinstance(part, int):
                out.append(r.group(part))
            elif part[-1].isdigit():
                quote = r.group(int(part[-1]))
                out.append(quotes[("l" if part[0] == "l" else "r") + ("dquo" if quote == '"' else "squo")])
            else:
                out.append(quotes[part])
        pos = r.end()
    out.append(text[pos:])
    return "".join(out)


SPAN_IAL = re.compile(r"\{:[^}]*\}")


def _smart(text: str, following: str, quotes: dict[str, str]) -> str:
    """smarten, leaving span IALs (`{: style="…"}`, read by attr_list after this) as written."""
    if "{:" not in text:
        return smarten(text, following, quotes)
    parts, ials = SPAN_IAL.split(text), SPAN_IAL.findall(text) + [""]
    return "".join(smarten(part, ial or following, quotes) + ial for part, ial in zip(parts, ials))


def _source_start(element: etree.Element) -> str:
    """How the Markdown of an inline element begins, as the quote rules see it."""
    tag = element.tag
    if tag in ("em", "strong"):
        return "*" + (element.text or "x")[:1]
    if tag == "code":
        return "`"
    if tag == "a":
        return "["
    if tag == "img":
        return "!"
    if tag == "span" and element.get("class") == "arithmatex":
        return "$"
    if tag == "br":
        return "\n"
    return "<"


def _opaque(element: etree.Element) -> bool:
    return element.tag in ("code", "pre", "script", "style", "math") or isinstance(element.text, AtomicString) or \
        (element.tag in ("span", "div") and element.get("class") == "arithmatex")


class TypographyTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        quotes = QUOTES.get(getattr(self.md, "lang", "en"), QUOTES["en"])
        stack = [root]
        while stack:   # a loop, not recursion: this visits every element of every page
            element = stack.pop()
            children = list(element)
            text = element.text
            if text and ("'" in text or '"' in text or "--" in text or "..." in text) and not _opaque(element):
                element.text = _smart(text, _source_start(children[0]) if children else "\n", quotes)
            for index, child in enumerate(children):
                if len(child) or child.text:
                    if not _opaque(child):
                        stack.append(child)
                tail = child.tail
                if tail and ("'" in tail or '"' in tail or "--" in tail or "..." in tail) and \
                        not isinstance(tail, AtomicString):
                    after = _source_start(children[index + 1]) if index + 1 < len(children) else "\n"
                    child.tail = _tail(child, after, quotes)


def _tail(child: etree.Element, after: str, quotes: dict[str, str]) -> str:
    """A tail's quotes: the element before it took the character before the tail."""
    return _smart("\x03" + child.tail, after, quotes)[1:]


class Guillemets(InlineProcessor):
    """`<<` and `>>` (with a no-break space when written with a space inside), before raw HTML
    would read `<<word>>` as a tag."""

    def handleMatch(self, m: re.Match, data: str):
        text = m.group(0)
        symbol = "«" if "<" in text else "»"
        if text == "<< ":
            symbol = "«\u00a0"
        elif text == " >>":
            symbol = "\u00a0»"
        return symbol, m.start(0), m.end(0)


def register(md) -> None:
    md.inlinePatterns.register(Guillemets(r"<< |<<| >>|>>", md), "guillemets", 95)
    md.treeprocessors.register(TypographyTreeprocessor(md), "typography", 12)
