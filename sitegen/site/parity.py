"""Parity between two versions of a post: the slips a translation makes, reported with both locations.

- structure: the same headings, and in each section as many figures, display equations, tables
  and code blocks;
- numbers: every number in the prose (headings, paragraphs, lists, tables, captions, alt texts) has
  its counterpart in the same section of the other version. Numbers are read the way each language
  writes them (« 3 000 » and "3,000", « 0,5 » and "0.5" are the same number), a number spelled out
  in words on the other side counts (« variance 1 » / "variance one"), and their order may differ;
- links: the same targets in each section, a link to a post compared through its translation group
  (the French post links to the French version, the English one to the English version).

Warnings only; a post's `parity_ignore` front matter (see sources.content.PARITY_KINDS) lists the
intended differences. The expensive part, reading both texts, is pure and memoized by their content
(scan.CHECKED); links are compared afterwards, through a mapping the build gives.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, NamedTuple

from ..errors import Problem, warning
from ..sources import Post, split_fences
from .scan import CHECKED, Part, fingerprint, split_parts

KINDS = {"figures": "figure", "equations": "display equation", "tables": "table", "code": "code block"}
DECIMAL_COMMA = {"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "cs", "sv", "da", "nb", "fi", "tr", "ca", "ro"}
# a number as each kind of language writes it: « 3 000,5 » (spaces group, comma or point for decimals)
# or "3,000.5"; whatever comes before it (a letter: float32; a sign) is looked at by read_numbers
NUMBER = {   # written to start with a character class: the regex engine then skips to digits fast
    True: re.compile(r"[0-9](?:[0-9]{0,2}(?:[ \u00a0\u202f][0-9]{3}(?![0-9]))+|[0-9]*)(?:[,.][0-9]+)?"
                     r"(?:[eE][-+\u2212]?[0-9]+)?"),
    False: re.compile(r"[0-9](?:[0-9]{0,2}(?:,[0-9]{3}(?![0-9]))+|[0-9]*)(?:\.[0-9]+)?(?:[eE][-+\u2212]?[0-9]+)?"),
}
ORDINALS = {True: {"e", "er", "re", "ère", "ème", "es", "ers", "res", "èmes", "eme", "emes"},
            False: {"st", "nd", "rd", "th", "s"}}
WORDS: dict[bool, dict[str, tuple[float, ...]]] = {
    False: {**{w: (float(i),) for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())},
        **{w: (float(v),) for w, v in (("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70),
                                       ("eighty", 80), ("ninety", 90), ("hundred", 100), ("hundreds", 100),
                                       ("thousand", 1e3), ("thousands", 1e3), ("million", 1e6), ("millions", 1e6),
                                       ("billion", 1e9), ("dozen", 12), ("dozens", 12), ("single", 1), ("once", 1),
                                       ("twice", 2), ("double", 2), ("pair", 2), ("half", 0.5), ("quarter", 0.25),
                                       ("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5),
                                       ("sixth", 6), ("seventh", 7), ("eighth", 8), ("ninth", 9), ("ones", 1),
                                       ("tens", 10))},
        "tenth": (10.0, 0.1), "tenths": (0.1,), "hundredth": (100.0, 0.01), "thousandth": (1000.0, 0.001)},
    True: {**{w: (float(i),) for i, w in enumerate(
        "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize".split())},
        **{w: (float(v),) for w, v in (("zero", 0), ("nul", 0), ("nulle", 0), ("nuls", 0), ("nulles", 0), ("une", 1),
                                       ("vingt", 20), ("trente", 30), ("quarante", 40), ("cinquante", 50),
                                       ("soixante", 60), ("cent", 100), ("cents", 100), ("mille", 1e3),
                                       ("million", 1e6), ("millions", 1e6), ("milliard", 1e9), ("milliards", 1e9),
                                       ("douzaine", 12), ("douzaines", 12), ("dizaine", 10), ("dizaines", 10),
                                       ("centaine", 100), ("centaines", 100), ("millier", 1e3), ("milliers", 1e3),
                                       ("seul", 1), ("seule", 1), ("unique", 1), ("double", 2), ("paire", 2),
                                       ("moitié", 0.5), ("demi", 0.5), ("quart", 0.25), ("premier", 1),
                                       ("première", 1), ("premiers", 1), ("premières", 1), ("deuxième", 2),
                                       ("second", 2), ("seconde", 2), ("troisième", 3), ("quatrième", 4),
                                       ("cinquième", 5), ("sixième", 6), ("septième", 7), ("huitième", 8),
                                       ("neuvième", 9))},
        "dixième": (10.0, 0.1), "dixièmes": (0.1,), "centième": (100.0, 0.01), "millième": (1000.0, 0.001)},
}
WORD = re.compile(r"[^\W\d_]+")

# what is not prose: blanked (newlines kept, so offsets still give lines) before numbers are read
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]", re.S)
HIGHLIGHT = re.compile(r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}", re.S)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
INLINE_MATH = re.compile(r"\$[^$]+\$|\\\(.+?\\\)", re.S)   # after display math and escaped dollars
IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\](\([^)]*\)|\[[^\]]*\])")
LINK = re.compile(r"\[([^\]]*)\]\(\s*<?(\{%.*?%\}|[^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")   # after images
REF_DEF = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.M)
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
HTML_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']*)[\"']", re.I)
HTML_IMG = re.compile(r"<img\b", re.I)
HTML_TABLE = re.compile(r"<table\b", re.I)
TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.S)
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
ATTRS = re.compile(r"\{:?[ \t]*[#.][^{}\n]*\}|\{[^{}\n]*=[^{}\n]*\}")
FOOTNOTE = re.compile(r"\[\^[^\]]+\]:?")
BARE_URL = re.compile(r"(?:https?|ftp)://\S+")
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$|^[ \t]*\|[ \t]*:?-+:?[ \t]*\|[ \t]*$")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|[0-9]+[.)])[ \t]")
FENCE_TEXT = re.compile(r"\b(?:caption|alt)=\"((?:[^\"\\]|\\.)*)\"")


class Number(NamedTuple):
    value: float
    text: str       # as written
    line: int


class Link(NamedTuple):
    target: str
    line: int


class Zone(NamedTuple):
    """One section of a version (or the whole post when the sections do not line up)."""
    label: str
    line: int
    items: dict[str, tuple[int, ...]]      # kind → lines where each one starts
    numbers: tuple[Number, ...]
    prose: tuple[str, ...]                 # its text, code and markup blanked out
    lang: str
    links: tuple[Link, ...]

    @property
    def words(self) -> frozenset[float]:
        """The values spelled out in words here (asked only when a number has no counterpart)."""
        return frozenset().union(*(number_words(piece, self.lang) for piece in self.prose))


class Links(NamedTuple):
    label: str
    line: int
    links: tuple[Link, ...]


class Compared(NamedTuple):
    """The pair's warnings except links, and each side's links by zone (compared through a mapping later)."""
    problems: tuple[Problem, ...]
    links: tuple[tuple[Links, Links], ...]


def _spaces(text: str) -> str:
    return " " * len(text) if "\n" not in text else re.sub(r"[^\n]", " ", text)


def _blanked(m: re.Match, keep: tuple[int, ...] = ()) -> str:
    """The match as spaces (newlines kept, so offsets and lines stay right), except the groups in `keep`."""
    if not keep:
        return _spaces(m.group(0))
    text, base, at, out = m.group(0), m.start(), m.start(), []
    for start, end in [m.span(g) for g in keep if m.group(g) is not None] + [(m.end(), m.end())]:
        out.append(_spaces(text[at - base:start - base]))
        out.append(text[start - base:end - base])
        at = end
    return "".join(out)


def _sub(pattern: re.Pattern, text: str, keep: tuple[int, ...] = (), seen: Callable[[re.Match], None] | None = None) -> str:
    def blank(m: re.Match) -> str:
        if seen:
            seen(m)
        return _blanked(m, keep)
    return pattern.sub(blank, text)


def read_numbers(text: str, lang: str, first_line: int = 1) -> list[Number]:
    """The numbers of prose text, as its language writes them."""
    comma = lang in DECIMAL_COMMA
    found, line, counted = [], first_line, 0
    for m in NUMBER[comma].finditer(text):
        start, written = m.start(), m.group(0)
        before = text[start - 1] if start else " "
        if before.isalnum() or before in "_.":
            continue   # inside a name: float32, B7, x_1, v1.2.3
        after = WORD.match(text, m.end())
        if after and after.group(0).lower() not in ORDINALS[comma]:
            continue   # a unit or a name glued to it: 2D, 3x
        if text[m.end():m.end() + 2] in (". ", ") ", ".\t", ")\t") and _list_marker(text, start, m.group(0)):
            continue   # the number of an ordered list's item
        mantissa, _, exponent = written.replace("E", "e").partition("e")
        if comma:
            mantissa = mantissa.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
        else:
            mantissa = mantissa.replace(",", "")
        value = float(mantissa + ("e" + exponent.replace("\u2212", "-") if exponent else ""))
        if before in "-\u2212" and (start < 2 or not (text[start - 2].isalnum() or text[start - 2] in ")]")):
            value, written = -value, before + written   # a minus sign, not a hyphen (ResNet-50, 3-4)
        line, counted = line + text.count("\n", counted, start), start
        found.append(Number(value, written, line))
    return found


def _list_marker(text: str, start: int, written: str) -> bool:
    """Whether the number at `start` (followed by `.` or `)` and a space) numbers a list item: first on
    its line, and after a blank line or another item (only a 1 may interrupt a paragraph), not a
    wrapped sentence's number (« arrondit à\n14) ; »)."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    previous = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)] if line_start else ""
    return not previous.strip() or bool(LIST_ITEM.match(previous)) or written == "1"


