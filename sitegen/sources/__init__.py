"""The sources stage: the project's files in, typed records out.

Takes site.yaml, content/ (posts and pages: Jekyll file names, YAML front matter), i18n/ and the
Liquid in the text; reads every input file once (regular files inside the project; text without
a BOM, LF line ends); gives SiteConfig, Post records (Source + front matter + body), the UI Strings
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
    slugify,
    split_front_matter,
)
from .inputs import decode_text, read_inputs
from .liquid import LiquidContext, render_liquid, split_fences
from .strings import Strings, load_strings
from .yamltext import YAML_VERSION

__all__ = [
    "FRONT_MATTER", "LiquidContext", "Post", "SiteConfig", "Strings", "Tolerance", "YAML_VERSION",
    "decode_text", "discover", "is_visible", "load_config", "load_strings", "parse_remembered",
    "parse_source", "read_inputs", "render_liquid", "slugify", "split_fences", "split_front_matter"
]
