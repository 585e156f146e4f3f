"""End-to-end builds of fixture sites: pages, translations, feeds, sitemap, errors, safety."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import feedparser
import pytest

from htmltools import parse
from sitecheck import alternates, broken_links, hreflang_problems, html_pages, switcher
from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.errors import SiteError
from sitegen.render.cache import RenderCache

FR_POST = "fr/2021/04/05/phase-d-entrainement/index.html"
EN_POST = "en/2021/04/05/training-phase/index.html"
LONE_POST = "fr/2021/06/07/seulement-en-francais/index.html"


def snapshot(out: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(out).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


@pytest.fixture
def basic(site_factory):
    site = site_factory("basic")
    report = build(site)
    return site, site / "_site", report


def read(out: Path, rel: str):
    return parse((out / rel).read_bytes())


def test_every_expected_page_is_written(basic):
    site, out, report = basic
    for rel in (FR_POST, EN_POST, LONE_POST, "fr/2021/05/01/deuxieme/index.html", "en/2021/05/01/second/index.html",
                "index.html", "404.html", "fr/404.html", "en/404.html", "fr/index.html", "fr/page/2/index.html",
                "en/index.html", "fr/archive/index.html", "en/archive/index.html", "fr/a-propos/index.html",
                "en/about/index.html", "fr/tags/bn/index.html", "en/categories/deep-learning/index.html",
                "fr/feed.xml", "en/feed.xml", "sitemap.xml", "robots.txt", "assets/pygments.css", "css/site.css"):
        assert (out / rel).is_file(), rel
    assert report.pages == len([p for p in out.rglob("*") if p.suffix in (".html", ".xml", ".txt")
                                and p.relative_to(out).parts[0] != "fonts"])   # not the font's licence


def test_drafts_and_future_posts_are_left_out_unless_asked(basic, tmp_path):
    site, out, _ = basic
    assert not any("brouillon" in p.relative_to(out).as_posix() or "future" in p.relative_to(out).as_posix()
                   for p in out.rglob("*"))
    build(site, BuildOptions(drafts=True, future=True, out=site / "_all"))
    assert (site / "_all/fr/2021/07/01/brouillon/index.html").is_file()
    assert (site / "_all/en/2999/01/01/future/index.html").is_file()


def test_jekyll_post_builds_unchanged(basic):
    _, out, _ = basic
    doc = read(out, LONE_POST)
    content = doc.find("div", **{"class": "content"})
    centered = content.find("p", align="center")
    assert centered is not None and centered.find("img").attrs["src"] == "/images/x.png"
    assert centered.find("strong").text == "Légende"
    table = content.find("table", **{"class": "highlighttable"})
    assert table is not None, "{% highlight python linenos %} gives a numbered block"
    assert "x = {{ 1 }}" in table.find("code").text
    assert "{{ gardé tel quel }}" in content.text
    assert "https://test.example/fr/." in content.text


def test_code_is_opaque_and_post_url_resolves(basic):
    _, out, _ = basic
    doc = read(out, FR_POST)
    code = [c.text for c in doc.find_all("code")]
    assert any('"{{ pas du liquid }} {% ni ceci %} $x$"' in c for c in code)
    assert "{{ inline }}" in code
    links = [a.attrs["href"] for a in doc.find("div", **{"class": "content"}).find_all("a")]
    assert "/fr/2021/05/01/deuxieme/" in links


def test_title_is_escaped_not_executed(basic):
    _, out, _ = basic
    doc = read(out, LONE_POST)
    assert doc.find("h1").text == "<script>alert(1)</script>"
    # the theme's scripts only; the title inside the JSON-LD is escaped for a <script>
    assert all("alert(1)" not in s.text or "\\u003cscript\\u003e" in s.text for s in doc.find_all("script"))
    assert len(doc.find_all("script")) == 3


def test_headings_math_typography_and_footnotes(basic):
    _, out, _ = basic
    doc = read(out, FR_POST)
    ids = [h.attrs["id"] for h in doc.find_all("h2")]
    assert ids == ["phase-d-entrainement", "phase-d-entrainement_1"]
    assert [a.attrs["href"] for li in doc.find("nav", **{"class": "toc"}).find_all("li") for a in li.find_all("a")] == \
        ["#" + i for i in ids]
    maths = doc.find_all("math")
    assert [m.attrs.get("display", "inline") for m in maths] == ["inline", "block"]
    paragraph = doc.find("div", **{"class": "content"}).find("p")
    assert paragraph.text == "Premier paragraphe\u00a0: il sert d’extrait\u202f!"
    assert "«\u00a0la suite\u00a0»" in doc.find("div", **{"class": "content"}).text
    assert "le prix $5." in doc.find("div", **{"class": "content"}).text
    assert doc.find("li", id="fn:1") is not None


def test_dates_are_localized_and_keep_the_front_matter_time(basic):
    _, out, _ = basic
    fr_time = read(out, FR_POST).find("time")
    en_time = read(out, EN_POST).find("time")
    assert fr_time.text == "5 avril 2021" and en_time.text == "April 5, 2021"
    assert fr_time.attrs["datetime"] == "2021-04-05T13:37:00Z"   # 15:37 at +02:00


def test_translations_are_linked_both_ways(basic):
    _, out, _ = basic
    fr, en = read(out, FR_POST), read(out, EN_POST)
    assert switcher(fr) == [("en", "/en/2021/04/05/training-phase/", "yes")]
    assert switcher(en) == [("fr", "/fr/2021/04/05/phase-d-entrainement/", "yes")]
    expected = {"fr": "/fr/2021/04/05/phase-d-entrainement/", "en": "/en/2021/04/05/training-phase/",
                "x-default": "/fr/2021/04/05/phase-d-entrainement/"}
    assert alternates(fr) == alternates(en) == expected
    assert fr.find("html").attrs["lang"] == "fr" and en.find("html").attrs["lang"] == "en"


def test_untranslated_post_points_to_the_other_home_and_says_so(basic):
    _, out, report = basic
    assert switcher(read(out, LONE_POST)) == [("en", "/en/", "no")]
    assert any(w.path.endswith("seulement-en-francais.md") and "no translation" in w.message for w in report.warnings)


def test_every_page_has_reciprocal_hreflang(basic):
    _, out, _ = basic
    assert hreflang_problems(out) == []


def test_no_broken_internal_link_or_anchor(basic):
    _, out, _ = basic
    broken = [b for b in broken_links(out) if "/images/x.png" not in b]   # the fixture's image is deliberately absent
    assert broken == []


def test_feeds_are_valid_atom_with_the_right_posts(basic):
    _, out, _ = basic
    fr = feedparser.parse((out / "fr/feed.xml").read_bytes())
    en = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert not fr.bozo and not en.bozo
    assert fr.version == "atom10"
    assert [e.link for e in en.entries] == ["https://test.example/en/2021/05/01/second/",
                                            "https://test.example/en/2021/04/05/training-phase/"]
    assert {e.link.split("/")[3] for e in fr.entries} == {"fr"} and len(fr.entries) == 3
    assert all(e.id.startswith("https://") and e.updated for e in fr.entries + en.entries)
    assert fr.feed.updated.startswith("2021-06-07")


def test_sitemap_lists_every_page_with_alternates(basic):
    _, out, _ = basic
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ET.parse(out / "sitemap.xml")
    locs = {u.find("s:loc", ns).text for u in tree.getroot().findall("s:url", ns)}
    pages = {"https://test.example" + url for url in html_pages(out) if url.endswith("/") and "/page/" not in url
             and not url.endswith("/search/")}   # search results: noindex
    assert locs == pages
    post = next(u for u in tree.getroot().findall("s:url", ns)
                if u.find("s:loc", ns).text.endswith("/phase-d-entrainement/"))
    assert {link.get("hreflang") for link in post.findall("x:link", ns)} == {"fr", "en", "x-default"}


def test_robots_and_root_page(basic):
    _, out, _ = basic
    assert "Sitemap: https://test.example/sitemap.xml" in (out / "robots.txt").read_text()
    root = read(out, "index.html")
    assert {s.attrs["lang"] for s in root.find_all("section")} == {"fr", "en"}
    assert alternates(root) == alternates(read(out, "fr/index.html")) == {"fr": "/fr/", "en": "/en/", "x-default": "/"}


def test_custom_front_matter_keys_reach_templates(basic):
    site, _, _ = basic
    (site / "templates/post.html").write_text(
        (site / "templates/post.html").read_text().replace("<h1>{{ post.title }}</h1>",
                                                          "<h1>{{ post.title }}</h1><p id='custom'>{{ page.custom_key | default('none') }}</p>"))
    build(site)
    assert read(site / "_site", FR_POST).find("p", id="custom").text == "valeur perso"
    assert read(site / "_site", EN_POST).find("p", id="custom").text == "none"


def test_rebuild_rewrites_nothing_when_nothing_changed(basic):
    site, out, _ = basic
    before = snapshot(out)
    report = build(site)
    assert report.written.written == 0 and report.written.removed == 0
    assert snapshot(out) == before


def test_cold_and_warm_builds_give_identical_trees(basic):
    site, out, _ = basic
    warm = build(site, BuildOptions(write=False)).tree.files
    for cache in (site / ".cache").rglob("*"):
        if cache.is_file():
            cache.unlink()
    cold = build(site, BuildOptions(write=False)).tree.files
    assert warm == cold


def test_removed_post_removes_its_page(basic):
    site, out, _ = basic
    (site / "content/posts/fr/2021-6-7-seulement-en-francais.md").unlink()
    build(site)
    assert not (out / "fr/2021/06/07").exists()
    listed = [a.attrs["href"] for a in read(out, "fr/index.html").find("ul", **{"class": "post-list"}).find_all("a")]
    assert "/fr/2021/06/07/seulement-en-francais/" not in listed and "/fr/2021/05/01/deuxieme/" in listed
    assert not (out / "fr/page/2").exists()   # two posts left: one page


def test_a_template_change_is_picked_up(basic):
    site, out, _ = basic
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("<main id=\"content\"", "<main data-v=\"2\" id=\"content\""))
    build(site)
    assert read(out, FR_POST).find("main").attrs["data-v"] == "2"


INVALID_MESSAGES = [
    ("content/posts/fr/2021-13-45-mauvaise-date.md", None, "is not a date"),
    ("content/posts/fr/2021-01-09.md", None, "no slug"),
    ("content/posts/fr/2021-01-02-yaml-casse.md", 2, "not valid YAML"),
    ("content/posts/fr/2021-01-03-mauvais-type.md", 3, "`published`: expected true or false"),
    ("content/posts/fr/2021-01-03-mauvais-type.md", 4, "`tags`"),
    ("content/posts/fr/2021-01-05-collision-bis.md", 3, "also claimed by content/posts/fr/2021-01-04-collision.md"),
    ("content/posts/fr/2021-01-06-meme-cle.md", 3, "translation_key `cle` is already used"),
    ("content/posts/fr/2021-01-07-liens.md", 4, "no post named 2020-01-01-inexistant"),
    ("content/posts/fr/2021-01-07-liens.md", 6, "no file templates/_includes/note.html"),
    ("content/posts/fr/2021-01-07-liens.md", 6, "unknown Liquid tag `inconnue`"),
    ("content/posts/fr/2021-01-07-liens.md", 6, "unknown Liquid filter `inconnu`"),
    ("content/posts/fr/2021-01-07-liens.md", 8, "unbalanced braces"),
    ("content/posts/fr/2021-01-07-liens.md", 8, "unknown LaTeX command `\\foo`"),
    ("content/posts/fr/2021-01-08-pas-fermee.md", 1, "never closed"),
    ("content/posts/fr/2021-01-10-date-impossible.md", 3, "invalid date 2021-02-30 (day is out of range for month)"),
    ("content/posts/fr/2021-01-11-cle-double.md", 4, "duplicate key `title` (first at line 2"),
    ("content/posts/fr/2021-01-12-.md", None, "this name has a date but no slug"),
    ("content/posts/fr/2021-01-13-imbrication.md", 6, "Markdown nested too deeply"),
    ("content/posts/fr/2021-01-14-maj-impossible.md", 3, "invalid date 2021-04-05 25:00:00 (hour must be in 0..23)"),
]


def test_invalid_site_reports_every_problem_at_once(site_factory):
    site = site_factory("invalid")
    with pytest.raises(SiteError) as caught:
        build(site)
    errors = [p for p in caught.value.problems if not p.warning]
    for path, line, text in INVALID_MESSAGES:
        assert any(p.path == path and p.line == line and text in p.message for p in errors), (path, line, text)
    assert len(errors) == len(INVALID_MESSAGES)
    assert not (site / "_site").exists()


def test_cli_prints_path_line_messages_and_exits_1(site_factory, capsys):
    site = site_factory("invalid")
    assert main(["--root", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert "content/posts/fr/2021-01-07-liens.md:6: unknown Liquid tag" in err
    assert "Traceback" not in err


def test_failed_build_leaves_previous_output_intact(basic):
    site, out, _ = basic
    before = snapshot(out)
    post = site / "content/posts/fr/2021-05-01-deuxieme.md"
    post.write_text(post.read_text().replace("title: Deuxième billet", "title: [cassé"))
    with pytest.raises(SiteError) as caught:
        build(site)
    assert str(caught.value.problems[0]).startswith("content/posts/fr/2021-05-01-deuxieme.md:2:")
    assert snapshot(out) == before


@pytest.mark.parametrize("where", [".", "content/..", "/tmp/elsewhere-sitegen-test"])
def test_dangerous_output_folders_are_refused(basic, where):
    site, _, _ = basic
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(out=(site / where) if not where.startswith("/") else Path(where)))
    assert "refusing" in caught.value.problems[0].message
    assert (site / "content").is_dir()


def test_strict_turns_warnings_into_failure(basic):
    site, _, _ = basic
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(strict=True))
    assert any("--strict" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("output", ["previous", "none"])
def test_failure_after_pages_were_staged_leaves_the_output_as_it_was(basic, monkeypatch, output):
    """Pages rendered in worker processes are written beside their targets at once; a build that
    fails afterwards (here --strict, at the very end) must take them back."""
    import threading

    import sitegen.render.parallel

    site, out, _ = basic
    assert threading.active_count() == 1                               # else the build would not fork
    monkeypatch.setattr(sitegen.render.parallel, "PARALLEL_FROM", 1)        # the forked workers, even here
    (site / "templates/partials/meta.html").write_text("<p>changed</p>\n")   # every post page changes
    if output == "none":
        shutil.rmtree(out)
    before = snapshot(out) if out.exists() else None
    with pytest.raises(SiteError):
        build(site, BuildOptions(strict=True, jobs=2))
    assert (snapshot(out) if out.exists() else None) == before
    if before is None:
        assert not out.exists() or not any(out.rglob("*"))
    build(site, BuildOptions(jobs=2))                                    # and the same build without --strict publishes
    assert "<p>changed</p>" in (out / EN_POST).read_text()


def test_missing_ui_string_is_an_error_naming_key_and_language(basic):
    site, _, _ = basic
    en = site / "i18n/en.yaml"
    en.write_text("\n".join(line for line in en.read_text().splitlines() if not line.startswith("read_more:")))
    with pytest.raises(SiteError) as caught:
        build(site)
    assert any("`read_more` is missing in `en`" in p.message for p in caught.value.problems)


def test_base_url_override_and_baseurl_prefix(basic):
    site, _, _ = basic
    config = site / "site.yaml"
    config.write_text(config.read_text() + "baseurl: /blog\n")
    build(site, BuildOptions(base_url="https://other.example"))
    doc = read(site / "_site", FR_POST)
    assert doc.find("link", rel="canonical").attrs["href"] == "https://other.example/blog/fr/2021/04/05/phase-d-entrainement/"
    assert doc.find("link", rel="stylesheet").attrs["href"] == "/blog/css/site.css"


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and "sitegen" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "--drafts" in capsys.readouterr().out


def test_a_template_error_is_located_once(basic):
    site, out, _ = basic
    before = snapshot(out)
    post = site / "templates/post.html"
    post.write_text(post.read_text().replace("<h1>{{ post.title }}</h1>", "<h1>{{ post.title }}{{ page.nope }}</h1>"))
    with pytest.raises(SiteError) as caught:
        build(site)
    errors = [p for p in caught.value.problems if not p.warning]
    assert len(errors) == 1
    line = post.read_text().splitlines().index(next(l for l in post.read_text().splitlines() if "page.nope" in l)) + 1
    assert (errors[0].path, errors[0].line) == ("templates/post.html", line)
    assert "has no attribute 'nope'" in errors[0].message
    assert snapshot(out) == before


def test_a_site_without_code_samples_runs_its_blocks(site_factory):
    site = site_factory("basic")
    post = site / "content/posts/en/2021-05-01-second.md"
    post.write_text(post.read_text() + "\n```python exec\nimport os\nprint(os.path.isdir('content'))\n```\n")
    fr = site / "content/posts/fr/2021-05-01-deuxieme.md"
    fr.write_text(fr.read_text() + "\n```python exec\nimport os\nprint(os.path.isdir('content'))\n```\n")
    build(site)
    assert "True" in parse((site / "_site/en/2021/05/01/second/index.html").read_bytes()).find(
        "pre", **{"class": "exec-stdout"}).text


def test_incremental_rebuilds_write_what_a_fresh_build_writes(basic, tmp_path):
    """Edits rebuilt through the manifest (only changed pages rendered) give a fresh build's bytes."""
    site, out, _ = basic

    def on_disk() -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    edits = [
        ("content/posts/en/2021-05-01-second.md", "A translated post.", "A translated post, edited."),
        ("content/posts/fr/2021-04-05-phase-d-entrainement.md", "title: \"Phase d'entraînement\"", "title: Entraînement"),
        ("i18n/en.yaml", "read_more: Read more", "read_more: Continue reading"),
        ("templates/partials/meta.html", "min_read", "min_read"),
    ]
    for path, old, new in edits:
        file = site / path
        file.write_text(file.read_text().replace(old, new))
        report = build(site)
        assert report.written.written < len(on_disk()) or path.startswith("i18n")
        fresh = build(site, BuildOptions(write=False), cache=RenderCache(None)).tree.files
        assert on_disk() == fresh, path


