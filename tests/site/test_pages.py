"""sitegen/site/pages.py: URLs, output paths, the site's pages and their translation links."""
from __future__ import annotations

from pathlib import Path

import pytest

from htmltools import parse as parse_html
from sites import ROOT
from sitegen.sources.config import parse_config
from sitegen.sources.strings import load_strings
from sitegen.sources.content import Source, parse_source
from sitegen.markup.markdown import Rendered
from sitegen.site.pages import build_pages, make_view, sitemap_page
from sitegen.site.urls import expand_permalink, home_url, output_path, term_url, url_of

STRINGS, _ = load_strings(ROOT, ("fr", "en"))
LABELS = {lang: {**STRINGS[lang].table, "categories": f"cat-{lang}", "tags": f"tags-{lang}", "archive": f"arch-{lang}",
                 "not_found": f"404-{lang}"} for lang in ("fr", "en")}


def config(extra: str = ""):
    cfg, problems = parse_config("title: {fr: Carnet, en: Notebook}\ndescription: {fr: Desc, en: Desc en}\n"
                                 "paginate: 2\n" + extra, Path("/site"))
    assert cfg is not None, problems
    return cfg


def post(name: str, lang: str, yaml: str = "", kind: str = "post"):
    folder = "posts" if kind == "post" else "pages"
    title = "" if yaml.startswith("title:") else f"title: T {name}\n"   # a key may appear once
    p, problems = parse_source(Source(f"content/{folder}/{lang}/{name}.md", kind, lang,
                                      f"---\n{title}{yaml}---\nbody\n"))
    assert p is not None, problems
    return p


RENDERED = Rendered("<p>corps</p>", (), "<p>corps</p>", 300)


def view(p, cfg):
    return make_view(p, RENDERED, url_of(p, cfg))


def by_url(pages):
    result = {}
    for page in pages:
        assert page.url not in result, f"two pages at {page.url}"
        result[page.url] = page
    return result


def switch(page):
    return [(s.lang, s.url, s.available) for s in page.switcher]


# --- permalinks and output paths ------------------------------------------------------------------

def test_expand_permalink_every_token():
    p = post("2021-4-5-Phase d'entraînement", "fr", "categories: [Apprentissage profond, Python]\n")
    assert expand_permalink("/:lang/:year/:month/:day/:slug/", p) == "/fr/2021/04/05/phase-d-entrainement/"
    # Jekyll's :categories (lowercased, as written) and :title (case, accents and ' kept), escaped as Jekyll does
    assert expand_permalink("/:categories/:title.html", p) == "/apprentissage%20profond/python/Phase-d'entra%C3%AEnement.html"
    assert expand_permalink("/:slugified_categories/:title/", p) == "/apprentissage-profond/python/Phase-d'entra%C3%AEnement/"
    assert expand_permalink("/:lang/:slug/", p) == "/fr/phase-d-entrainement/"
    assert expand_permalink("/:i_month/:i_day/:short_year/:y_day/:short_month/:long_month/:name", p) == \
        "/4/5/21/095/APR/April/2021-4-5-phase-d-entraînement".replace("î", "%C3%AE")


# Jekyll 4.3's output for a post _posts/2021-04-05-My_Post.v2.md with categories [Deep Learning, ML]
JEKYLL = "categories: [Deep Learning, ML]\n"


@pytest.mark.parametrize("permalink, url", [
    ("date", "/deep%20learning/ml/2021/04/05/My_Post.v2.html"),
    ("pretty", "/deep%20learning/ml/2021/04/05/My_Post.v2/"),
    ("ordinal", "/deep%20learning/ml/2021/095/My_Post.v2.html"),
    ("none", "/deep%20learning/ml/My_Post.v2.html"),
    ("weekdate", "/deep%20learning/ml/2021/W14/MON/My_Post.v2.html"),
    ("/:title", "/My_Post.v2"),
    ("/:slug/", "/my-post-v2/"),
    ("/:year/:month_:day/:title:output_ext", "/2021/04_05/My_Post.v2.html"),
    ("blog/:title/", "/blog/My_Post.v2/"),
])
def test_jekyll_permalinks_in_site_yaml(permalink, url):
    assert url_of(post("2021-04-05-My_Post.v2", "en", JEKYLL), config(f"permalink: '{permalink}'\n")) == url


