"""What pages say about themselves (sitegen/site/metadata.py and the theme's head): JSON-LD checked
against schema.org's vocabulary, Open Graph and Twitter cards, titles, descriptions, noindex, the
sitemap's x-default and lastmod, feeds, translated terms and last-modified dates."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import feedparser
import pytest

from htmltools import parse
from schemaorg import SCHEMA, problems
from sitecheck import alternates, html_pages, switcher
from sitegen.build import build
from sitegen.errors import SiteError
from sitegen.site.metadata import absolute_html, citation, page_title
from sitegen.sources import parse_source
from sitegen.sources.content import Source
from sitegen.sources.history import parse_log
from sitegen.site.metadata import modified_dates

FR_POST, EN_POST = "/fr/2021/04/05/phase-d-entrainement/", "/en/2021/04/05/training-phase/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from sites import make_site

    root = make_site("basic", tmp_path_factory.mktemp("meta"))
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("image: /images/card.png\ntaxonomy:\n  tags:\n    - {fr: bn, en: batchnorm}\n"
                     "  categories:\n    - {fr: Apprentissage, en: Deep learning}\n")
    post = root / "content/posts/en/2021-04-05-training-phase.md"
    post.write_text(post.read_text().replace("tags: [bn, torch]", "tags: [batchnorm, torch]\nlast_modified_at: 2022-03-01"))
    report = build(root)
    return root, root / "_site", report


def head(doc) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in doc.find_all("meta"):
        key = meta.attrs.get("property") or meta.attrs.get("name")
        if key:
            found.setdefault(key, []).append(meta.attrs.get("content", ""))
    return found


def structured(doc):
    scripts = [s for s in doc.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    return [json.loads(s.text) for s in scripts]


def test_json_ld_of_every_page_is_valid_schema_org(site):
    if not SCHEMA.is_file():
        pytest.fail(f"{SCHEMA} is missing: run `npm ci` in tests/browser (.ci/run does)", pytrace=False)
    _, out, _ = site
    kinds = {}
    for url, doc in html_pages(out).items():
        for data in structured(doc):
            assert data["@context"] == "https://schema.org"
            assert problems(data) == [], (url, data)
            kinds[url] = data["@type"]
    assert kinds[FR_POST] == kinds[EN_POST] == "BlogPosting"
    assert kinds["/fr/"] == "WebSite" and kinds["/fr/categories/"] == "CollectionPage"
    assert "/404.html" not in kinds and "/fr/search/" not in kinds       # nothing to say about those


def test_a_post_is_a_blog_posting_with_dates_author_language_and_translation(site):
    _, out, _ = site
    (fr,) = structured(parse((out / "fr/2021/04/05/phase-d-entrainement/index.html").read_bytes()))
    (en,) = structured(parse((out / "en/2021/04/05/training-phase/index.html").read_bytes()))
    assert fr["headline"] == "Phase d'entraînement" and fr["inLanguage"] == "fr" and en["inLanguage"] == "en"
    assert fr["datePublished"] == "2021-04-05T13:37:00Z" and fr["dateModified"] == fr["datePublished"]
    assert en["dateModified"] == "2022-03-01T00:00:00Z"                       # last_modified_at
    assert fr["author"] == {"@type": "Person", "name": "Test"}
    assert fr["workTranslation"][0]["url"] == "https://test.example" + EN_POST   # fr is the default language
    assert en["translationOfWork"]["url"] == "https://test.example" + FR_POST
    assert fr["image"] == "https://test.example/images/card.png"               # the site's default card


def test_open_graph_and_twitter_cards(site):
    _, out, _ = site
    meta = head(parse((out / "en/2021/04/05/training-phase/index.html").read_bytes()))
    assert meta["og:site_name"] == ["Test site"] and meta["og:type"] == ["article"]
    assert meta["og:locale"] == ["en_US"] and meta["og:locale:alternate"] == ["fr_FR"]
    assert meta["og:description"][0] and meta["og:image"] == ["https://test.example/images/card.png"]
    assert meta["twitter:card"] == ["summary_large_image"] and meta["author"] == ["Test"]
    assert meta["article:published_time"] == ["2021-04-05T13:37:00Z"]
    assert meta["article:modified_time"] == ["2022-03-01T00:00:00Z"]
    assert meta["article:tag"] == ["batchnorm", "torch"]


def test_descriptions_differ_and_404s_are_not_indexed(site):
    _, out, _ = site
    pages = {url: doc for url, doc in html_pages(out).items() if "pagefind" not in url}
    descriptions = {url: head(doc)["description"][0] for url, doc in pages.items()}
    listed = [d for url, d in descriptions.items() if "/page/" not in url]
    assert len(set(listed)) == len(listed), descriptions
    for url, doc in pages.items():
        robots = head(doc).get("robots", [])
        assert (robots == ["noindex"]) == (url.endswith("404.html") or url.endswith("/search/")), url


def test_feed_links_carry_no_hreflang_and_titles_fit(site):
    _, out, _ = site
    for url, doc in html_pages(out).items():
        feeds = [link for link in doc.find_all("link") if link.attrs.get("type") == "application/atom+xml"]
        assert feeds and all("hreflang" not in f.attrs and f.attrs["href"].startswith("https://") for f in feeds), url


@pytest.mark.parametrize("title, site_title, shown", [
    ("Short", "Site", "Short · Site"),
    ("A" * 70, "Site", "A" * 70),
    ("Site", "Site", "Site"),
    ("", "Site", "Site"),
])
def test_page_title(title, site_title, shown):
    assert page_title(title, site_title) == shown


def test_term_pages_link_their_translation(site):
    _, out, _ = site
    fr = parse((out / "fr/tags/bn/index.html").read_bytes())
    en = parse((out / "en/tags/batchnorm/index.html").read_bytes())
    assert alternates(fr) == alternates(en) == {"fr": "/fr/tags/bn/", "en": "/en/tags/batchnorm/", "x-default": "/fr/tags/bn/"}
    assert switcher(fr) == [("en", "/en/tags/batchnorm/", "yes")]
    # a term with the same name in both languages is the same term
    assert switcher(parse((out / "fr/tags/torch/index.html").read_bytes())) == [("en", "/en/tags/torch/", "yes")]


def test_sitemap_has_x_default_and_lastmod(site):
    import xml.etree.ElementTree as ET

    _, out, _ = site
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: u for u in ET.parse(out / "sitemap.xml").getroot().findall("s:url", ns)}
    en = urls["https://test.example" + EN_POST]
    assert en.find("s:lastmod", ns).text == "2022-03-01T00:00:00Z"
    links = {link.get("hreflang"): link.get("href") for link in en.findall("x:link", ns)}
    assert links["x-default"] == "https://test.example" + FR_POST
    home = urls["https://test.example/en/"]
    assert home.find("s:lastmod", ns).text == "2022-03-01T00:00:00Z"      # its newest change
    assert {link.get("hreflang") for link in home.findall("x:link", ns)} == {"fr", "en", "x-default"}
    assert not any("404" in url or "/search/" in url for url in urls)


def test_feed_entries_updated_tags_and_absolute_urls(site):
    _, out, _ = site
    feed = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.link.endswith(EN_POST))
    assert entry.updated == "2022-03-01T00:00:00Z" and entry.published == "2021-04-05T13:37:00Z"
    assert feed.feed.updated == "2022-03-01T00:00:00Z"
    assert {t.term for t in entry.tags} == {"Deep learning", "batchnorm", "torch"}
    body = parse(entry.content[0].value)
    hrefs = [a.attrs["href"] for a in body.find_all("a")]
    assert hrefs and all(h.startswith("https://test.example/") for h in hrefs), hrefs
    assert "<!--more-->" not in (out / "en/feed.xml").read_text()


def test_absolute_html_keeps_absolute_and_special_urls():
    html = '<a href="/x/">a</a> <a href="#t">b</a> <img src="i.png"> <a href="mailto:a@b">c</a> <a href="https://o/">d</a><!--more-->'
    out = absolute_html(html, "https://s.example/blog/fr/post/")
    assert 'href="https://s.example/x/"' in out and 'href="https://s.example/blog/fr/post/#t"' in out
    assert 'src="https://s.example/blog/fr/post/i.png"' in out and 'href="mailto:a@b"' in out
    assert 'href="https://o/"' in out and "more" not in out


def test_citation_text_and_bibtex():
    when = datetime(2021, 4, 5, tzinfo=timezone.utc)
    text, bibtex = citation("Batch & norm", "Ada Lovelace", "Carnet", "5 avril 2021", "https://s/x/", when,
                            "{author}, « {title} », {site}, {date}. {url}")
    assert text == "Ada Lovelace, « Batch & norm », Carnet, 5 avril 2021. https://s/x/"
    assert bibtex.startswith("@misc{lovelace2021batch,") and r"title = {Batch \& norm}" in bibtex
    assert "year = 2021" in bibtex and "url = {https://s/x/}" in bibtex


def test_the_post_page_shows_byline_update_and_citation(site):
    _, out, _ = site
    doc = parse((out / "en/2021/04/05/training-phase/index.html").read_bytes())
    meta = doc.find("p", class_="post-meta")
    assert "By Test" in meta.text and "Updated March 1, 2022" in " ".join(meta.text.split())
    cite = doc.find("details", class_="cite")
    assert "Training phase" in cite.text and "@misc{" in cite.find("pre").text


def test_modified_dates_from_front_matter_or_history():
    def post(path, front):
        p, problems_found = parse_source(Source(path, "post", "en", f"---\ntitle: T\n{front}---\nbody\n"))
        assert p is not None, problems_found
        return p

    history = parse_log("\x002022-05-01T10:00:00+02:00\n\ncontent/posts/en/2021-01-01-a.md\ncontent/posts/en/2021-01-02-b.md\n"
                        "\x002021-01-01T00:00:00+00:00\n\ncontent/posts/en/2021-01-01-a.md\n")
    assert history["content/posts/en/2021-01-01-a.md"].isoformat() == "2022-05-01T10:00:00+02:00"   # the newest
    a = post("content/posts/en/2021-01-01-a.md", "")
    b = post("content/posts/en/2021-01-02-b.md", "last_modified_at: 2023-02-03 10:00:00 +0100\n")
    c = post("content/posts/en/2021-01-03-c.md", "last_modified_at: not a date\n")
    found, errors = modified_dates([a, b, c], history)
    assert found[a.path] == history[a.path] and found[b.path].isoformat() == "2023-02-03T10:00:00+01:00"
    assert [(e.path, e.line) for e in errors] == [(c.path, 3)] and "last_modified_at" in errors[0].message


def test_a_bad_last_modified_at_fails_the_build_at_its_line(site_factory):
    root = site_factory("basic")
    post = root / "content/posts/en/2021-05-01-second.md"
    post.write_text(post.read_text().replace("---\n", "---\nlast_modified_at: yesterday\n", 1))
    with pytest.raises(SiteError) as caught:
        build(root)
    assert any(p.path.endswith("2021-05-01-second.md") and p.line == 2 and "last_modified_at" in p.message
               for p in caught.value.problems)


def test_taxonomy_in_site_yaml_is_checked(site_factory):
    root = site_factory("basic")
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("taxonomy:\n  tags:\n    - {fr: bn}\n  colours: []\n")
    with pytest.raises(SiteError) as caught:
        build(root)
    messages = [str(p) for p in caught.value.problems if not p.warning]
    assert any("taxonomy.tags" in m and "two or more" in m for m in messages), messages
    assert any("taxonomy.colours" in m for m in messages), messages
