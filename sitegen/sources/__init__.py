"""The sources stage: the project's files in, typed records out.

Takes site.yaml, content/ (posts and pages: Jekyll file names, YAML front matter), i18n/ and the
Liquid in the text; reads every input file once (regular files inside the project; text without
a BOM, LF line ends); gives SiteConfig, Post records (Source + front matter + body), the UI Strings
of each language, and Jekyll's Liquid rendered into Markdown text; for `import`, a Jekyll site's
settings, front matter and URLs as this project reads them; when each content file last changed
in the project's git history.
"""
from .config import SiteConfig, Tolerance, load_config, parse_config
from .content import (
    FRONT_MATTER,
    POST_NAME,
    Post,
    Source,
    TranslatedFrom,
    discover,
    is_visible,
    parse_date,
    parse_remembered,
    parse_source,
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
from .jekyll_site import (
    CONFIG_KEYS,
    JekyllSite,
    author_name,
    config_notes,
    defaults_for,
    edit_front_matter,
    front_data,
    has_front_matter,
    jekyll_page_url,
    jekyll_site,
    list_page_for,
    own_urls,
    quote_unknown_tags,
    read_config,
    site_yaml,
)
from .liquid import LIQUID, LIQUID_USED, LIQUID_VERSION, LinkTable, LiquidContext, link_table, liquid_context, render_liquid
from .liquid_text import split_fences
from .inputs import decode_text, read_inputs
from .history import last_commits
from .strings import Strings, load_strings
from .yamltext import YAML_VERSION

__all__ = [
    "FRONT_MATTER", "YAML_VERSION", "decode_text", "JekyllSite", "LIQUID", "LIQUID_USED", "LIQUID_VERSION", "LinkTable", "LiquidContext", "MARKDOWN_EXTENSIONS", "PERMALINK_STYLES", "PERMALINK_TOKEN",
    "discover", "is_visible", "last_commits", "parse_date", "PERMALINK_TOKENS", "Post", "POST_NAME", "SiteConfig", "Source", "Strings", "Tolerance", "TranslatedFrom",
    "jekyll_slugify", "link_table", "liquid_context", "load_config", "load_strings", "parse_config",
    "parse_remembered", "parse_source", "permalink_pattern", "read_inputs", "render_liquid", "slugify",
    "split_fences", "split_front_matter", "unknown_tokens",
    # import: a Jekyll site's settings and files (jekyll_site.py)
    "author_name", "CONFIG_KEYS", "config_notes", "defaults_for", "edit_front_matter", "front_data", "has_front_matter",
    "jekyll_page_url", "jekyll_site", "list_page_for", "own_urls", "quote_unknown_tags", "read_config", "site_yaml",
]