def number_words(text: str, lang: str) -> frozenset[float]:
    table = WORDS[lang in DECIMAL_COMMA]
    return frozenset(v for w in WORD.findall(text.lower()) for v in table.get(w, ()))


def _zone(label: str, line: int, text: str, at: int, lang: str) -> Zone:
    """Read one section's text (starting at file line `at`). Each pattern runs only on text that
    holds its trigger characters: most paragraphs have no math, link or tag."""
    items: dict[str, list[int]] = {kind: [] for kind in KINDS}
    links: list[Link] = []
    prose: list[tuple[str, int]] = []

    for code, chunk, first in split_fences(text):
        start = at + first - 1
        if code:
            items["code"].append(start)
            head = chunk.split("\n", 1)[0]
            if "=" in head:
                prose += [(m.group(1), start) for m in FENCE_TEXT.finditer(head)]
            continue

        def line_of(offset: int, c: str = chunk, s: int = start) -> int:
            return s + c.count("\n", 0, offset)

        def record(kind: str):
            return lambda m: items[kind].append(line_of(m.start()))

        def link(group: int):
            return lambda m: links.append(Link(m.group(group), line_of(m.start())))

        if "{%" in chunk:
            chunk = _sub(HIGHLIGHT, chunk, seen=record("code"))
        if "`" in chunk:
            chunk = _sub(CODE_SPAN, chunk)
        if "$" in chunk or "\\" in chunk:
            chunk = chunk.replace("\\$", "  ")   # an escaped dollar is text, never math
            chunk = _sub(DISPLAY_MATH, chunk, seen=record("equations"))
            chunk = _sub(INLINE_MATH, chunk)
        if "|" in chunk:
            lines = chunk.split("\n")
            items["tables"] += [start + i for i in range(len(lines) - 1) if "|" in lines[i] and
                                TABLE_RULE.match(lines[i + 1]) and (i == 0 or not TABLE_RULE.match(lines[i]))]
        if "<" in chunk:
            items["tables"] += [line_of(m.start()) for m in HTML_TABLE.finditer(chunk)]
            items["figures"] += [line_of(m.start()) for m in HTML_IMG.finditer(chunk)]
            chunk = _sub(AUTOLINK, chunk, seen=link(1))
            chunk = _sub(HTML_LINK, chunk, seen=link(1))
            chunk = _sub(TAG, chunk)
        if "[" in chunk:
            chunk = _sub(IMAGE, chunk, keep=(1,), seen=record("figures"))
            chunk = _sub(LINK, chunk, keep=(1,), seen=link(2))
            chunk = _sub(REF_DEF, chunk, seen=link(1))
            chunk = _sub(FOOTNOTE, chunk)
        if "{" in chunk:
            chunk = _sub(LIQUID, chunk)
            chunk = _sub(ATTRS, chunk)
        if "://" in chunk:
            chunk = _sub(BARE_URL, chunk)
        prose.append((chunk, start))
    numbers = tuple(n for piece, first in prose for n in read_numbers(piece, lang, first))
    return Zone(label, line, {k: tuple(sorted(v)) for k, v in items.items()}, numbers,
                tuple(piece for piece, _ in prose), lang, tuple(sorted(links, key=lambda l: l.line)))


