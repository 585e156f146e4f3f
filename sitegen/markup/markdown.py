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

from ..sources import slugify
from .highlight import fence
from .math import math_characters, render_math
from .triggers import triggered_inline, use_triggered_blocks
from .typography import french

PLACEHOLDER = "SITEGENBLOCK{}X"
PLACEHOLDER_P = re.compile(r"<p>SITEGENBLOCK(\d+)X</p>")
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# what opens a nested block at the start of a line: list markers, quote markers, indentation
NESTING = re.compile(r"(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?=[ \t>]|$))+[ \t]*|[ \t]+")
TOO_DEEP = ("Markdown nested too deeply to render (lists, quotes or indented blocks hundreds of levels "
            "deep; this is the deepest line): flatten it")


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
    errors: tuple[tuple[int, str], ...] = ()        # (line in body, message): math, nesting
    images_without_alt: tuple[str, ...] = ()         # their src
    math_characters: str = ""                        # what its formulas are drawn with (math.math_characters)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 220))


TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-",
                             "…": "...", "\u00a0": " "})


def _toc_slug(value: str, separator: str) -> str:
    """Readable ids (`heading_ids: readable`): typographic punctuation separates words as the
    straight marks it replaced did, so ids do not depend on typography."""
    return slugify(value.translate(TYPOGRAPHIC)) or "section"


@lru_cache(maxsize=1)
def _markdown():
    return new_markdown()


@lru_cache(maxsize=1)
def _markdown_class():
    """Python-Markdown with this site's changes; imported on first render only (`--help` stays fast)."""
    import importlib
    from xml.etree.ElementTree import Element

    import markdown
    from markdown.extensions.toc import TocExtension, TocTreeprocessor

    class TokensOnly(TocTreeprocessor):
        def build_toc_div(self, toc_list: list) -> Element:
            """The theme renders the contents from md.toc_tokens: the HTML list Markdown also
            builds, serializes and post-processes for every page (md.toc) is never used."""
            return Element("div")

    class TocTokensOnly(TocExtension):
        TreeProcessorClass = TokensOnly

    class Markdown(markdown.Markdown):
        def build_extension(self, ext_name: str, configs: dict):
            """By module path: Markdown would first scan every installed package's entry points
            for the name (~30 ms a process, on each edit rebuild)."""
            if ext_name == "toc":
                return TocTokensOnly(**configs)
            module = importlib.import_module(ext_name if "." in ext_name else f"markdown.extensions.{ext_name}")
            return module.makeExtension(**configs)

        def reset(self):
            self.block_levels: dict = {}
            return super().reset()

        def is_block_level(self, tag) -> bool:
            """Asked about 250 times a page; Markdown lowercases the tag and scans a list of 60 each time."""
            try:
                return self.block_levels[tag]
            except KeyError:
                level = self.block_levels[tag] = super().is_block_level(tag)
                return level

    return Markdown


def new_markdown(triggered: bool = True):
    from .punctuation import register as register_punctuation   # imports Python-Markdown: only when rendering

    md = _markdown_class()(
        # each extension adds inline patterns run on every text node: only what authors need
        extensions=[
            "tables", "footnotes", "attr_list", "md_in_html", "admonition", "toc", "def_list", "abbr",
            "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.arithmatex", "pymdownx.tilde",
            "sitegen.markup.kramdown",
        ],
        extension_configs={
            # marker "": the theme shows the table of contents; searching every text for `[TOC]` cost 3%
            "toc": {"slugify": _toc_slug, "toc_depth": "2-4", "permalink": "#", "permalink_class": "anchor", "marker": "",
                    "permalink_title": ""},
            "pymdownx.superfences": {"custom_fences": [
                {"name": "*", "class": "highlight", "format": fence,
                 "validator": lambda language, inputs, options, attrs, md:
                     options.update(linenums=inputs.pop("linenums", "")) or not inputs}]},
            # `$$…$$` blocks are kramdown.py's: a `$$` pair inside the block is not math across it
            "pymdownx.arithmatex": {"generic": True, "block_syntax": ["square", "begin"]},
            "pymdownx.tasklist": {"custom_checkbox": False},
            # ~~strike~~, also inside words as on GitHub; no ~subscript~: its patterns took 16 ms to build
            "pymdownx.tilde": {"subscript": False, "smart_delete": False},
            "footnotes": {"BACKLINK_TITLE": ""},
        },
        output_format="html",
    )
    register_punctuation(md)
    if triggered:
        inline = triggered_inline(md)
        if inline is not None:
            md.treeprocessors.register(inline, "inline", 20)   # the stock stage's name and priority
        use_triggered_blocks(md)
    return md


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    out = []
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], html.unescape(re.sub(r"<[^>]+>", "", token["name"]))))
        out.extend(_flatten_toc(token["children"]))
    return out


def _excerpt(html: str, separator: str) -> str:
    # a separator written on several lines in YAML (`|` block) ends with a line break Markdown drops
    marker = separator.strip()
    if marker and marker in html:
        return html.split(marker, 1)[0].strip()
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


HEADING_IDS = ("readable", "kramdown")


def render(body: str, lang: str, blocks: tuple[str, ...] = (), excerpt_separator: str = "<!--more-->",
           heading_ids: str = "readable") -> Rendered:
    """Pure: Markdown text (placeholders for executed blocks) → Rendered. `heading_ids`: readable
    (ASCII, accents transliterated) or kramdown (Jekyll's: what kramdown-parser-gfm gives)."""
    md = _markdown()
    md.reset()
    md.lang, md.heading_ids = lang, heading_ids
    try:
        text = md.convert(body)
    except RecursionError:
        # Python-Markdown parses and serializes nested blocks recursively; the instance may hold
        # half a parse, so the next render gets a new one
        _markdown.cache_clear()
        return Rendered("", (), "", 0, ((_deepest_line(body), TOO_DEEP),))
    toc = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
    text, failures = render_math(text)
    if lang == "fr":
        text = french(text)
        toc = tuple(TocEntry(e.level, e.id, french(e.title)) for e in toc)
    words = count_words(text)
    # an author may type a placeholder's text: one naming no block stays text
    text = PLACEHOLDER_P.sub(lambda m: blocks[int(m.group(1))] if int(m.group(1)) < len(blocks) else m.group(0), text)
    errors = tuple((_line_of(body, latex), f"math `{latex}`: {message}") for latex, message in failures)
    return Rendered(text, toc, _excerpt(text, excerpt_separator), words, errors, images_without_alt(text),
                    math_characters(text))


def _deepest_line(body: str) -> int:
    """The first line whose nesting prefix is the widest: where a too-deep structure shows itself."""
    widest, where = -1, 1
    for number, line in enumerate(body.split("\n"), 1):
        m = NESTING.match(line)
        width = len(m.group(0).expandtabs(4)) if m else 0
        if width > widest:
            widest, where = width, number
    return where


def images_without_alt(html_text: str) -> tuple[str, ...]:
    found = []
    for m in re.finditer(r"<img\b[^>]*>", html_text):
        if not re.search(r"\balt\s*=", m.group(0)):
            src = re.search(r'src="([^"]*)"', m.group(0))
            found.append(src.group(1) if src else "")
    return tuple(found)
