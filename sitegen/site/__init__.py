"""The site stage: posts in, page records out.

Takes posts, their rendered bodies and the configuration; gives every Page the site has (posts,
pages, homes, taxonomies, archive, feeds, sitemap, 404) with its URL, its template and the view
objects its template reads; groups translations and formats dates per language.
"""
from .i18n import DATES, format_date, translation_groups
from .pages import BODIES_READ, Download, Page, build_pages, known_layouts, make_view, merge_terms, sitemap_page
from .urls import expand_permalink, output_ext, output_path, post_output_ext, redirect_html, redirects, url_of

__all__ = [
    "BODIES_READ", "DATES", "Download", "Page", "build_pages", "expand_permalink", "format_date", "known_layouts", "make_view",
    "merge_terms", "output_ext", "output_path", "post_output_ext", "redirect_html", "redirects", "sitemap_page", "translation_groups", "url_of"
]