def _label(part: Part) -> str:
    return f'section "{part.heading.title}"' if part.heading else "the introduction"


def zones(post: Post, parts: list[Part] | None) -> list[Zone]:
    """The title and description, then each of `parts` (None: the whole body as one)."""
    front = [Zone(f"the {key}", post.line_of(key) or 1, {k: () for k in KINDS},
                  tuple(read_numbers(value, post.lang, post.line_of(key) or 1)), (value,), post.lang, ())
             for key, value in (("title", post.front.title), ("description", post.front.description or ""))]
    if parts is None:
        return front + [_zone("the text", post.body_line, post.body, post.body_line, post.lang)]
    return front + [_zone(_label(p), p.line, p.text, p.line, post.lang) for p in parts]


def ignored(a: Post, b: Post) -> dict[str, set[str] | None]:
    """kind → the values to ignore (None: all of them), from either version's `parity_ignore`."""
    out: dict[str, set[str] | None] = {}
    for post in (a, b):
        for kind, value in post.front.parity_ignore:
            if value is None:
                out[kind] = None
            elif out.get(kind, set()) is not None:
                out.setdefault(kind, set()).update({value} if kind == "links" else _canonical_number(value, post.lang))
    return out


def _canonical_number(text: str, lang: str) -> set[str]:
    """The values an allowed number may have: read as the post's language writes numbers, and as the
    other convention (an author may write `0,5` or `0.5` in YAML)."""
    values = {repr(found[0].value) for found in (read_numbers(text, lang), read_numbers(text, "en" if lang in DECIMAL_COMMA else "fr"))
              if len(found) == 1}
    return values or {text}


