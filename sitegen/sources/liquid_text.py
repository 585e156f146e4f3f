"""Code kept opaque to Liquid: fenced blocks, inline code spans, `{% raw %}` and `{% highlight %}`
blocks set aside as placeholders that keep their line breaks, and put back after Liquid ran.
Also `split_fences`, which later stages use to tell code from prose.
"""
from __future__ import annotations

import re

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# One left-to-right scan: whichever starts first wins, so a fenced block swallows the tags
# inside it, and a raw or comment block swallows the fences inside it (Jekyll's idiom).
TOKEN = re.compile(
    r"(?P<fenced>^[ \t]*(?P<fc>`{3,}|~{3,})[^\n]*(?:\n.*?)??(?:\n[ \t]*(?P=fc)[`~]*[ \t]*(?=\n|\Z)|\Z))"
    r"|(?P<code>(?P<ticks>`+)[^`].*?(?<!`)(?P=ticks)(?!`))"
    r"|\{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}"
    r"|(?P<comment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"
    r"|\{%-?\s*highlight\s+(?P<hl_args>[^%]*?)\s*-?%\}(?P<hl_code>.*?)\{%-?\s*endhighlight\s*-?%\}",
    re.S | re.M,
)
RAW_PAIR = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
# a piece of text set aside: its number, then as many line breaks as it had
HELD = re.compile("\ue000(\\d+)(\n*)\ue001")
BACKTICKS = re.compile(r"^[ \t]*(`{3,})", re.M)


def split_fences(text: str) -> list[tuple[bool, str, int]]:
    """→ [(is_code, chunk, first line)], fenced code blocks kept whole."""
    chunks: list[tuple[bool, str, int]] = []
    lines = text.split("\n")
    current: list[str] = []
    start, i = 1, 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            current.append(lines[i])
            i += 1
            continue
        fence = m.group(1)
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), len(lines) - 1)
        if current:
            chunks.append((False, "\n".join(current), start))
        chunks.append((True, "\n".join(lines[i:end + 1]), i + 1))
        current, i, start = [], end + 1, end + 2
    if current or not chunks:
        chunks.append((False, "\n".join(current), start))
    return chunks


def set_code_aside(text: str) -> tuple[str, tuple[str, ...]]:
    """Pure: text → (text with code, raw blocks and highlights replaced by placeholders that keep
    their line breaks, comments blanked, and the pieces set aside)."""
    held: list[str] = []

    def hold(piece: str, lines_of: str) -> str:
        held.append(piece)
        return f"\ue000{len(held) - 1}" + "\n" * lines_of.count("\n") + "\ue001"

    def replace(m: re.Match) -> str:
        whole = m.group(0)
        if m.group("fenced") is not None or m.group("code") is not None:
            return hold(RAW_PAIR.sub(r"\1", whole), whole)
        if m.group("raw") is not None:
            return hold(m.group("raw"), whole)
        if m.group("comment") is not None:
            return "\n" * whole.count("\n")
        return hold(_highlight(m.group("hl_args"), RAW_PAIR.sub(r"\1", m.group("hl_code"))), whole)

    if "`" not in text and "~~~" not in text and "{%" not in text:
        return text, ()
    return TOKEN.sub(replace, text), tuple(held)


def put_code_back(text: str, held: tuple[str, ...]) -> str:
    return HELD.sub(lambda m: held[int(m.group(1))], text) if held else text


def _highlight(args: str, code: str) -> str:
    words = args.split()
    lang = words[0] if words else "text"
    options = ' linenums="1"' if any(w.startswith("linenos") for w in words[1:]) else ""
    # a fence longer than any the code holds, so a Markdown sample with ``` inside is not cut
    fence = "`" * max([3] + [len(f) + 1 for f in BACKTICKS.findall(code)])
    # the opening tag usually ends its line and the closing one starts its own: keep line counts
    return f"{fence}{lang}{options}" + ("" if code.startswith("\n") else "\n") + code + \
        ("" if code.endswith("\n") else "\n") + fence
