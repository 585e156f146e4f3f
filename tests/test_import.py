"""`python site.py import`: Jekyll sites (tests/fixtures/jekyll_*) moved in, built, every old URL answering."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from htmltools import parse
from importcheck import answer, check
from sitecheck import broken_links
from sitegen.build import build
from sitegen.cli import main
from sitegen.errors import SiteError
from sitegen.jekyll_import import import_site
from sitegen.site.urls import output_path
from sites import FIXTURES, make_site

PLAIN = FIXTURES / "jekyll_plain"
POLYGLOT = FIXTURES / "jekyll_polyglot"
# what Jekyll 4.3.1 gives the plain fixture's posts (its urls.txt, TZ=UTC; the site says Europe/Paris)
PLAIN_URLS = {
    "/deep/learning/2021/01/10/Hello_World.html", "/tour/", "/guides/2021/03/02/late-night.html",
    "/2021/04/01/%ED%95%9C%EA%B5%AD%EC%96%B4.html", "/my_category/post", "/Title_Only",
    "/apprentissage-profond/2021/07/01/apprentissage.html", "/apprentissage%20profond/2021/07/02/encore.html",
    "/2021/pretty-one/",
}


def answered(out: Path, url: str) -> Path:
    """The file that answers `url` (as a static host does: /x serves x.html), following a redirect page."""
    path = out / output_path(url)
    assert path.is_file(), f"{url}: no {path.relative_to(out)}"
    refresh = [m for m in parse(path.read_bytes()).find_all("meta") if m.attrs.get("http-equiv") == "refresh"]
    if refresh:
        target = refresh[0].attrs["content"].split("url=", 1)[1]
        return answered(out, "/" + target.split("://", 1)[1].split("/", 1)[1].removeprefix("blog/"))
    return path


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    project = tmp_path_factory.mktemp("plain")
    report = import_site(PLAIN, project)
    result = build(project)
    return project, report, result


def test_plain_site_imports_and_builds(plain):
    project, report, result = plain
    assert report.conflicts == []
    assert (project / "site.yaml").is_file() and (project / "templates" / "post.html").is_file()
    assert (project / "content/posts/en/tutorials/2021-02-01-liquid-tour.md").is_file()
    assert (project / "content/posts/en/2021-05-01-relative.mkdn").is_file()
    assert (project / "content/posts/en/2021-09-01-unfinished-thoughts.md").is_file()     # a draft, dated
    assert (project / "templates/_includes/figure.html").is_file() and (project / "templates/_includes/note.html").is_file()
    assert not (project / "templates/_includes/unused.html").exists()
    assert (project / "static/assets/img/pixel.png").read_bytes() == (PLAIN / "assets/img/pixel.png").read_bytes()
    assert not (project / "static/notes.txt").exists()                                      # `exclude:` respected
    assert result.pages > 0


def test_plain_site_keeps_every_post_url(plain):
    project, report, _ = plain
    assert set(report.urls) == PLAIN_URLS
    out = project / "_site"
    for url in PLAIN_URLS | {"/old-tour/", "/2021/02/01/tour.html", "/about/", "/contact.html"}:
        answered(out, url)
    # redirect_from pages point at the post's absolute URL, base URL included
    assert answered(out, "/old-tour/") == out / "tour/index.html"


def test_plain_site_renders_its_liquid(plain):
    project, _, _ = plain
    out = project / "_site"
    hello = parse((out / "deep/learning/2021/01/10/Hello_World.html").read_bytes())
    text = " ".join(hello.text.split())
    assert "Welcome to Field Notes, written on 10 January 2021 (10 Jan 2021)" in text
    assert hello.find("aside", class_="note").text == "Read the tour next (tip)"
    assert hello.find("img", alt="A pixel").attrs["src"] == "/blog/assets/img/pixel.png"
    assert any(a.attrs.get("href") == "/blog/tour/" for a in hello.find_all("a"))
    tour = parse((out / "tour/index.html").read_bytes())
    assert [li.text for li in tour.find("div", class_="content").find_all("li")] == ["Install", "Write", "Build"]
    code = [pre.text for pre in tour.find_all("pre")]
    assert any("{{ page.title }} stays as written" in c for c in code)
    assert any('```python\nprint("a fence inside a highlight")\n```' in c for c in code)
    about = parse((out / "about/index.html").read_bytes())
    assert "kept by Ada Lovelace" in about.text


def test_plain_site_terms_layouts_and_links(plain, tmp_path):
    project, _, result = plain
    out = project / "_site"
    messages = [str(w) for w in result.warnings]
    assert any("« Apprentissage profond » (1)" in m and "one term" in m for m in messages)
    assert (out / "en/categories/apprentissage-profond/index.html").is_file()
    served = tmp_path / "host"
    shutil.copytree(out, served / "blog")      # as a host serves it, under the base URL
    assert broken_links(served) == []


def test_jekyll_itself_gives_the_same_urls(tmp_path):
    assert shutil.which("jekyll"), "Debian's jekyll is missing: apt-get install -y jekyll (.ci/run installs it)"
    run = subprocess.run(["jekyll", "build", "--quiet", "--disable-disk-cache", "-s", str(PLAIN), "-d", str(tmp_path / "site")],
                         capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "TZ": "UTC"}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    jekyll_urls = set((tmp_path / "site" / "urls.txt").read_text(encoding="utf-8").split())
    assert jekyll_urls == PLAIN_URLS
    ours = import_site(PLAIN, tmp_path / "project", dry_run=True)
    assert set(ours.urls) == jekyll_urls


def test_report_says_what_was_not_converted_and_why(plain):
    _, report, _ = plain
    skipped = dict(line.split(": ", 1) for line in report.skipped)
    assert "lists the posts" in skipped["index.html"]
    assert "Sass" in skipped["assets/css/style.scss"]
    assert "_layouts/" in skipped and "no imported post uses it" in skipped["_includes/unused.html"]
    assert any("layout `single`" in note for note in report.notes)
    assert any("`plugins`" in note for note in report.notes)


def test_polyglot_site(tmp_path):
    project = tmp_path / "poly"
    report = import_site(POLYGLOT, project)
    assert set(report.urls) == {"/notes/2021/01/01/hello/", "/fr/notes/2021/01/01/hello/", "/fr/2021/02/01/mixed/",
                                "/2021/03/01/default-language/"}
    assert (project / "content/posts/fr/2021-01-01-hello.md").is_file()
    assert (project / "content/posts/fr/2021-02-01-mixed.md").is_file()
    result = build(project)
    out = project / "_site"
    for url in list(report.urls) + ["/about/", "/fr/about/"]:
        answered(out, url)
    hello = parse((out / "notes/2021/01/01/hello/index.html").read_bytes())
    alternates = {link.attrs["hreflang"]: link.attrs["href"] for link in hello.find_all("link", rel="alternate")
                  if "hreflang" in link.attrs and "type" not in link.attrs}
    assert alternates["fr"].endswith("/fr/notes/2021/01/01/hello/")
    assert "Premier billet" in (out / "fr/notes/2021/01/01/hello/index.html").read_text(encoding="utf-8")
    about = parse((out / "about/index.html").read_bytes())       # linked to its French version by permalink
    assert any(link.attrs.get("hreflang") == "fr" and link.attrs["href"].endswith("/fr/about/")
               for link in about.find_all("link") if "type" not in link.attrs)
    assert not any("no translation" in str(w) and "about" in str(w) for w in result.warnings)


def test_never_overwrites_and_runs_twice_the_same(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["--root", str(project), "import", str(PLAIN)]) == 0
    assert main(["--root", str(project), "import", str(PLAIN)]) == 0              # same bytes: nothing to do
    capsys.readouterr()
    post = project / "content/posts/en/2021-06-01-Title_Only.md"
    post.write_text("my own edit\n", encoding="utf-8")
    about = project / "content/pages/en/about.md"
    about.unlink()
    assert main(["--root", str(project), "import", str(PLAIN)]) == 1
    out = capsys.readouterr().out
    assert "Nothing was written" in out and "content/posts/en/2021-06-01-Title_Only.md" in out
    assert post.read_text(encoding="utf-8") == "my own edit\n" and not about.exists()


def test_dry_run_writes_nothing(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["--root", str(project), "import", "--dry-run", str(PLAIN)]) == 0
    assert "Would convert" in capsys.readouterr().out
    assert not project.exists()


def test_unknown_language_asks_for_lang(tmp_path, capsys):
    source = tmp_path / "jekyll"
    shutil.copytree(PLAIN, source)
    config = source / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: en\n", ""), encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        import_site(source, tmp_path / "p")
    assert "--lang" in str(caught.value)
    assert main(["--root", str(tmp_path / "p"), "import", str(source)]) == 1
    assert "give --lang fr or --lang en" in capsys.readouterr().err
    assert main(["--root", str(tmp_path / "p"), "import", "--lang", "fr", "--dry-run", str(source)]) == 0


def test_import_into_an_existing_project_keeps_its_config_and_the_urls(tmp_path):
    project = make_site("basic", tmp_path)
    before = (project / "site.yaml").read_bytes()
    report = import_site(PLAIN, project)
    assert report.conflicts == ["content/pages/en/about.md (exists; remove or rename it, then import again)"]
    assert not (project / "content/posts/en/2021-06-01-Title_Only.md").exists()      # nothing written
    (project / "content/pages/en/about.md").rename(project / "content/pages/en/about-the-test-site.md")
    report = import_site(PLAIN, project)
    assert report.conflicts == []
    assert (project / "site.yaml").read_bytes() == before
    assert any("site.yaml exists" in note for note in report.notes)
    build(project)
    for url in PLAIN_URLS:
        answered(project / "_site", url)


def test_a_broken_post_is_reported_and_the_others_imported(tmp_path):
    source = tmp_path / "jekyll"
    shutil.copytree(PLAIN, source)
    (source / "_posts/2021-10-01-broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    report = import_site(source, tmp_path / "p")
    assert any(line.startswith("_posts/2021-10-01-broken.md:2: front matter is not valid YAML") for line in report.skipped)
    assert set(report.urls) == PLAIN_URLS


# --- a real site's shapes: tests/importcheck.py runs Jekyll, import and the build -------------------

SIDE_BY_SIDE = FIXTURES / "jekyll_sidebyside"


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory):
    assert shutil.which("jekyll"), "Debian's jekyll is missing: apt-get install -y jekyll (.ci/run installs it)"
    work = tmp_path_factory.mktemp("sidebyside")
    return work, check(SIDE_BY_SIDE, work, ["en", "fr"])


def test_languages_side_by_side_keep_every_url(side_by_side):
    """ruby-lang.org's shape: en/news/_posts, fr/news/_posts, de/… not imported; every en and fr
    post and page Jekyll gives answers, and the posts' images and links resolve."""
    _, result = side_by_side
    assert result.build_ok, result.build_output
    assert result.count("post") == (4, 4) and result.missing == {}
    assert {e.url for e in result.entries if e.kind == "post"} == {
        "/en/news/2024/01/05/version-1-2-released/", "/en/news/2024/02/01/security-notice/",
        "/fr/news/2024/01/05/version-1-2-released/", "/fr/news/2024/03/10/rencontre/"}
    pages = {e.url for e in result.entries if e.kind == "page"}
    assert {"/en/about/", "/fr/about/", "/en/examples/hello/", "/faq/", "/archive/"} <= pages
    assert not any(url.startswith("/de/") for url in pages)
    assert result.references >= 3 and result.broken == [] and result.broken_in_jekyll == []