def compare_pair(source: Post, translation: Post, source_print: str | None = None,
                 translation_print: str | None = None) -> Compared:
    """Everything but links, memoized (scan.CHECKED) by both versions' fingerprints (given when known)."""
    key = ("pair", source.path, translation.path, source_print or fingerprint(source),
           translation_print or fingerprint(translation))
    return CHECKED.get(key, lambda: _compare(source, translation))


def _compare(a: Post, b: Post) -> Compared:
    skip = ignored(a, b)
    problems: list[Problem] = []
    here, there = b.path, a.path
    pa, pb = split_parts(a.body, a.body_line), split_parts(b.body, b.body_line)
    ha, hb = [p.heading for p in pa if p.heading], [p.heading for p in pb if p.heading]
    aligned = [h.level for h in ha] == [h.level for h in hb] and (pa[0].heading is None) == (pb[0].heading is None)
    if not aligned and "headings" not in skip:
        i = next((i for i, (x, y) in enumerate(zip(ha, hb)) if x.level != y.level), min(len(ha), len(hb)))
        if i < len(hb) and i < len(ha):
            problems.append(warning(here, hb[i].line, f'headings differ from {there}: "{hb[i].title}" (level {hb[i].level}) '
                                                      f'here, "{ha[i].title}" (level {ha[i].level}) at {there}:{ha[i].line}'))
        elif i < len(hb):
            problems.append(warning(here, hb[i].line, f'{len(hb)} headings here, {len(ha)} in {there}: '
                                                      f'"{hb[i].title}" has no counterpart there'))
        else:   # located after the last heading both have
            problems.append(warning(here, hb[i - 1].line if i else b.body_line, f'{len(hb)} headings here, {len(ha)} '
                                    f'in {there}: "{ha[i].title}" at {there}:{ha[i].line} has no counterpart here'))
    pairs = list(zip(zones(a, pa if aligned else None), zones(b, pb if aligned else None)))
    for za, zb in pairs:
        for kind, name in KINDS.items():
            if kind not in skip:
                problems += _count(kind, name, za, zb, here, there)
        if skip.get("numbers", set()) is not None:
            problems += _numbers(za, zb, here, there, skip.get("numbers", set()))
    links = tuple((Links(za.label, za.line, za.links), Links(zb.label, zb.line, zb.links))
                  for za, zb in pairs if za.links or zb.links) if skip.get("links", set()) is not None else ()
    return Compared(tuple(problems), links)


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


def _count(kind: str, name: str, za: Zone, zb: Zone, here: str, there: str) -> list[Problem]:
    la, lb = za.items[kind], zb.items[kind]
    if len(la) == len(lb):
        return []
    where = f"in {zb.label}" + (f" ({za.label} there)" if za.label != zb.label else "")
    plural = lambda n: f"{n} {name}{'s' if n != 1 else ''}"
    if len(lb) > len(la):
        extra = lb[len(la)]
        return [warning(here, extra, f"{plural(len(lb))} {where}, {plural(len(la))} in {there}:{za.line}: "
                                     f"the {_ordinal(len(la) + 1)} one, here, has no counterpart there")]
    return [warning(here, zb.line, f"{plural(len(lb))} {where}, {plural(len(la))} in {there}:{za.line}: "
                                   f"the {_ordinal(len(lb) + 1)} one, at {there}:{la[len(lb)]}, has no counterpart here")]


