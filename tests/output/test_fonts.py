"""The theme's math font cut to the site's formulas: what stays (the characters, their MATH
variants and assembly parts), what goes, the same bytes each time, fonts left alone."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from sitegen.output import CUTS, cut_math_fonts
from sitegen.output.fonts import cut_math_font

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"
CORE = (FONTS / "sitegen-math.woff2").read_bytes()


def opened(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def characters(font: TTFont) -> set[int]:
    return set(font.getBestCmap() or {})   # an empty cut has no Unicode cmap subtable


def vertical_variants(font: TTFont, char: str) -> tuple[list[str], list[str]]:
    """(size variants, assembly parts) the MATH table gives `char`'s glyph for growing vertically."""
    variants = font["MATH"].table.MathVariants
    glyph = font.getBestCmap()[ord(char)]
    construction = variants.VertGlyphConstruction[variants.VertGlyphCoverage.glyphs.index(glyph)]
    assembly = construction.GlyphAssembly
    return ([r.VariantGlyph for r in construction.MathGlyphVariantRecord],
            [p.glyph for p in assembly.PartRecords] if assembly else [])


def test_the_cut_holds_the_characters_and_what_stretches_them():
    full = opened(CORE)
    cut = opened(cut_math_font(CORE, " (=)\U0001D465"))   # ( = ) 𝑥
    assert cut.flavor == "woff2" and "MATH" in cut
    assert set(cut.getBestCmap()) == {ord(c) for c in " (=)\U0001D465"}
    assert vertical_variants(cut, "(") == vertical_variants(full, "(")   # \big( … and the tall ( built from parts
    assert len(vertical_variants(cut, "(")[1]) == 3
    assert cut["name"].getDebugName(1) == "Sitegen Math"                 # the licence's new name kept
    assert len(cut_math_font(CORE, " (=)\U0001D465")) < len(CORE) / 5


def test_characters_the_font_lacks_are_ignored_and_none_is_an_empty_font():
    cut = opened(cut_math_font(CORE, " a\u4e2d"))   # 中 is in no math font of ours
    assert set(cut.getBestCmap()) == {ord(" "), ord("a")}
    assert characters(opened(cut_math_font(CORE, ""))) == set()   # a site without math: an empty font


def test_the_same_characters_give_the_same_bytes():
    assert cut_math_font(CORE, " +\u2211") == cut_math_font(CORE, " +\u2211")


def test_a_font_without_math_table_is_left_alone():
    font = opened(CORE)
    del font["MATH"]
    plain = io.BytesIO()
    font.save(plain)
    assert cut_math_font(plain.getvalue(), " a") is None
    cut, failures = cut_math_fonts({"static/fonts/text.woff2": plain.getvalue(), "static/css/site.css": b"x"}, " a")
    assert cut == {} and failures == []


def test_a_damaged_font_is_named_and_left_as_it_is():
    CUTS.table.clear()
    cut, failures = cut_math_fonts({"static/fonts/sitegen-math.woff2": CORE[:2000],
                                    "static/fonts/other.otf": b"not a font"}, " a")
    assert cut == {}
    assert [path for path, _ in failures] == ["static/fonts/sitegen-math.woff2", "static/fonts/other.otf"]
    assert all("cannot read this font" in message for _, message in failures)


@pytest.mark.parametrize("characters", [" a", " b"])
def test_cuts_are_memoized_by_font_and_characters(monkeypatch, characters):
    CUTS.table.clear()
    calls = []
    monkeypatch.setattr("sitegen.output.fonts.cut_math_font", lambda data, chars: calls.append(chars) or b"cut")
    files = {"static/fonts/sitegen-math.woff2": CORE}
    assert cut_math_fonts(files, characters)[0] == {"static/fonts/sitegen-math.woff2": b"cut"}
    cut_math_fonts(files, characters)
    cut_math_fonts(files, characters + "c")
    assert calls == [characters, characters + "c"]


def test_a_build_cuts_the_font_to_its_formulas_and_again_only_when_they_change(tmp_path, monkeypatch):
    from sitegen.build import build
    from sites import make_site

    site = make_site("math", tmp_path)
    build(site)
    core, extra = (opened((site / "_site" / "fonts" / name).read_bytes()) for name in ("sitegen-math.woff2", "sitegen-math-extra.woff2"))
    drawn = characters(core) | characters(extra)
    assert {ord(c) for c in " (|∑\U0001D453\U0001D465"} <= drawn          # ( | ∑ 𝑓 𝑥 of the fixture's formulas
    assert ord("\u2135") not in drawn and len(drawn) < len(opened(CORE).getBestCmap()) / 3
    calls = []
    original = cut_math_font
    monkeypatch.setattr("sitegen.output.fonts.cut_math_font", lambda data, chars: calls.append(chars) or original(data, chars))
    CUTS.table.clear()   # as a new process: what it knows is in .cache
    post = site / "content" / "posts" / "fr" / "2024-01-01-formules.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase de plus, et $x + 1$.\n", encoding="utf-8")
    build(site)
    assert calls == []   # the same characters: the cut of the last build
    post.write_text(post.read_text(encoding="utf-8") + "\nEt $\\aleph_0$.\n", encoding="utf-8")
    build(site)
    assert len(calls) == 2   # both files of the theme's math font, once each
    extra = opened((site / "_site" / "fonts" / "sitegen-math-extra.woff2").read_bytes())
    assert ord("\u2135") in characters(extra)