@pytest.mark.parametrize("permalink, url", [
    ("/notes/:title/", "/notes/My_Post.v2/"),
    ("my_category/post", "/my_category/post"),
    ("pretty", "/pretty"),                  # in front matter, Jekyll reads a style name as a path
    ("/a/../b//c/", "/a/../b//c/"),         # left as written: the output check refuses it at its line
])
def test_front_matter_permalinks(permalink, url):
    assert url_of(post("2021-04-05-My_Post.v2", "en", f"permalink: '{permalink}'\n"), config()) == url


def test_slug_and_title_in_front_matter_feed_their_tokens():
    p = post("2021-04-05-x", "en", "slug: Autre_Nom\n")
    assert expand_permalink("/:title/:slug/", p) == "/Autre_Nom/autre-nom/"


def test_hangul_slug_is_percent_encoded_and_its_output_path_decoded():
    p = post("2021-04-05-한국어", "fr")
    url = url_of(p, config())
    assert url == "/fr/2021/04/05/%ED%95%9C%EA%B5%AD%EC%96%B4/"
    assert output_path(url) == "fr/2021/04/05/한국어/index.html"


def test_expand_permalink_empty_categories_leave_no_double_slash():
    p = post("2021-04-05-x", "en")
    assert expand_permalink("/:lang/:categories/:slug/", p) == "/en/x/"


def test_expand_permalink_uses_front_matter_date_in_its_own_offset():
    p = post("2021-04-05-x", "fr", "date: 2021-04-06 00:30:00 +0200\n")
    assert expand_permalink("/:year/:month/:day/", p) == "/2021/04/06/"


def test_url_of_posts_pages_and_front_permalink():
    cfg = config()
    assert url_of(post("2021-04-05-x", "fr"), cfg) == "/fr/2021/04/05/x/"
    assert url_of(post("a-propos", "fr", kind="page"), cfg) == "/fr/a-propos/"
    assert url_of(post("2021-04-05-x", "fr", "permalink: /ailleurs/\n"), cfg) == "/ailleurs/"
    assert url_of(post("2021-04-05-x", "en"), config("permalink: /blog/:slug/\n")) == "/blog/x/"


@pytest.mark.parametrize("url, path", [
    ("/", "index.html"),
    ("/fr/", "fr/index.html"),
    ("/fr/2021/04/05/x/", "fr/2021/04/05/x/index.html"),
    ("/404.html", "404.html"),
    ("/x", "x.html"),                       # Jekyll adds the output extension
    ("/v1.2-release", "v1.2-release.html"),
    ("/a%20b/", "a b/index.html"),
])
def test_output_path(url, path):
    assert output_path(url) == path


def test_output_path_of_other_files():
    assert output_path("/fr/feed.xml", ".xml") == "fr/feed.xml"
    assert output_path("/robots.txt", ".txt") == "robots.txt"


def test_small_url_helpers():
    assert home_url("en") == "/en/"
    assert term_url("fr", "categories", "Apprentissage profond") == "/fr/categories/apprentissage-profond/"
    assert term_url("fr", "tags", "!!!") == "/fr/tags/x/"


# --- views -------------------------------------------------------------------------------------

def test_make_view():
    p = post("2021-04-05-x", "fr", "title: Pourquoi ?\ncategories: Maths\ntags: a b\nfoo: 1\n"
             "description: 'Voici : tout'\n")
    v = make_view(p, RENDERED, "/fr/2021/04/05/x/")
    assert v.title == "Pourquoi\u202f?"                        # French typography on front matter text
    assert v.description == "Voici\u00a0: tout"
    assert v.categories == (("Maths", "/fr/categories/maths/"),)
    assert v.tags == (("a", "/fr/tags/a/"), ("b", "/fr/tags/b/"))
    assert v.layout == "post" and v.is_post and v["foo"] == 1
    assert v.reading_minutes == 1 and v.excerpt == "<p>corps</p>"
    with pytest.raises(KeyError):
        v["missing"]
    en = make_view(post("2021-04-05-y", "en", "title: Why ?\n"), RENDERED, "/en/y/")
    assert en.title == "Why ?"


def test_make_view_front_excerpt_wins():
    v = make_view(post("2021-04-05-x", "en", "excerpt: Short.\n"), RENDERED, "/en/x/")
    assert v.excerpt == "Short."


# --- build_pages -------------------------------------------------------------------------------

