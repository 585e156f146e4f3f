"""The theme's math font cut down to what the site's formulas draw, at build time.

A math font file in static/ (one with an OpenType MATH table: the theme's subsets of Latin Modern
Math, tools/subset_math_font.py) holds every character technical writing might use: 35 KB for
the file every page with math loads. A site draws far fewer: the build writes each such file
holding only the characters of its formulas (markup.math_characters, recorded with each rendered
body, so an edit reads no other page), with everything the MATH table reaches from them: the
size variants and assembly parts of its delimiters, roots and big operators (fontTools keeps
them). Same file name, same @font-face rules: their unicode-range stays a superset, which only
decides which file a page fetches. The cut is memoized by the font's bytes and the character set
(.cache/math-fonts.pickle): a rebuild whose formulas use no new character redoes nothing, and the
same input gives the same bytes.
"""
from __future__ import annotations

import io

from ..execution import digest, installed_versions
from ..memo import Memo

FONT_EXTENSIONS = (".woff2", ".otf", ".ttf")
CUTS = Memo(track=True)   # (digest of the font, characters) → its cut, or None: not a math font


def cuts_version() -> str:
    """What the memo's entries depend on besides their key: this module's options, fontTools and Brotli."""
    return "/".join(["2", *installed_versions(("fonttools", "brotli")).values()])


def cut_math_fonts(files: dict[str, bytes], characters: str) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The math fonts among `files` (path → bytes) cut to `characters` (path → new bytes), and
    (path, reason) for each font that could not be read (left as it is)."""
    cut, failures = {}, []
    for path, data in files.items():
        if not path.endswith(FONT_EXTENSIONS):
            continue
        key = (digest(data), characters)
        try:
            result = CUTS.get(key, lambda data=data: cut_math_font(data, characters))
        except Exception as exc:   # fontTools raises many types for a damaged or foreign file
            failures.append((path, f"cannot read this font to cut it to the site's formulas: {type(exc).__name__}: {exc}"))
            continue
        if result is not None:
            cut[path] = result
    return cut, failures


def cut_math_font(data: bytes, characters: str) -> bytes | None:
    """Pure: the font (WOFF2, OTF or TTF bytes) holding only `characters` and what its MATH table
    draws them with, in the same format; None when it has no MATH table (not a math font)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)   # its INFO lines are per-table chatter

    # no timestamp: the same bytes every time; the bounding boxes of the whole font (a cut's are within
    # them, and measuring every outline is half the time of a cut)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=False)
    if "MATH" not in font:
        return None
    options = subset.Options()
    options.flavor = font.flavor
    options.layout_features = []        # as tools/subset_math_font.py made it: Chromium needs no GSUB here
    options.name_IDs, options.name_languages, options.name_legacy = ["*"], ["*"], True   # its names and licence
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    cmap = font.getBestCmap()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(cp for cp in map(ord, characters) if cp in cmap))
    subsetter.subset(font)   # the MATH table's variants and assembly parts of kept glyphs stay
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