def test_a_body_edit_renders_again_only_the_pages_that_show_that_body(basic, monkeypatch):
    """Lists, the neighbours' links and the translation's switcher show a post's title, not its
    body: their templates read no body, so their keys hold none, and they are not rendered again
    when only the body changes. The post's page and the feed, which shows bodies, are."""
    from sitegen.output.manifest import reads_of
    from sitegen.render.templates import Renderer

    site, out, _ = basic
    recorded = {path: reads_of(record[2]) for path, record in json.loads((site / ".cache/manifest.json").read_text())["files"].items()}
    assert recorded["en/archive/index.html"] == () and recorded[EN_POST] == ("/en/2021/04/05/training-phase/",)
    assert "/en/2021/05/01/second/" in recorded["en/feed.xml"]
    rendered: list[str] = []
    original = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, page: rendered.append(page.url) or original(self, page))
    post = site / "content/posts/en/2021-05-01-second.md"
    post.write_text(post.read_text() + "\nOne more sentence, at the end.\n")
    build(site)
    assert sorted(rendered) == ["/en/2021/05/01/second/", "/en/feed.xml"]
    assert "One more sentence" in (out / "en/feed.xml").read_text()
    fresh = build(site, BuildOptions(write=False), cache=RenderCache(None)).tree.files
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == fresh


