"""URLs: permalinks as Jekyll expands them, output paths, term and home URLs, redirect pages.

A permalink pattern's tokens are Jekyll's (`:year`, `:title`, `:categories`, `:output_ext`…) plus
`:lang` and this project's `:slug`; each value is escaped as Jekyll escapes it (a slug in Hangul
is percent-encoded), the literal parts are kept, and the result is cleaned as Jekyll cleans it
(one leading `/`, no `..`, no `//`). A URL keeps its percent-encoding; its output path is decoded.
"""
from __future__ import annotations

import html
import posixpath
import re
from datetime import datetime, timezone
from urllib.parse import quote, unquote

from ..errors import Problem, error
from ..sources import Post, SiteConfig, jekyll_slugify, permalink_pattern, slugify

# characters Jekyll's URL.escape_path (Addressable::URI.encode) leaves as they are
PATH_SAFE = "/!$&'()*+,;=:@-._~"
SLASH_TOKEN = re.compile(r"(/?):([a-z_]+)")
POST_FILE = re.compile(r"^\d{2,4}-\d{1,2}-\d{1,2}-(.*)$")


DATE_TOKENS = {
    "year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "minute": "%M", "second": "%S", "long_month": "%B",
    "short_year": "%y", "w_year": "%G", "week": "%V", "w_day": "%u", "long_day": "%A", "y_day": "%j",
}


def _token(name: str, post: Post) -> str | None:
    """One token's value for `post`, not yet escaped (None: not a token). Computed only for the
    tokens a pattern holds: a build expands every post's permalink."""
    if name in DATE_TOKENS or name in ("i_day", "i_month", "short_month", "short_day"):
        when = post.date or datetime(1970, 1, 1, tzinfo=timezone.utc)
        if name == "i_day":
            return str(when.day)
        if name == "i_month":
            return str(when.month)
        if name in ("short_month", "short_day"):
            return when.strftime("%b" if name == "short_month" else "%a").upper()
        return when.strftime(DATE_TOKENS[name])
    if name == "lang":
        return post.lang
    if name == "slug":
        return post.slug
    if name == "title":
        return jekyll_slugify(post.front.slug or file_slug(post), "pretty", cased=True)
    if name == "name":
        return jekyll_slugify(post.stem)
    if name == "basename":
        return post.stem
    if name == "output_ext":
        return ".html"
    if name == "categories":
        return "/".join(dict.fromkeys(c.lower() for c in post.front.categories))
    if name == "slugified_categories":
        return "/".join(dict.fromkeys(jekyll_slugify(c) for c in post.front.categories))
    return None


def file_slug(post: Post) -> str:
    """The name's slug as written (`2021-04-05-My_Post.md` → My_Post), as Jekyll's :title reads it."""
    stem = post.stem
    m = POST_FILE.match(stem) if post.is_post else None
    return (m.group(1) if m else stem).rstrip(".")


def _escape(value: str) -> str:
    if not value or re.fullmatch(r"[a-zA-Z0-9./-]+", value):
        return value
    return quote(value, safe=PATH_SAFE)


def expand_permalink(pattern: str, post: Post, styles: bool = True) -> str:
    """The URL of `post` by `pattern` (a style name too, unless `styles` is False: in front matter
    Jekyll reads `permalink: pretty` as the path /pretty). A token with no value takes the `/`
    before it away (no categories: `/:categories/x/` → `/x/`); a relative pattern gets its leading
    `/`. Whatever else the author wrote (`..`, `//`) stays, for the output check to refuse at the
    `permalink:` line rather than be guessed at."""
    def fill(m: re.Match) -> str:
        slash, name = m.group(1), m.group(2)
        value = _token(name, post)
        if value is None and _token(name.rstrip("_"), post) is not None:   # `:month_:day` is :month, _, :day
            return slash + _escape(_token(name.rstrip("_"), post)) + "_" * (len(name) - len(name.rstrip("_")))
        if value is None:
            return m.group(0)
        ends_segment = text[m.end():m.end() + 1] in ("", "/")
        return "" if value == "" and slash and ends_segment else slash + _escape(value)

    text = permalink_pattern(pattern) if styles else pattern
    return clean_url(SLASH_TOKEN.sub(fill, text))


def clean_url(url: str) -> str:
    """One leading `/` (Jekyll reads `my_category/post` as `/my_category/post`)."""
    return url if url.startswith("/") else "/" + url


def post_output_ext(post: Post) -> str:
    """Jekyll's Renderer#output_ext: the extension of a front matter permalink that has one
    (`permalink: /feed.xml` writes feed.xml), else .html (`/:title` writes Title.html)."""
    raw = post.front.permalink
    if raw and not raw.endswith("/"):
        ext = posixpath.splitext(raw)[1]
        if ext and ":" not in ext:
            return ext
    return ".html"


def url_of(post: Post, config: SiteConfig) -> str:
    if post.front.permalink:
        return expand_permalink(post.front.permalink, post, styles=False)
    return expand_permalink(config.permalink if post.is_post else config.page_permalink, post)


def output_path(url: str, ext: str = ".html") -> str:
    """/fr/x/ → fr/x/index.html; /x → x.html (Jekyll adds the output extension); /feed.xml with
    ext .xml → feed.xml. Percent-encoded URLs give decoded paths (/%ED%95%9C/ → 한/index.html)."""
    path = unquote(url).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path if path.endswith(ext) else path + ext


def output_ext(template: str) -> str:
    """The extension of what a template makes: feed.xml → .xml; post → .html."""
    return "." + template.rsplit(".", 1)[1] if "." in template else ".html"


def home_url(lang: str) -> str:
    return f"/{lang}/"


def term_slug(name: str) -> str:
    """The URL slug of a category or tag: transliterated, else in its own script, else `x`."""
    return slugify(name) or jekyll_slugify(name) or "x"


def term_url(lang: str, kind: str, name: str) -> str:
    return f"/{lang}/{kind}/{_escape(term_slug(name))}/"


def redirect_html(target: str) -> bytes:
    """A page that sends readers and crawlers to `target` (absolute URL) without JavaScript, as
    jekyll-redirect-from writes it: meta refresh, canonical link, and a link to follow."""
    to = html.escape(target, quote=True)
    return (f'<!DOCTYPE html>\n<html lang="en-US">\n<meta charset="utf-8">\n<title>Redirecting&hellip;</title>\n'
            f'<link rel="canonical" href="{to}">\n<meta http-equiv="refresh" content="0; url={to}">\n'
            f'<meta name="robots" content="noindex">\n<h1>Redirecting&hellip;</h1>\n'
            f'<a href="{to}">Click here if you are not redirected.</a>\n</html>\n').encode("utf-8")


def redirects(post: Post, url: str, config: SiteConfig) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """`redirect_from:` (one path or a list, as jekyll-redirect-from reads it) → (output path, redirect
    page to the post's absolute URL) for each old path."""
    value = post.front.extra.get("redirect_from")
    if value is None:
        return [], []
    olds = [value] if isinstance(value, str) else value
    if not isinstance(olds, list) or not all(isinstance(old, str) and old.strip() for old in olds):
        return [], [error(post.path, post.line_of("redirect_from"),
                          f"`redirect_from`: expected a path or a list of paths, got {value!r}")]
    page = redirect_html(config.absolute(url))
    return [(output_path(clean_url(old.strip())), page) for old in olds], []