@pytest.fixture
def site():
    cfg = config()
    posts = {
        "a": post("2020-01-01-a", "fr", "categories: [Apprentissage profond]\ntags: python\n"),
        "b": post("2021-01-01-b", "fr", "tags: python torch\ntranslation_key: b\n"),
        "c": post("2021-06-01-c", "fr"),
        "b_en": post("2021-01-01-b-en", "en", "translation_key: b\n"),
        "about_fr": post("a-propos", "fr", "translation_key: about\n", kind="page"),
        "about_en": post("about", "en", "translation_key: about\n", kind="page"),
        "solo_page": post("mentions", "fr", kind="page"),
    }
    views = {k: view(p, cfg) for k, p in posts.items()}
    urls = {k: v.url for k, v in views.items()}
    pair = {"fr": urls["b"], "en": urls["b_en"]}
    about = {"fr": urls["about_fr"], "en": urls["about_en"]}
    groups = {urls["b"]: pair, urls["b_en"]: pair, urls["about_fr"]: about, urls["about_en"]: about}
    pages = build_pages(cfg, list(views.values()), groups, LABELS)
    return cfg, urls, pages, by_url(pages)


def test_every_post_and_page_has_a_page(site):
    _, urls, _, pages = site
    for key, url in urls.items():
        assert url in pages
        assert pages[url].post is not None and pages[url].post.url == url
        assert pages[url].source is not None and pages[url].source.endswith(".md")
    assert pages[urls["about_fr"]].template == "page"
    assert pages[urls["a"]].template == "post"


def test_no_two_pages_share_a_url_or_output_path(site):
    _, _, pages, _ = site
    paths = [output_path(p.url) for p in pages]
    assert len(paths) == len(set(paths))


def test_switcher_points_to_the_translation(site):
    _, urls, _, pages = site
    assert switch(pages[urls["b"]]) == [("en", urls["b_en"], True)]
    assert switch(pages[urls["b_en"]]) == [("fr", urls["b"], True)]


def test_switcher_without_translation_goes_to_other_home(site):
    _, urls, _, pages = site
    assert switch(pages[urls["c"]]) == [("en", "/en/", False)]
    assert switch(pages[urls["solo_page"]]) == [("en", "/en/", False)]


def test_alternates_are_reciprocal(site):
    _, urls, pages_list, pages = site
    for page in pages_list:
        if page.lang is None:     # the bilingual root lists the homes; it is nobody's translation
            continue
        for lang, url in page.alternates:
            assert url in pages, f"{page.url} points to missing {url}"
            other = pages[url]
            assert other.lang == lang
            assert (page.lang, page.url) in other.alternates, f"{url} does not point back to {page.url}"
    assert pages[urls["b"]].alternates == (("fr", urls["b"]), ("en", urls["b_en"]))
    assert pages[urls["c"]].alternates == (("fr", urls["c"]),)


def test_posts_are_linked_newest_first_in_their_language(site):
    _, urls, _, pages = site
    c, b, a = (pages[urls[k]].post for k in ("c", "b", "a"))
    assert (c.previous.url, c.next) == (urls["b"], None)
    assert (b.previous.url, b.next.url) == (urls["a"], urls["c"])
    assert (a.previous, a.next.url) == (None, urls["b"])
    assert pages[urls["b_en"]].post.previous is None and pages[urls["b_en"]].post.next is None


def test_pagination(site):
    _, urls, _, pages = site
    first, second = pages["/fr/"], pages["/fr/page/2/"]
    assert [v.url for v in first.posts] == [urls["c"], urls["b"]]
    assert [v.url for v in second.posts] == [urls["a"]]
    assert (first.paginator.page, first.paginator.pages) == (1, 2)
    assert (first.paginator.previous_url, first.paginator.next_url) == (None, "/fr/page/2/")
    assert (second.paginator.previous_url, second.paginator.next_url) == ("/fr/", None)
    assert "/fr/page/3/" not in pages
    assert first.template == second.template == "home"
    assert first.title == "Carnet" and first.description == "Desc"
    assert switch(first) == [("en", "/en/", True)]
    assert switch(second) == [("en", "/en/", False)]
    assert pages["/en/"].paginator.pages == 1 and pages["/en/"].paginator.next_url is None


def test_pagination_of_many_posts():
    cfg = config()
    views = [view(post(f"2021-01-{d:02d}-p{d}", "en"), cfg) for d in range(1, 6)]
    pages = by_url(build_pages(cfg, views, {}, LABELS))
    assert [u for u in pages if u.startswith("/en/page/")] == ["/en/page/2/", "/en/page/3/"]
    third = pages["/en/page/3/"].paginator
    assert (third.page, third.pages, third.previous_url, third.next_url) == (3, 3, "/en/page/2/", None)
    assert pages["/en/page/2/"].paginator.previous_url == "/en/"


