"""French typography on rendered HTML: no-break spaces before `; ! ?` (narrow) and `:`,
and inside « guillemets ».

Only text nodes are touched: never tags or attributes, nor the inside of code, pre,
math, script, style or kbd elements, nor URLs, nor text marked as another language
(`*Title: subtitle*{lang=en}` in Markdown, an English title quoted in a French page).
"""
from __future__ import annotations

import re

NBSP, NNBSP = "\u00a0", "\u202f"
TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPAQUE = {"code", "pre", "math", "script", "style", "kbd", "samp", "textarea"}
# URLs and character references are left exactly as written
PROTECTED = re.compile(r"\b(?:https?|ftp|mailto):[^\s<]+|\bwww\.[^\s<]+|&#?\w+;")
SPACES = r"[ \u00a0\u202f]"

RULES = [
    # an ordinary space (or none, after a word) before ; ! ? becomes a narrow no-break space
    (re.compile(rf"(?<![;!?]){SPACES}*([;!?]+)(?=\s|$|[»)\].,])"), lambda m: NNBSP + m.group(1)),
    # before a colon: no-break space, but only when a space or the end follows (not 10:30, not a::b)
    (re.compile(rf"(?:(?<=[\w»)\]])|^){SPACES}*:(?=\s|$)"), lambda m: NBSP + ":"),
    (re.compile(rf"«{SPACES}*"), lambda m: "«" + NBSP),
    (re.compile(rf"{SPACES}*»"), lambda m: NBSP + "»"),
]


NEEDS_WORK = re.compile("[;:!?«»]")


def _fix_text(text: str) -> str:
    if not NEEDS_WORK.search(text):
        return text   # most text nodes have none of the marks: skip the rules
    parts, last = [], 0
    for m in PROTECTED.finditer(text):
        parts.append(_apply(text[last:m.start()]))
        parts.append(m.group(0))
        last = m.end()
    parts.append(_apply(text[last:]))
    return "".join(parts)


def _apply(text: str) -> str:
    for pattern, repl in RULES:
        text = pattern.sub(repl, text)
    return text


FOREIGN = re.compile(r"""\blang\s*=\s*["']?(?!fr\b)[a-zA-Z]""")


def french(html_text: str) -> str:
    """Apply French spacing to the text nodes of an HTML fragment."""
    out, depth = [], 0
    foreign: list[str] = []   # open elements from the first one marked as another language
    for piece in TAG.split(html_text):
        if piece.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)", piece)
            name = m.group(2).lower() if m else ""
            if m and name in OPAQUE and not piece.endswith("/>"):
                depth += -1 if m.group(1) else 1
                depth = max(depth, 0)
            if m and not piece.endswith("/>"):
                if foreign and m.group(1) and foreign[-1] == name:
                    foreign.pop()
                elif not m.group(1) and (foreign or FOREIGN.search(piece)) and name not in VOID:
                    foreign.append(name)
            out.append(piece)
        elif foreign:
            out.append(piece)
        elif depth == 0 and piece:
            out.append(_fix_text(piece))
        else:
            out.append(piece)
    return "".join(out)
