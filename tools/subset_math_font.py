"""Make the theme's math font: a subset of Latin Modern Math (Debian's fonts-lmodern) as WOFF2.

    apt-get install -y fonts-lmodern
    python tools/subset_math_font.py            # writes static/fonts/sitegen-math.woff2 and its licence

Chromium lays MathML out with the OpenType MATH table of the first font of `math`'s font-family;
without one it falls back to a text font (cramped limits, brackets that do not stretch). The whole
font is 700 KB; pages load this subset (the characters of technical writing: Latin, Greek, the
mathematical italic, bold, script and double-struck letters MathML uses, common operators, arrows
and delimiters) with every glyph the MATH table reaches from them (size variants and the parts that
stretchy brackets, roots and arrows are assembled from). The GUST Font License asks derived fonts
to change their names: the subset is named "Sitegen Math". Run it again to change the character
set; tests/markup/test_math_font.py checks the committed file. These files are what a site may
draw; each build cuts them again to what its formulas do draw (sitegen/output/fonts.py), from these
files, since Latin Modern's OTF is not installed where sites are built.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

SOURCE = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
LICENCE = Path("/usr/share/texmf/doc/fonts/lm-math/GUST-FONT-LICENSE.txt")
REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "static" / "fonts"
FAMILY = "Sitegen Math"


def ranges(*spans: tuple[int, int] | int) -> set[int]:
    out: set[int] = set()
    for span in spans:
        low, high = span if isinstance(span, tuple) else (span, span)
        out.update(range(low, high + 1))
    return out


# What MathML from LaTeX shows: Chromium turns a one-letter <mi> into its mathematical italic
# (U+1D44E…), \boldsymbol becomes bold italic, \mathcal script, \mathbb double-struck.
CHARACTERS = ranges(
    (0x20, 0x7E), 0xA0, 0xAC, 0xAF, 0xB0, 0xB1, 0xB7, 0xD7, 0xF7,   # ASCII, ¬ ¯ ° ± · × ÷
    0x131, 0x237, (0x2C6, 0x2C7), (0x2D8, 0x2DC),                    # dotless i j, accents
    (0x300, 0x308), 0x30A, 0x30C, 0x338,                             # combining accents, negation slash
    (0x391, 0x3A9), (0x3B1, 0x3C9), 0x3D1, 0x3D5, 0x3D6, 0x3F0, 0x3F1, 0x3F5,   # Greek
    (0x2016, 0x2016), (0x2020, 0x2021), 0x2026, (0x2032, 0x2037), 0x2057,   # ‖ † ‡ … primes
    (0x2061, 0x2064),                                                # invisible operators
    0x20D7, 0x20E1,                                                  # combining arrows (\vec)
    0x2102, 0x210E, 0x210F, (0x2110, 0x2113), 0x2115, 0x2118, 0x2119, 0x211A, (0x211B, 0x211D),
    0x2124, 0x212C, 0x2130, 0x2131, 0x2133, 0x2135,                  # letterlike: ℝ ℕ ℓ ℬ ℒ …
    (0x2190, 0x2199), 0x21A6, (0x21BC, 0x21C0), (0x21D0, 0x21D5),    # arrows
    (0x2200, 0x22FF),                                                # mathematical operators
    (0x2308, 0x230B), (0x23B4, 0x23B5), (0x23DC, 0x23E1),            # ceil, floor, over/under braces
    (0x27E8, 0x27E9), (0x27E6, 0x27E7), (0x27F5, 0x27FA),            # ⟨ ⟩ ⟦ ⟧ long arrows
    0x2A00, 0x2A01, 0x2A02, 0x2A04, 0x2A06, 0x2A0C, 0x2A2F,          # big ⊙ ⊕ ⊗, ⨯
    (0x1D400, 0x1D433),                                              # bold
    (0x1D434, 0x1D467),                                              # italic (h is U+210E)
    (0x1D468, 0x1D49B),                                              # bold italic
    (0x1D49C, 0x1D4B5),                                              # script capitals
    (0x1D538, 0x1D551),                                              # double-struck capitals
    (0x1D6A8, 0x1D6E1),                                              # bold Greek
    (0x1D6E2, 0x1D71B),                                              # italic Greek
    (0x1D71C, 0x1D755),                                              # bold italic Greek
    (0x1D7CE, 0x1D7E1),                                              # bold and double-struck digits
)


# Chromium stretches operators with the MATH table of the first font whose unicode-range holds the
# space, so that file (core) holds the letters every formula uses and everything that stretches or
# grows: delimiters, radicals, big operators, arrows, accents. The rest (bold, script, double-struck
# letters, upright Greek, the other operators) is a second file the browser fetches only for a page
# that uses one of its characters.
# (rarer big operators, ⋃ ⨁ …, and the over/under braces keep one size: 1.4 KB for ⏞⏟ alone)
STRETCHY = set(map(ord, "()[]{}|/\\‖⟨⟩⌈⌉⌊⌋√∑∏∫∮←→⇐⇒^~¯ˆ˜"))
COMMON = set(map(ord, "∀∂∃∅∇∈∉∋−∓∗∘∙∝∞∣∥∧∨∩∪∼≃≅≈≠≡≤≥≪≫⊂⊃⊆⊇⊕⊗⊙⊤⊥⋅⋯⋮⋱…′″‴ℓℝℕℤℚℂℎ±×÷·¬°"
                          "ΓΔΘΛΞΠΣΥΦΨΩ"     # upright capitals: math.py keeps \Sigma upright, as LaTeX does
                          "ℬℰℱℋℐℒℳℛ"))      # \mathcal letters that live outside the script block
# Chromium picks the file by the characters as written, not by the italic ones it draws (<mi>θ</mi>
# is drawn as 𝜃 but fetches the file holding θ): math.py writes one-letter <mi> in italic already,
# so upright Greek stays out of the core (3.6 KB).
CORE = ranges((0x20, 0x7E), 0xA0, (0x2C6, 0x2C7), (0x2D8, 0x2DC), (0x2061, 0x2064),
              (0x1D434, 0x1D467), (0x1D6FB, 0x1D71B),   # italic Latin, italic Greek lower case and ∇
              (0x1D49C, 0x1D4B5)) | STRETCHY | COMMON   # script capitals (\mathcal: ℒ, 𝒩, ℬ in ML texts)
# LaTeX's \big … \Bigg are a delimiter's first sizes; past them Chromium builds the glyph from its
# parts, as TeX does. Latin Modern has up to eight sizes: keeping four saves ~7 KB. Arrows keep one
# width (they stretch only under \xrightarrow and the like): 0.8 KB.
VARIANTS = 4
ARROWS = set(map(ord, "←→⇐⇒"))


def subset(source: Path, target: Path, characters: set[int]) -> str:
    """Write the subset of `source` holding `characters`; return its CSS unicode-range."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.flavor = "woff2"
    # no 'ssty' (script-size glyph forms, doubling the size): Chromium scales script levels itself
    options.layout_features = []
    options.hinting = False                      # browsers rasterize CFF outlines without hints
    options.desubroutinize = True                # smaller once compressed by WOFF2's Brotli
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 16, 17]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = TTFont(str(source), recalcTimestamp=False)   # the same bytes on every run
    variants = font["MATH"].table.MathVariants
    for construction in list(variants.VertGlyphConstruction) + list(variants.HorizGlyphConstruction):
        if len(construction.MathGlyphVariantRecord) > VARIANTS:
            del construction.MathGlyphVariantRecord[VARIANTS:]
            construction.VariantCount = VARIANTS
    cmap = font.getBestCmap()
    horizontal = variants.HorizGlyphCoverage
    for index, glyph in reversed(list(enumerate(horizontal.glyphs))):
        if any(cmap.get(cp) == glyph for cp in ARROWS):
            del horizontal.glyphs[index], variants.HorizGlyphConstruction[index]
    variants.HorizGlyphCount = len(variants.HorizGlyphConstruction)
    kept = sorted(characters & set(font.getBestCmap()))
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)   # the MATH table's variants and assemblies join the closure
    rename(font["name"])
    target.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(target))
    return unicode_range(kept)


