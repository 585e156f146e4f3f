"""The small subset of Jekyll's Liquid that real posts use, applied to a post body.

Supported: `{% raw %}…{% endraw %}`, `{% comment %}…{% endcomment %}`,
`{% highlight LANG [linenos] %}…{% endhighlight %}` (turned into a fenced block),
`{% post_url YYYY-MM-DD-slug %}`, `{{ site.url }}`, `{{ site.baseurl }}`.
Anything else is an error at its line. Code is opaque: fenced blocks and inline
code spans are never interpreted, so PyTorch, Jinja or shell code needs no escaping.
Line numbers are preserved, so later stages can still point at the source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..errors import Problem, error

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# One left-to-right scan: whichever starts first wins, so a fenced block swallows the tags
# inside it, and a raw or comment block swallows the fences inside it (Jekyll's idiom).
TOKEN = re.compile(
    r"(?P<fenced>^[ \t]*(?P<fc>`{3,}|~{3,})[^\n]*(?:\n.*?)??(?:\n[ \t]*(?P=fc)[`~]*[ \t]*(?=\n|\Z)|\Z))"
    r"|(?P<code>(?P<ticks>`+)[^`].*?(?<!`)(?P=ticks)(?!`))"
    r"|\{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}"
    r"|(?P<comment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"
    r"|\{%-?\s*highlight\s+(?P<hl_args>[^%]*?)\s*-?%\}(?P<hl_code>.*?)\{%-?\s*endhighlight\s*-?%\}"
    r"|\{%-?\s*(?P<tag>.*?)\s*-?%\}"
    r"|\{\{-?\s*(?P<var>.*?)\s*-?\}\}",
    re.S | re.M,
)


@dataclass(frozen=True)
class LiquidContext:
    site_url: str
    baseurl: str
    post_url: Callable[[str], str | None]   # "2021-04-05-slug" → URL in the post's language, or None


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


def render_liquid(text: str, ctx: LiquidContext, path: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """Pure: body text → body with Liquid applied, and the problems found."""
    problems: list[Problem] = []
    if "{%" not in text and "{{" not in text:
        return text, problems

    def replace(m: re.Match) -> str:
        at = first_line + text.count("\n", 0, m.start())
        if m.group("fenced") is not None or m.group("code") is not None:
            return m.group(0)
        if m.group("raw") is not None:
            return m.group("raw")
        if m.group("comment") is not None:
            return "\n" * m.group(0).count("\n")
        if m.group("hl_args") is not None:
            return _highlight(m.group("hl_args"), m.group("hl_code"))
        if m.group("tag") is not None:
            return _tag(m.group("tag"), m.group(0), ctx, path, at, problems)
        return _variable(m.group("var"), m.group(0), ctx, path, at, problems)

    return TOKEN.sub(replace, text), problems


def _highlight(args: str, code: str) -> str:
    words = args.split()
    lang = words[0] if words else "text"
    options = ' linenums="1"' if any(w.startswith("linenos") for w in words[1:]) else ""
    # the opening tag usually ends its line and the closing one starts its own: keep line counts
    return f"```{lang}{options}" + ("" if code.startswith("\n") else "\n") + code + ("" if code.endswith("\n") else "\n") + "```"


def _tag(tag: str, whole: str, ctx: LiquidContext, path: str, line: int, problems: list[Problem]) -> str:
    name, _, arg = tag.partition(" ")
    if name == "post_url":
        target = arg.strip()
        url = ctx.post_url(target)
        if url is None:
            problems.append(error(path, line, f"{{% post_url {target} %}}: no post named {target} in this language"))
            return whole
        return url
    if name in ("raw", "endraw", "highlight", "endhighlight", "comment", "endcomment"):
        problems.append(error(path, line, f"`{{% {name} %}}` has no matching closing tag"))
    else:
        problems.append(error(path, line, f"unsupported Liquid tag `{whole.strip()}` (supported: raw, comment, "
                                          "highlight, post_url; wrap literal braces in {% raw %}…{% endraw %})"))
    return whole


def _variable(var: str, whole: str, ctx: LiquidContext, path: str, line: int, problems: list[Problem]) -> str:
    if var == "site.url":
        return ctx.site_url
    if var == "site.baseurl":
        return ctx.baseurl
    problems.append(error(path, line, f"unsupported Liquid variable `{whole.strip()}` (supported: site.url, site.baseurl; "
                                      "wrap literal braces in {% raw %}…{% endraw %})"))
    return whole
