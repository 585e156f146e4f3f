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
from .highlight import fence
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
    images_without_alt: tuple[str, ...] = ()         # their src

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 220))


def _toc_slug(value: str, separator: str) -> str:
    return slugify(value) or "section"


# What any match of an inline pattern must find in the text: text without it cannot match, so
# the pattern is not tried. Patterns not listed here are always tried.
TRIGGERS = {"backtick": "`", "arithmatex-inline": "$\\", "escape": "\\", "footnote": "[", "reference": "[",
            "link": "[", "image_link": "[", "image_reference": "[", "short_reference": "[",
            "short_image_ref": "[", "autolink": "<", "automail": "<", "html": "<", "entity": "&",
            "em_strong": "*_", "delimiter": "~", "linebreak": ("  \n",)}
TRIGGER = re.compile(r"[`$\\\[<&*_~]|  \n")


def _triggered_inline(md):
    """Python-Markdown's inline stage, trying on each text only the patterns it has triggers for.

    Python-Markdown tries every inline pattern on every text node, one Python call each; most
    prose has no `[`, `<` or `*`, and skipping those calls makes Markdown about 40% faster
    (measured on the benchmark corpus). A skipped pattern is one that could not have matched, so
    the output is the same (tested against the stock stage). Matches only replace text with
    placeholders, so the triggers found at the start stay a superset of those left later.
    This overrides a private method: on a Markdown release without it, the stock stage runs.
    """
    from markdown.treeprocessors import InlineProcessor
    from markdown.util import AtomicString

    if not hasattr(InlineProcessor, "_InlineProcessor__applyPattern"):
        return None

    class TriggeredInline(InlineProcessor):
        plans: dict[frozenset, tuple[int, ...]] = {}

        def _plan(self, found: frozenset) -> tuple[int, ...]:
            """Indexes of the patterns worth trying on a text holding the triggers `found`."""
            if not self.plans:
                self.patterns = list(self.inlinePatterns)
                self.triggers = [None] * len(self.patterns)
                for name, trigger in TRIGGERS.items():
                    if name in self.inlinePatterns:
                        self.triggers[self.inlinePatterns.get_index_for_name(name)] = trigger
            if found not in self.plans:
                self.plans[found] = tuple(i for i, t in enumerate(self.triggers) if t is None or not found.isdisjoint(t))
            return self.plans[found]

        def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
            if isinstance(data, AtomicString):
                return data
            apply, start = self._InlineProcessor__applyPattern, 0
            for i in self._plan(frozenset(TRIGGER.findall(data))):
                matched = i >= patternIndex
                while matched:   # a pattern is tried again after each match, from past it
                    data, matched, start = apply(self.patterns[i], data, i, start)
            return data

    inline = TriggeredInline(md)
    inline.plans = {}
    return inline


@lru_cache(maxsize=1)
def _markdown():
    return new_markdown()


def new_markdown(triggered: bool = True):
    import importlib

    import markdown  # imported on first render only: `--help` stays fast

    class Markdown(markdown.Markdown):
        def build_extension(self, ext_name: str, configs: dict):
            """By module path: Markdown would first scan every installed package's entry points
            for the name (~30 ms a process, on each edit rebuild)."""
            module = importlib.import_module(ext_name if "." in ext_name else f"markdown.extensions.{ext_name}")
            return module.makeExtension(**configs)

    md = Markdown(
        # each extension adds inline patterns run on every text node: only what authors need
        extensions=[
            "tables", "footnotes", "attr_list", "md_in_html", "admonition", "toc", "def_list", "abbr",
            "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.arithmatex", "pymdownx.tilde",
        ],
        extension_configs={
            # marker "": the theme shows the table of contents; searching every text for `[TOC]` cost 3%
            "toc": {"slugify": _toc_slug, "toc_depth": "2-4", "permalink": "#", "permalink_class": "anchor", "marker": "",
                    "permalink_title": ""},
            "pymdownx.superfences": {"custom_fences": [
                {"name": "*", "class": "highlight", "format": fence,
                 "validator": lambda language, inputs, options, attrs, md:
                     options.update(linenums=inputs.pop("linenums", "")) or not inputs}]},
            "pymdownx.arithmatex": {"generic": True},
            "pymdownx.tasklist": {"custom_checkbox": False},
            # ~~strike~~, also inside words as on GitHub; no ~subscript~: its patterns took 16 ms to build
            "pymdownx.tilde": {"subscript": False, "smart_delete": False},
            "footnotes": {"BACKLINK_TITLE": ""},
        },
        output_format="html",
    )
    inline = _triggered_inline(md) if triggered else None
    if inline is not None:
        md.treeprocessors.register(inline, "inline", 20)   # the stock stage's name and priority
    return md


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
    prose = re.sub(r"<(pre|math|script|style)\b.*?</\1>", " ", PLACEHOLDER_P.sub(" ", html), flags=re.S)
    return len(WORD.findall(re.sub(r"<[^>]+>", " ", prose)))


def _line_of(body: str, latex: str) -> int:
    """Line of an expression in the source: with its delimiters first, so code quoting it is skipped."""
    inner = r"\s*(?P<x>" + re.escape(latex) + r")\s*"
    for pattern in (rf"(?<![\\$])\$\$?{inner}\$", rf"\\[(\[]{inner}\\[)\]]", f"(?P<x>{re.escape(latex)})",
                    f"(?P<x>{re.escape(latex.split(chr(10), 1)[0].strip())})"):
        m = re.search(pattern, body)
        if m:
            return body.count("\n", 0, m.start("x")) + 1
    return 1


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
    return Rendered(text, toc, _excerpt(text, excerpt_separator), words, errors, images_without_alt(text))


def images_without_alt(html_text: str) -> tuple[str, ...]:
    found = []
    for m in re.finditer(r"<img\b[^>]*>", html_text):
        if not re.search(r"\balt\s*=", m.group(0)):
            src = re.search(r'src="([^"]*)"', m.group(0))
            found.append(src.group(1) if src else "")
    return tuple(found)