def unicode_range(code_points: list[int]) -> str:
    spans: list[list[int]] = []
    for cp in code_points:
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def rename(names) -> None:
    """The GUST Font License's request: a derived font under a new name."""
    postscript = FAMILY.replace(" ", "") + "-Regular"
    for record in names.names:
        text = {1: FAMILY, 4: f"{FAMILY} Regular", 6: postscript, 16: FAMILY,
                3: f"{postscript}; subset of Latin Modern Math 1.959"}.get(record.nameID)
        if text is not None:
            record.string = text


FACE = """@font-face {{ font-family: "{family}"; src: url("../fonts/{name}") format("woff2"); font-display: swap;
  unicode-range: {range}; }}"""
BEGIN, END = "/* math font: begin (written by tools/subset_math_font.py) */", "/* math font: end */"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="latinmodern-math.otf (fonts-lmodern)")
    args = parser.parse_args()
    if not args.source.is_file():
        raise SystemExit(f"{args.source} is missing: apt-get install -y fonts-lmodern")
    faces = []
    for name, characters in (("sitegen-math.woff2", CORE), ("sitegen-math-extra.woff2", CHARACTERS - CORE)):
        target = OUT / name
        faces.append(FACE.format(family=FAMILY, name=name, range=subset(args.source, target, characters)))
        print(f"wrote {target.relative_to(REPO)} ({target.stat().st_size:,} bytes)")
    shutil.copyfile(LICENCE, OUT / "GUST-FONT-LICENSE.txt")
    css = REPO / "static" / "css" / "site.css"
    text = css.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    css.write_text(head + BEGIN + "\n" + "\n".join(faces) + "\n" + END + (tail if rest else "\n"), encoding="utf-8")
    print(f"wrote the @font-face rules into {css.relative_to(REPO)}")


if __name__ == "__main__":
    main()
