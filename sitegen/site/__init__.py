"""The site stage: posts in, page records out.

Takes posts, their rendered bodies and the configuration; gives every Page the site has (posts,
pages, homes, taxonomies, archive, feeds, sitemap, 404) with its URL, its template and the view
objects its template reads; groups translations and formats dates per language; says what each
page is to search engines, social cards and feeds (metadata); indexes the site for search. Keeps
translations in step: each translation's drift from the revision of its source it names, the store
of past revisions, and the parity checks between the versions of a post.
"""
from .i18n import DATES, format_date, translation_groups
from .metadata import absolute_html, citation, json_ld, modified_dates, page_title
from .pages import (
    BODIES_READ,
    Download,
    Page,
    build_pages,
    known_layouts,
    make_view,
    merge_terms,
    sitemap_page,
    with_stale_notices,
)
from .search import Shard, index_shards, language_index, plan_shards, recorded_shards, shard_of_file
from .urls import expand_permalink, output_ext, output_path, post_output_ext, redirect_html, redirects, url_of

# The translation checks (drift, parity, the store of past revisions) load on first use: a build
# with nothing to do never needs them, and importing them is ~5 ms of such a build.
LAZY = {"CHECKED": "scan", "checks_version": "scan", "RevisionStore": "revstore", **{name: "translations" for name in (
    "Change", "Revision", "TranslationReport", "Tracked", "check_translations", "compare", "cut",
    "link_targets", "revision_of", "summary", "sync_hint")}}


def __getattr__(name: str):
    if name not in LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = globals()[name] = getattr(import_module(f"{__name__}.{LAZY[name]}"), name)
    return value


__all__ = [
    "absolute_html", "BODIES_READ", "build_pages", "Change", "check_translations", "CHECKED",
    "checks_version", "citation", "compare", "cut", "DATES", "Download", "expand_permalink",
    "format_date", "index_shards", "language_index", "json_ld", "known_layouts", "link_targets", "make_view",
    "merge_terms", "modified_dates", "output_ext", "output_path", "Page", "page_title",
    "post_output_ext", "redirect_html", "redirects", "Revision", "revision_of", "RevisionStore",
    "plan_shards", "recorded_shards", "Shard", "shard_of_file", "sitemap_page", "summary", "sync_hint", "Tracked", "translation_groups", "TranslationReport",
    "url_of", "with_stale_notices"
]
