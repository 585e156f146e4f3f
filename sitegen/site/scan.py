"""Markdown read just enough to compare two versions of a post: its sections (headings are the
anchors) and, inside them, the blocks a translation must keep — prose, headings, tables, display
math, figures, code. Pure and line-accurate: every piece knows the line of the file it starts on.
Code is opaque (sources.split_fences), so nothing inside a fence is ever taken for structure.
Its records, like those of translations.py and parity.py, are NamedTuples: immutable and typed
like frozen dataclasses, but ~0.4 ms cheaper each to define, which every build pays at import.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..memo import Memo
from ..sources import Post, slugify, split_fences

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# `## Title {#id .class}` or `{: #id}`: an explicit id replaces the generated one
HEADING_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*([^{}]*)\}[ \t]*$")
BLOCK_START = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]|^ {0,3}(?:>|\||!!!|\[\^)")
INLINE_MARKS = re.compile(r"[*_`~]+|\[([^\]]*)\]\([^)]*\)|<[^>]+>")

# What the translation checks computed — a source's revision, a pair's comparison — by the
# fingerprints of the posts they read: the build keeps it in .cache between runs (sitegen/memo.py),
# so a rebuild reads again only the posts an edit touched.
CHECKED = Memo(track=True)


@lru_cache(maxsize=1)
def checks_version() -> str:
    """What CHECKED's entries depend on besides the posts: the code that computes them, so an
    edit to it is never answered from an older memo."""
    here = Path(__file__).parent
    return hashlib.sha1(b"".join((here / name).read_bytes() for name in ("scan.py", "parity.py", "translations.py"))).hexdigest()


def fingerprint(post: Post) -> str:
    """Digest of the post's file (as output.input_fingerprint takes it, when the build has it): all
    the translation checks read of it (its texts, the lines they start on, its parity_ignore), and a
    little more."""
    return hashlib.sha1(post.source.text.encode()).hexdigest()


class Heading(NamedTuple):
    level: int
    title: str        # as a reader sees it: Markdown marks and attribute lists removed
    line: int         # in the file
    explicit_id: str | None = None


class Part(NamedTuple):
    """A heading and the text under it up to the next heading (the first part has no heading)."""
    heading: Heading | None
    text: str         # the Markdown as written, the heading line included
    line: int


def heading_title(raw: str) -> tuple[str, str | None]:
    """`Phase *d'entraînement* {#phase}` → ("Phase d'entraînement", "phase")."""
    explicit = None
    m = HEADING_ATTRS.search(raw)
    if m and ("#" in m.group(1) or "." in m.group(1) or "=" in m.group(1)):
        ids = re.findall(r"#([\w-]+)", m.group(1))
        explicit = ids[0] if ids else None
        raw = raw[:m.start()]
    return " ".join(INLINE_MARKS.sub(lambda g: g.group(1) or "", raw).split()), explicit


def anchors(headings: list[Heading]) -> list[str]:
    """The ids the renderer gives these headings by default (`heading_ids: readable`): the slug of
    their text, `_1`, `_2`… when repeated."""
    seen: set[str] = set()
    out = []
    for heading in headings:
        base = heading.explicit_id or slugify(heading.title) or "section"
        anchor, n = base, 0
        while anchor in seen:
            n += 1
            anchor = f"{base}_{n}"
        seen.add(anchor)
        out.append(anchor)
    return out


def all_anchors(headings: list[Heading]) -> list[set[str]]:
    """Each heading's ids under either scheme (`heading_ids: kramdown` too): what a link may name."""
    from ..markup import kramdown_id   # loads Python-Markdown: only for a post with an in-page link

    counts: dict[str, int] = {}
    return [{readable, heading.explicit_id or kramdown_id(heading.title, counts)}
            for readable, heading in zip(anchors(headings), headings)]


def split_parts(body: str, first_line: int) -> list[Part]:
    """The body cut before each heading (ATX `## x`, or setext: a line underlined with === or ---)."""
    lines = body.split("\n")
    starts: list[tuple[int, int, Heading]] = []   # (first line index, line count, heading)
    for code, chunk, at in split_fences(body):
        if code:
            continue
        chunk_lines = chunk.split("\n")
        for i, text in enumerate(chunk_lines):
            if text[:1] not in "#=- " or not text.strip(" ").startswith(("#", "=", "-")):
                continue   # most lines: neither a heading nor an underline
            index = at - 1 + i
            m = ATX.match(text)
            if m:
                title, explicit = heading_title(m.group(2) or "")
                starts.append((index, 1, Heading(len(m.group(1)), title, first_line + index, explicit)))
                continue
            under = SETEXT.match(text)
            # as Python-Markdown: the first line of a block, underlined (a paragraph's later line is not)
            if under and i > 0 and _paragraph_line(chunk_lines[i - 1]) and (i == 1 or not chunk_lines[i - 2].strip()):
                title, explicit = heading_title(chunk_lines[i - 1].strip())
                starts.append((index - 1, 2, Heading(1 if under.group(1)[0] == "=" else 2, title,
                                                     first_line + index - 1, explicit)))
    parts = []
    bounds = [start for start, _, _ in starts] + [len(lines)]
    if not starts or starts[0][0] > 0:
        parts.append(Part(None, "\n".join(lines[:bounds[0]]), first_line))
    for (start, _, heading), end in zip(starts, bounds[1:]):
        parts.append(Part(heading, "\n".join(lines[start:end]), first_line + start))
    return parts


def _paragraph_line(text: str) -> bool:
    return bool(text.strip()) and not BLOCK_START.match(text) and not ATX.match(text)


def body_of(part: Part) -> str:
    """A part's text without its heading line(s)."""
    if part.heading is None:
        return part.text
    lines = part.text.split("\n")
    return "\n".join(lines[2:] if len(lines) > 1 and SETEXT.match(lines[1]) and not ATX.match(lines[0]) else lines[1:])
