"""The sources stage: the project's files in, typed records out.

Takes site.yaml, content/ (posts and pages: Jekyll file names, YAML front matter), i18n/ and the
Liquid in the text; gives SiteConfig, Post records (Source + front matter + body), the UI Strings
of each language, and the Liquid subset rendered into Markdown text.
"""
from .config import SiteConfig, Tolerance, load_config
from .content import (
    FRONT_MATTER,
    Post,
    discover,
    is_visible,
    parse_remembered,
    parse_source,
    read_inputs,
    slugify,
    split_front_matter,
)
from .jekyll import (
    MARKDOWN_EXTENSIONS,
    PERMALINK_STYLES,
    PERMALINK_TOKEN,
    PERMALINK_TOKENS,
    jekyll_slugify,
    permalink_pattern,
    unknown_tokens,
)
from .liquid import LinkTable, LiquidContext, link_table, liquid_context, render_liquid
from .liquid_text import split_fences
from .strings import Strings, load_strings

__all__ = [
    "FRONT_MATTER", "LinkTable", "LiquidContext", "MARKDOWN_EXTENSIONS", "PERMALINK_STYLES", "PERMALINK_TOKEN", "PERMALINK_TOKENS",
    "jekyll_slugify", "unknown_tokens",
    "link_table", "liquid_context", "permalink_pattern", "Post", "SiteConfig", "Strings", "Tolerance", "discover",
    "is_visible", "load_config", "load_strings", "parse_remembered", "parse_source", "read_inputs",
    "render_liquid", "slugify", "split_fences", "split_front_matter"
]