def test_empty_language_still_has_a_home():
    cfg = config()
    pages = by_url(build_pages(cfg, [], {}, LABELS))
    assert pages["/en/"].posts == () and pages["/en/"].paginator.pages == 1


def test_archive_years(site):
    _, urls, _, pages = site
    archive = pages["/fr/archive/"]
    years = [(year, [v.url for v in views]) for year, views in archive.years]
    assert years == [(2021, [urls["c"], urls["b"]]), (2020, [urls["a"]])]
    assert archive.title == "arch-fr" and archive.template == "archive"
    assert switch(archive) == [("en", "/en/archive/", True)]


def test_category_and_tag_pages(site):
    _, urls, _, pages = site
    cats = pages["/fr/categories/"]
    assert cats.template == "terms" and cats.title == "cat-fr"
    assert cats.terms == (("Apprentissage profond", "/fr/categories/apprentissage-profond/", 1),)
    tags = pages["/fr/tags/"]
    assert tags.terms == (("python", "/fr/tags/python/", 2), ("torch", "/fr/tags/torch/", 1))
    python = pages["/fr/tags/python/"]
    assert python.template == "term" and python.title == "python"
    assert [v.url for v in python.posts] == [urls["b"], urls["a"]]
    assert switch(python) == [("en", "/en/", False)]
    assert pages["/en/categories/"].terms == ()
    assert "/en/tags/python/" not in pages


def test_terms_sorted_case_insensitively():
    cfg = config()
    views = [view(post("2021-01-01-x", "en", "tags: zeta Alpha beta\n"), cfg)]
    pages = by_url(build_pages(cfg, views, {}, LABELS))
    assert [t[0] for t in pages["/en/tags/"].terms] == ["Alpha", "beta", "zeta"]


def test_feeds_404_root_robots(site):
    _, urls, _, pages = site
    assert [v.url for v in pages["/fr/feed.xml"].posts] == [urls["c"], urls["b"], urls["a"]]
    assert pages["/fr/feed.xml"].template == "feed.xml"
    assert pages["/en/404.html"].title == "404-en"
    root = pages["/"]
    assert root.template == "root" and root.lang is None
    assert root.alternates == (("fr", "/fr/"), ("en", "/en/"))
    assert root.title == "Carnet · Notebook"
    assert pages["/404.html"].template == "404" and pages["/robots.txt"].template == "robots.txt"


def test_feed_keeps_twenty_newest():
    cfg = config()
    views = [view(post(f"2021-{m:02d}-{d:02d}-p{m}-{d}", "en"), cfg) for m in range(1, 12) for d in (1, 2)]
    pages = by_url(build_pages(cfg, views, {}, LABELS))
    feed = pages["/en/feed.xml"].posts
    assert len(feed) == 20 and feed[0].url == "/en/2021/11/02/p11-2/"


def test_page_getitem_reads_front_matter_extra(site):
    _, urls, _, pages = site
    with pytest.raises(KeyError):
        pages["/fr/"]["anything"]
    with pytest.raises(KeyError):
        pages[urls["a"]]["anything"]


# --- sitemap -----------------------------------------------------------------------------------

def test_sitemap_lists_html_pages(site):
    _, urls, pages_list, _ = site
    sitemap = sitemap_page(pages_list)
    assert sitemap.url == "/sitemap.xml" and sitemap.template == "sitemap.xml"
    listed = {p.url for p in sitemap.children}
    for url in urls.values():
        assert url in listed
    for url in ("/", "/fr/", "/en/", "/fr/archive/", "/fr/tags/", "/fr/tags/python/"):
        assert url in listed
    for url in ("/fr/page/2/", "/fr/feed.xml", "/robots.txt", "/404.html", "/fr/404.html"):
        assert url not in listed


def test_sitemap_lists_pages_with_html_permalinks():
    cfg = config()
    views = [view(post("mentions", "fr", "permalink: /fr/mentions-legales.html\n", kind="page"), cfg)]
    pages = build_pages(cfg, views, {}, LABELS)
    listed = {p.url for p in sitemap_page(pages).children}
    assert "/fr/mentions-legales.html" in listed
    assert "/fr/404.html" not in listed


# --- Jekyll's redirect_from, missing layouts, terms spelled several ways ------------------------------