def _leftovers(mine: tuple, theirs: tuple, value) -> list:
    """The items of `mine` that `theirs` has no counterpart for (multiset difference, in order)."""
    spare = Counter(value(x) for x in theirs)
    out = []
    for item in mine:
        if spare[value(item)] > 0:
            spare[value(item)] -= 1
        else:
            out.append(item)
    return out


def _spelled_out(mine: list[Number], theirs: list[Number], words: frozenset[float]) -> list[Number]:
    """`mine` without the numbers the other version spells out in words (« variance de 1 », "variance
    of one"): as many of each value as it has more of than the other's digits."""
    if not words:
        return mine
    surplus = Counter(n.value for n in mine if n.value in words)
    surplus.subtract(Counter(n.value for n in theirs if n.value in words))
    kept = []
    for n in reversed(mine):
        if surplus[n.value] > 0:
            surplus[n.value] -= 1
        else:
            kept.append(n)
    return kept[::-1]


def _unmatched(a: list[Number], b: list[Number]) -> tuple[list[Number], list[Number]]:
    """The numbers of each side with no counterpart on the other, in order. The sequences are aligned
    by edit distance, so a changed number sits where its original was (a substitution costs less
    than a deletion and an insertion); what is left on both sides is then matched by value (a
    translation may order a sentence differently)."""
    n, m = len(a), len(b)
    cost = [[i + j if i == 0 or j == 0 else 0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        row, above = cost[i], cost[i - 1]
        for j in range(1, m + 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (a[i - 1].value != b[j - 1].value))
    only_a, only_b = [], []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (a[i - 1].value != b[j - 1].value):
            if a[i - 1].value != b[j - 1].value:
                only_a.append(a[i - 1])
                only_b.append(b[j - 1])
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            only_a.append(a[i - 1])
            i -= 1
        else:
            only_b.append(b[j - 1])
            j -= 1
    only_a.reverse()
    only_b.reverse()
    return _leftovers(tuple(only_a), tuple(only_b), lambda x: x.value), _leftovers(tuple(only_b), tuple(only_a), lambda x: x.value)


def _numbers(za: Zone, zb: Zone, here: str, there: str, skip: set[str]) -> list[Problem]:
    a = [n for n in za.numbers if repr(n.value) not in skip]
    b = [n for n in zb.numbers if repr(n.value) not in skip]
    if Counter(n.value for n in a) == Counter(n.value for n in b):
        return []
    a, b = _spelled_out(a, b, zb.words), _spelled_out(b, a, za.words)
    only_a, only_b = _unmatched(a, b)
    problems = [warning(here, nb.line, f"the number {nb.text} here is {na.text} in {there}:{na.line}")
                for nb, na in zip(only_b, only_a)]
    problems += [warning(here, nb.line, f"the number {nb.text} here has no counterpart in {za.label} of {there} "
                                        f"(from line {za.line})") for nb in only_b[len(only_a):]]
    problems += [warning(here, zb.line, f"the number {na.text} at {there}:{na.line} has no counterpart in {zb.label} here")
                 for na in only_a[len(only_b):]]
    return problems


def link_problems(compared: Compared, source: Post, translation: Post, canonical: Callable[[str, Post], str]) -> list[Problem]:
    """Links to different targets, each mapped by `canonical(target, post)` (a post's URL → its group)."""
    skip = ignored(source, translation).get("links", set())
    if skip is None:
        return []
    here, there = translation.path, source.path
    problems = []
    for za, zb in compared.links:
        a = [(l, canonical(l.target, source)) for l in za.links if l.target not in skip]
        b = [(l, canonical(l.target, translation)) for l in zb.links if l.target not in skip]
        only_a = _leftovers(tuple(a), tuple(b), lambda x: x[1])
        only_b = _leftovers(tuple(b), tuple(a), lambda x: x[1])
        problems += [warning(here, lb.line, f"a link to {lb.target} here is a link to {la.target} in {there}:{la.line}")
                     for (lb, _), (la, _) in zip(only_b, only_a)]
        problems += [warning(here, lb.line, f"the link to {lb.target} here has no counterpart in {za.label} of {there}")
                     for lb, _ in only_b[len(only_a):]]
        problems += [warning(here, zb.line, f"the link to {la.target} at {there}:{la.line} has no counterpart in {zb.label} here")
                     for la, _ in only_a[len(only_b):]]
    return problems