def test_side_by_side_conversions(side_by_side):
    work, result = side_by_side
    project, out = work / "project", work / "project" / "_site"
    report = result.import_output
    assert "language de: not one of ['en', 'fr']" in report and "de/news/_posts/" in report
    assert not (project / "content/posts/de").exists() and not (project / "content/pages/en/de").exists()
    # the page without lang: is English by its folder; the HTML page of _pages/ (an include: folder) is kept
    assert (project / "content/pages/en/examples/hello.md").is_file()
    assert parse((out / "faq/index.html").read_bytes()).find("div", class_="faq") is not None
    # the two about pages are each other's translation (linked by their path)
    about = parse((out / "en/about/index.html").read_bytes())
    assert any(link.attrs.get("hreflang") == "fr" and link.attrs["href"].endswith("/notes/fr/about/")
               for link in about.find_all("link") if "type" not in link.attrs)
    # {% link en/news/_posts/… %} names the converted file; {{ site.baseurl }}{% post_url %} is not doubled
    fr = parse((out / "fr/news/2024/01/05/version-1-2-released/index.html").read_bytes())
    assert "/notes/en/news/2024/02/01/security-notice/" in {a.attrs.get("href") for a in fr.find_all("a")}
    en = parse((out / "en/news/2024/01/05/version-1-2-released/index.html").read_bytes())
    assert "/notes/en/news/2024/02/01/security-notice/" in {a.attrs.get("href") for a in en.find_all("a")}
    # site.data from _data/ (moved to data/)
    assert (project / "data/releases.yml").is_file()
    assert "Checksum of the archive: 9f8e7d." in " ".join(en.find("article").text.split())
    # a plugin's tag is shown as written and said; a key given twice keeps Jekyll's (the last) value
    notice = (project / "content/posts/en/2024-02-01-security-notice.md").read_text(encoding="utf-8")
    assert "{% raw %}{% twitter https://twitter.com/example/status/1 %}{% endraw %}" in notice
    assert notice.count("hide:") == 1 and "hide: true" in notice
    assert "(twitter) are shown as written" in report and "`hide` given more than once" in report
    # the page that lists the posts redirects to sitegen's archive; sitegen's own pages are not overwritten
    assert answer(out, "/archive/", "/notes") == out / "en/archive/index.html"
    assert "en/index.html: sitegen makes its own home page at /en/" in report
    assert "robots.txt: sitegen makes its own" in report
