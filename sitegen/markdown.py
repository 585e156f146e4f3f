"""Markdown body → Rendered: HTML, table of contents, excerpt, reading time. No file I/O.

Python-Markdown with pymdown-extensions; math turned into MathML (math.py) and French
typography applied (typography.py) after Markdown. Executed blocks arrive already
rendered and are put in place of their placeholders.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from .content import slugify
from .math import render_math
from .typography import french

PLACEHOLDER = "SITEGENBLOCK{}X"
PLACEHOLDER_P = re.compile(r"<p>SITEGENBLOCK(\d+)X</p>")
WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]
    excerpt: str
    words: int
    math_errors: tuple[tuple[int, str], ...] = ()   # (line in body, message)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 220))


def _toc_slug(value: str, separator: str) -> str:
    return slugify(value) or "section"


@lru_cache(maxsize=1)
def _markdown():
    import markdown  # imported on first render only: `--help` stays fast

    return markdown.Markdown(
        extensions=[
            "tables", "footnotes", "attr_list", "md_in_html", "def_list", "abbr", "admonition", "sane_lists",
            "toc", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.tasklist", "pymdownx.arithmatex",
            "pymdownx.tilde", "pymdownx.caret",
        ],
        extension_configs={
            "toc": {"slugify": _toc_slug, "toc_depth": "2-4", "permalink": "#", "permalink_class": "anchor",
                    "permalink_title": ""},
            "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False, "linenums_style": "table"},
            "pymdownx.arithmatex": {"generic": True},
            "pymdownx.tasklist": {"custom_checkbox": False},
            "footnotes": {"BACKLINK_TITLE": ""},
        },
        output_format="html",
    )


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    out = []
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], html.unescape(re.sub(r"<[^>]+>", "", token["name"]))))
        out.extend(_flatten_toc(token["children"]))
    return out


def _excerpt(html: str, separator: str) -> str:
    if separator in html:
        return html.split(separator, 1)[0].strip()
    m = re.search(r"<p>.*?</p>", html, re.S)
    return m.group(0) if m else ""


def count_words(html: str) -> int:
    prose = re.sub(r"<(pre|math|script|style)\b.*?</\1>", " ", html, flags=re.S)
    return len(WORD.findall(re.sub(r"<[^>]+>", " ", prose)))


def _line_of(body: str, latex: str) -> int:
    at = body.find(latex)
    if at < 0:
        compact = latex.split("\n", 1)[0].strip()
        at = body.find(compact) if compact else -1
    return body.count("\n", 0, at) + 1 if at >= 0 else 1


def render(body: str, lang: str, blocks: tuple[str, ...] = (), excerpt_separator: str = "<!--more-->") -> Rendered:
    """Pure: Markdown text (placeholders for executed blocks) → Rendered."""
    md = _markdown()
    md.reset()
    text = md.convert(body)
    toc = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
    text, failures = render_math(text)
    if lang == "fr":
        text = french(text)
        toc = tuple(TocEntry(e.level, e.id, french(e.title)) for e in toc)
    words = count_words(text)
    text = PLACEHOLDER_P.sub(lambda m: blocks[int(m.group(1))], text)
    errors = tuple((_line_of(body, latex), f"math `{latex}`: {message}") for latex, message in failures)
    return Rendered(text, toc, _excerpt(text, excerpt_separator), words, errors)