def test_redirect_from_makes_a_redirect_page_per_old_url():
    from sitegen.site.urls import redirects

    cfg = config("url: https://blog.example\nbaseurl: /carnet\n")
    p = post("2021-04-05-x", "fr", "redirect_from: [/old/, /older.html, /oldest, 'sans/slash']\n")
    moved, problems = redirects(p, "/fr/x/", cfg)
    assert problems == []
    assert [path for path, _ in moved] == ["old/index.html", "older.html", "oldest.html", "sans/slash.html"]
    doc = parse_html(moved[0][1])
    target = "https://blog.example/carnet/fr/x/"
    assert doc.find("link", rel="canonical").attrs["href"] == target
    assert [m.attrs["content"] for m in doc.find_all("meta") if m.attrs.get("http-equiv") == "refresh"] == \
        [f"0; url={target}"]
    assert doc.find("a").attrs["href"] == target
    assert doc.find("script") is None


def test_redirect_from_one_string_and_bad_values():
    from sitegen.site.urls import redirects

    moved, _ = redirects(post("2021-04-05-x", "fr", "redirect_from: /old/\n"), "/fr/x/", config())
    assert [path for path, _ in moved] == ["old/index.html"]
    moved, problems = redirects(post("2021-04-05-x", "fr", "redirect_from: {a: 1}\n"), "/fr/x/", config())
    assert moved == [] and problems[0].line == 3 and "`redirect_from`" in problems[0].message


def test_unknown_layout_warns_and_uses_the_default_layout():
    from sitegen.site.pages import known_layouts

    cfg = config()
    views = [view(post("2021-04-05-x", "fr", "layout: single\n"), cfg), view(post("2021-04-06-y", "fr"), cfg),
             view(post("a-propos", "fr", "layout: default\n", kind="page"), cfg)]
    kept, problems = known_layouts(views, {"post", "page"}.__contains__, {"content/posts/fr/2021-04-05-x.md": 3})
    assert [v.layout for v in kept] == ["post", "post", "page"]
    assert [(p.path, p.line, p.warning) for p in problems] == [
        ("content/posts/fr/2021-04-05-x.md", 3, True), ("content/pages/fr/a-propos.md", None, True)]
    assert "`single`" in problems[0].message


def test_terms_differing_by_case_space_or_hyphen_are_one_term():
    from sitegen.site.pages import merge_terms

    cfg = config()
    views = [view(post(f"2021-04-0{i}-p{i}", "fr", f"categories: [{name}]\n"), cfg)
             for i, name in enumerate(["Apprentissage profond", "Apprentissage-profond", "apprentissage profond",
                                       "Apprentissage-profond", "Maths"], start=1)]
    merged, problems = merge_terms(views)
    assert {v.categories for v in merged[:4]} == {(("Apprentissage-profond", "/fr/categories/apprentissage-profond/"),)}
    assert len(problems) == 1 and problems[0].warning
    assert "« Apprentissage profond » (1)" in problems[0].message and "shown as « Apprentissage-profond »" in problems[0].message
    pages = by_url(build_pages(cfg, merged, {}, LABELS))
    assert len(pages["/fr/categories/apprentissage-profond/"].posts) == 4
    assert [t[0] for t in pages["/fr/categories/"].terms] == ["Apprentissage-profond", "Maths"]


def test_a_tie_between_spellings_goes_to_the_oldest():
    from sitegen.site.pages import merge_terms

    cfg = config()
    views = [view(post("2021-05-01-b", "fr", "tags: [Deep-Learning]\n"), cfg),
             view(post("2021-04-01-a", "fr", "tags: [deep learning]\n"), cfg)]
    merged, _ = merge_terms(views)
    assert merged[0].tags[0][0] == merged[1].tags[0][0] == "deep learning"


def test_term_in_another_script_gets_its_own_url():
    assert term_url("fr", "tags", "한국어") == "/fr/tags/%ED%95%9C%EA%B5%AD%EC%96%B4/"
    assert term_url("fr", "tags", "日本") != term_url("fr", "tags", "中国")


@pytest.mark.parametrize("permalink, ext", [
    ("/copy.xml", ".xml"), ("/notes/:title", ".html"), ("/notes/", ".html"), ("/:title.txt", ".txt"), (None, ".html")])
def test_a_front_matter_permalink_keeps_its_extension_as_jekyll_does(permalink, ext):
    from sitegen.site.urls import post_output_ext

    yaml = f"permalink: '{permalink}'\n" if permalink else ""
    assert post_output_ext(post("2021-04-05-x", "en", yaml)) == ext
