"""French typography on rendered HTML: no-break spaces before `; ! ?` (narrow) and `:`,
and inside « guillemets ».

Only text nodes are touched: never tags or attributes, nor the inside of code, pre,
math, script, style or kbd elements, nor URLs, nor text marked as another language
(`*Title: subtitle*{lang=en}` in Markdown, an English title quoted in a French page).
"""
from __future__ import annotations

import re
from functools import lru_cache

NBSP, NNBSP = "\u00a0", "\u202f"
# URLs and character references are left exactly as written
PROTECTED = re.compile(r"\b(?:https?|ftp|mailto):[^\s<]+|\bwww\.[^\s<]+|&#?\w+;")
SPACES = r"[ \u00a0\u202f]"

# an ordinary space (or none, after a word) before ; ! ? becomes a narrow no-break space
SEMICOLON_BANG_QUESTION = re.compile(rf"(?<![;!?]){SPACES}*([;!?]+)(?=\s|$|[»)\].,])")
# before a colon: no-break space, but only when a space or the end follows (not 10:30, not a::b)
COLON = re.compile(rf"(?:(?<=[\w»)\]])|^){SPACES}*:(?=\s|$)")
OPENING, CLOSING = re.compile(rf"«{SPACES}*"), re.compile(rf"{SPACES}*»")


NEEDS_WORK = re.compile("[;:!?«»]")


def _fix_text(text: str) -> str:
    """One text node holding a mark. `in` tests (in C) rule out the URL check and most rules."""
    if not ("&" in text or "tp:" in text or "www." in text or "mailto:" in text) or not PROTECTED.search(text):
        return _apply(text)
    parts, last = [], 0
    for m in PROTECTED.finditer(text):
        # `<URL:https://…>`: the colon before a URL is not at the end of the text
        before = text[last:m.start()]
        parts.append(_apply(before + "x")[:-1] if before.endswith(":") else _apply(before))
        parts.append(m.group(0))
        last = m.end()
    parts.append(_apply(text[last:]))
    return "".join(parts)


def _apply(text: str) -> str:
    # replacement templates are expanded in C (callbacks would not be)
    if ";" in text or "!" in text or "?" in text:
        text = SEMICOLON_BANG_QUESTION.sub(NNBSP + r"\1", text)
    if ":" in text:
        text = COLON.sub(NBSP + ":", text)
    if "«" in text:
        text = OPENING.sub("«" + NBSP, text)
    if "»" in text:
        text = CLOSING.sub(NBSP + "»", text)
    return text


# Where text is left alone: comments, and elements that are opaque or marked as another language
# (their name is group 1 or 2; void elements hold no text, so a `lang` on them skips nothing).
OPAQUE = r"""<!--.*?-->|<(code|pre|math|script|style|kbd|samp|textarea)\b[^>]*(?<!/)>"""
SKIPPED = re.compile(OPAQUE +
                     r"""|<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b)"""
                     r"""([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\blang\s*=\s*["']?(?!fr\b)[a-zA-Z][^>]*(?<!/)>""", re.S | re.I)
SKIPPED_WITHOUT_LANG = re.compile(OPAQUE, re.S | re.I)   # twice as fast, for the many pages with no `lang`
LANG = re.compile("lang", re.I)
# a text node holding a mark, with the `>` before it: the literal lets the regex engine jump
# from tag end to tag end, and the possessive runs never backtrack
MARKED_TEXT_NODE = re.compile(r">([^<;:!?«»]*+[;:!?«»][^<]*+)")


def _element_end(html_text: str, opening: re.Match) -> int:
    """Where the element opened by `opening` ends, nested elements of its name included
    (the end of the text when it is never closed)."""
    depth = 1
    for tag in _tags_named(opening.group(1) or opening.group(2)).finditer(html_text, opening.end()):
        if tag.group(0).endswith("/>"):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(html_text)


@lru_cache(maxsize=64)
def _tags_named(name: str) -> re.Pattern:
    return re.compile(rf"<(/?){re.escape(name)}\b[^>]*>", re.I)


def _fix_nodes(fragment: str) -> str:
    if not NEEDS_WORK.search(fragment):
        return fragment
    return MARKED_TEXT_NODE.sub(lambda m: ">" + _fix_text(m.group(1)), ">" + fragment)[1:]


def french(html_text: str) -> str:
    """Apply French spacing to the text nodes of an HTML fragment."""
    if not NEEDS_WORK.search(html_text):
        return html_text
    skipped_pattern = SKIPPED if LANG.search(html_text) else SKIPPED_WITHOUT_LANG
    out, done = [], 0
    while (skipped := skipped_pattern.search(html_text, done)) is not None:
        end = skipped.end() if skipped.group(0).startswith("<!--") else _element_end(html_text, skipped)
        out += [_fix_nodes(html_text[done:skipped.start()]), html_text[skipped.start():end]]
        done = end
    out.append(_fix_nodes(html_text[done:]))
    return "".join(out)
