"""Jekyll's naming rules, written once: `Utils.slugify` and its modes, the permalink styles, and the
file extensions Jekyll reads as Markdown. Liquid's `slugify` filter, post slugs in any script,
URLs (sitegen/site/pages.py) and `import` all use these.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Jekyll's default `markdown_ext`: the extensions it converts as Markdown
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkdn", ".mkd", ".mdown", ".text")

# Jekyll 4.3 Configuration::STYLE_TO_PERMALINK
PERMALINK_STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
# the tokens of a permalink: Jekyll's, plus this project's :lang and :slug (sitegen/site/urls.py fills them)
PERMALINK_TOKENS = (
    "year", "month", "day", "hour", "minute", "second", "i_day", "i_month", "short_month", "long_month",
    "short_year", "w_year", "week", "w_day", "short_day", "long_day", "y_day", "lang", "slug", "title",
    "name", "basename", "output_ext", "categories", "slugified_categories")
PERMALINK_TOKEN = re.compile(r":([a-z_]+)")
SLUGIFY_MODES = ("raw", "default", "pretty", "ascii", "latin")
PRETTY_KEPT = frozenset("._~!$&'()+,;=@")
# letters NFKD does not decompose into ASCII (I18n.transliterate's table has them too)
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d"}


def permalink_pattern(value: str) -> str:
    """A permalink as written in front matter or configuration → the pattern (styles expanded)."""
    return PERMALINK_STYLES.get(value, value)


def unknown_tokens(pattern: str) -> list[str]:
    """Tokens of a permalink no post can fill (as Jekyll does, `:month_` may be `:month` then `_`)."""
    return [f":{name}" for name in PERMALINK_TOKEN.findall(permalink_pattern(pattern))
            if name not in PERMALINK_TOKENS and name.rstrip("_") not in PERMALINK_TOKENS]


def _kept(char: str, mode: str) -> bool:
    if mode == "raw":
        return not char.isspace()
    if mode == "ascii":
        return char.isascii() and char.isalnum()
    category = unicodedata.category(char)
    if category[0] in "LM" or category == "Nd":
        return True
    return mode == "pretty" and char in PRETTY_KEPT


def transliterate(text: str, unknown: str = "?") -> str:
    """Latin letters without their accents; any other letter becomes `unknown` (I18n.transliterate)."""
    for letter, spelled in LIGATURES.items():
        text = text.replace(letter, spelled)
    out = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif unicodedata.category(char)[0] != "M":
            out.append(unknown)
    return "".join(out)


@lru_cache(maxsize=8192)
def jekyll_slugify(text: str, mode: str | None = "default", cased: bool = False) -> str:
    """Jekyll's `Utils.slugify`: every run of characters the mode does not keep becomes one `-`.
    default: Unicode letters, marks and digits are kept (`Phase d'entraînement` → phase-d-entraînement);
    pretty: also `._~!$&'()+,;=@`; ascii: only A-Z a-z 0-9; raw: only whitespace is replaced;
    latin: accents dropped first. Lowercased unless `cased`; an unknown mode changes nothing else."""
    mode = mode or "default"
    if mode not in SLUGIFY_MODES:
        return text if cased else text.lower()
    if mode == "latin":
        text = transliterate(text)
        mode = "default"
    out, gap = [], False
    for char in text:
        if _kept(char, mode):
            out.append(char)
            gap = False
        elif not gap:
            out.append("-")
            gap = True
    slug = re.sub(r"^-|-$", "", "".join(out))
    return slug if cased else slug.lower()
