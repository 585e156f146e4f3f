"""The site stage: posts in, page records out.

Takes posts, their rendered bodies and the configuration; gives every Page the site has (posts,
pages, homes, taxonomies, archive, feeds, sitemap, 404) with its URL, its template and the view
objects its template reads; groups translations and formats dates per language; says what each
page is to search engines, social cards and feeds (metadata); indexes the site for search.
"""
from .i18n import DATES, format_date, translation_groups
from .metadata import absolute_html, citation, json_ld, modified_dates, page_title
from .pages import BODIES_READ, Download, Page, build_pages, known_layouts, make_view, merge_terms, sitemap_page
from .search import index_languages
from .urls import expand_permalink, output_ext, output_path, post_output_ext, redirect_html, redirects, url_of

__all__ = [
    "BODIES_READ", "DATES", "Download", "Page", "absolute_html", "build_pages", "citation", "expand_permalink",
    "format_date", "index_languages", "json_ld", "known_layouts", "make_view", "merge_terms", "modified_dates", "output_ext",
    "output_path", "page_title", "post_output_ext", "redirect_html", "redirects", "sitemap_page",
    "translation_groups", "url_of"
]
