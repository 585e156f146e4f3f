"""The committed math font (tools/subset_math_font.py): an OpenType MATH font, renamed as its
licence asks, holding what formulas need, split so that common formulas fetch one small file."""
from __future__ import annotations

import re
import sys

from fontTools.ttLib import TTFont

from sites import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import subset_math_font as script  # noqa: E402

FONTS = ROOT / "static" / "fonts"


def cmap(name: str) -> set[int]:
    return set(TTFont(str(FONTS / name)).getBestCmap())


def test_core_file_is_a_renamed_math_font_under_36_kb():
    font = TTFont(str(FONTS / "sitegen-math.woff2"))
    assert font.flavor == "woff2" and "MATH" in font
    assert font["name"].getDebugName(1) == "Sitegen Math"              # the GUST Font License's request
    assert (FONTS / "sitegen-math.woff2").stat().st_size < 36 * 1024
    assert (FONTS / "GUST-FONT-LICENSE.txt").is_file()


def test_core_file_holds_what_formulas_use_and_what_stretches():
    core = cmap("sitegen-math.woff2")
    # all asked for, but for code points Unicode leaves empty (𝐵 is ℬ, 𝘩 is ℎ) and invisible operators
    holes = {0x1D455, 0x1D49D, 0x1D4A0, 0x1D4A1, 0x1D4A3, 0x1D4A4, 0x1D4A7, 0x1D4A8, 0x1D4AD, 0x2061, 0x2062, 0x2063, 0x2064}
    assert script.CORE - core <= holes, sorted(hex(c) for c in script.CORE - core - holes)
    for text in ("𝑥𝑦𝑧𝛼𝛽𝛾𝜎𝜇ℎ", "()[]{}|‖√∑∫←→", "ΣΓΔ", "ℒℬ𝒩", "∂∇±×·≤≥≈∈"):
        assert {ord(c) for c in text} <= core, text
    # stretchy delimiters keep size variants and an assembly in the MATH table
    font = TTFont(str(FONTS / "sitegen-math.woff2"))
    variants = font["MATH"].table.MathVariants
    paren = font.getBestCmap()[ord("(")]
    construction = variants.VertGlyphConstruction[variants.VertGlyphCoverage.glyphs.index(paren)]
    assert len(construction.MathGlyphVariantRecord) == script.VARIANTS and construction.GlyphAssembly is not None


def test_the_css_sends_each_character_to_one_file_that_has_it():
    css = (ROOT / "static/css/site.css").read_text(encoding="utf-8")
    faces = dict(re.findall(r'url\("\.\./fonts/([\w-]+\.woff2)"\)[^}]*unicode-range: ([^;]+);', css))
    assert list(faces) == ["sitegen-math.woff2", "sitegen-math-extra.woff2"]
    ranges = {}
    for name, spans in faces.items():
        covered = set()
        for span in spans.split(","):
            low, _, high = span.strip()[2:].partition("-")
            covered.update(range(int(low, 16), int(high or low, 16) + 1))
        assert covered <= cmap(name), name
        ranges[name] = covered
    core, extra = ranges.values()
    assert not core & extra and 0x20 in core          # the space: the core file is the primary font
    assert {ord(c) for c in "𝐱𝔸𝒂αβθ⨁"} <= extra          # bold, double-struck, upright Greek, rare operators