def test_a_list_that_starts_showing_bodies_follows_their_edits(basic):
    """A template reading listed posts' contents makes their pages depend on those bodies again."""
    site, out, _ = basic
    postlist = site / "templates/partials/postlist.html"
    postlist.write_text(postlist.read_text().replace(
        "{{ item.title }}</a></h2>", '{{ item.title }}</a></h2><span class="sections">{{ item.toc | length }}</span>'))
    build(site)
    sections = lambda: [s.text for s in read(out, "en/index.html").find_all("span", class_="sections")]   # noqa: E731
    before = sections()
    post = site / "content/posts/en/2021-05-01-second.md"
    post.write_text(post.read_text() + "\n## A new section\n\nText.\n\n## And another\n\nMore.\n")
    build(site)
    assert sections() != before and "2" in sections()
    fresh = build(site, BuildOptions(write=False), cache=RenderCache(None)).tree.files
    assert (out / "en/index.html").read_bytes() == fresh["en/index.html"]


def test_post_meta_items_are_spaced(site_factory):
    """Date, update, reading time and categories read as `5 avril 2021 · Mis à jour le … · 1 min`."""
    site = site_factory("basic")
    post = site / "content/posts/fr/2021-04-05-phase-d-entrainement.md"
    post.write_text(post.read_text().replace("---\n", "---\nlast_modified_at: 2022-03-04\n", 1))
    build(site)
    meta = read(site / "_site", FR_POST).find("p", **{"class": "post-meta"})
    text = " ".join(meta.text.split())
    assert "Mis à jour le 4 mars 2022" in text
    assert "·" in text and "·" not in text.replace(" · ", "").strip("· "), text
