"""The repository's own site, built end to end (its code samples executed, or taken from the cache)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from sites import ROOT
from htmltools import parse
from sitecheck import alternates, broken_links, hreflang_problems, html_pages, switcher
from sitegen.build import build
from sitegen.sources.config import load_config
from sitegen.sources.content import discover, parse_source
from sitegen.site.urls import output_path, url_of


@pytest.fixture(scope="module")
def site(repo_site):
    """A copy of the project, built once per test run (conftest.repo_site)."""
    return repo_site


def posts(root: Path):
    config, _ = load_config(root)
    sources, _ = discover(root, config.languages)
    parsed = [parse_source(s)[0] for s in sources]
    return config, [p for p in parsed if p is not None and p.is_post]


def test_the_build_is_clean(site):
    _, _, report = site
    assert [str(w) for w in report.warnings] == []


def test_every_post_exists_in_both_languages(site):
    root, out, _ = site
    config, all_posts = posts(root)
    groups: dict[str, dict[str, str]] = {}
    for post in all_posts:
        url = url_of(post, config)
        assert (out / output_path(url)).is_file(), url
        groups.setdefault(post.translation_key, {})[post.lang] = url
    assert groups and all(set(g) == set(config.languages) for g in groups.values()), groups
    for group in groups.values():
        for lang, url in group.items():
            doc = parse((out / output_path(url)).read_bytes())
            others = [(other, group[other], "yes") for other in config.languages if other != lang]
            assert switcher(doc) == others
            assert {k: v for k, v in alternates(doc).items() if k != "x-default"} == group


def test_hreflang_is_reciprocal_and_resolves(site):
    _, out, _ = site
    assert hreflang_problems(out) == []


def test_no_broken_internal_link_or_anchor(site):
    _, out, _ = site
    assert broken_links(out) == []


def test_feeds_list_the_right_posts_per_language(site):
    root, out, _ = site
    config, all_posts = posts(root)
    for lang in config.languages:
        feed = feedparser.parse((out / lang / "feed.xml").read_bytes())
        assert not feed.bozo and feed.version == "atom10"
        expected = {config.absolute(url_of(p, config)) for p in all_posts if p.lang == lang}
        assert {e.link for e in feed.entries} == expected


def test_sitemap_lists_every_page(site):
    import xml.etree.ElementTree as ET

    root, out, _ = site
    config, _ = load_config(root)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {u.find("s:loc", ns).text for u in ET.parse(out / "sitemap.xml").getroot().findall("s:url", ns)}
    expected = {config.absolute(url) for url in html_pages(out) if url.endswith("/") and "/page/" not in url
                and not url.endswith("/search/")}   # search results: noindex
    assert locs == expected


def test_the_article_shows_checked_outputs_and_figures(site):
    root, out, _ = site
    shown = {}
    for lang, rel, source in (("fr", "fr/2021/04/05/normalisation-par-lots/index.html",
                               "content/posts/fr/2021-04-05-normalisation-par-lots.md"),
                              ("en", "en/2021/04/05/batch-normalization/index.html",
                               "content/posts/en/2021-04-05-batch-normalization.md")):
        doc = parse((out / rel).read_bytes())
        fences = [line for line in (root / source).read_text().splitlines() if line.startswith("```python exec")]
        hidden = [f for f in fences if "hide_code" in f and "hide_output" in f and "caption=" not in f]
        blocks = [f for f in doc.find_all("figure") if f.has_class("exec")]
        assert len(blocks) == len(fences) - len(hidden) and hidden   # a block hiding everything shows nothing
        assert not [f for f in blocks if not f.children and not f.text.strip()]
        figures = doc.find_all("img", **{"class": "exec-figure"})
        assert len(figures) >= 8
        assert all(0 < len(img.attrs["alt"].strip()) <= 200 for img in figures)
        assert all((out / img.attrs["src"].lstrip("/")).is_file() for img in figures)
        assert not doc.find_all("pre", **{"class": "exec-error"})
        assert len(doc.find_all("math")) > 10
        shown[lang] = {img.attrs["src"] for img in figures}
    # each page shows the figures drawn in its own language; only language-neutral diagrams are shared
    assert len(shown["fr"] & shown["en"]) < len(shown["fr"]) / 2


def test_the_generator_never_imports_torch(site):
    root, _, _ = site
    code = ("import sys; from pathlib import Path; from sitegen.build import build, BuildOptions; "
            f"build(Path({str(root)!r}), BuildOptions(write=False)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy', 'matplotlib')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_imports_nothing_heavy():
    code = ("import sys, contextlib, io; from sitegen.cli import main\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
            "heavy = ('torch', 'jinja2', 'markdown', 'pymdownx', 'babel', 'pygments', 'jupyter_client', 'yaml', 'latex2mathml')\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_batch_normalization_translation_follows_its_original(site, tmp_path, capsys):
    """Edit a paragraph of the French post: the build says the English one is stale and names the
    section, `translations --diff` shows the edit, `--sync` after updating the English post clears
    it; a fresh clone (no .cache but the executed code's) says the same."""
    from sitegen.cli import main
    from sitegen.site.scan import split_parts

    built, _, _ = site
    root = tmp_path / "repo"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("_site", "._site.swap", "*.lock"))
    fr, en = "content/posts/fr/2021-04-05-normalisation-par-lots.md", "content/posts/en/2021-04-05-batch-normalization.md"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=root, check=True)
    subprocess.run(git + ["add", "site.yaml", "content", "code_samples"], cwd=root, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "in step"], cwd=root, check=True)
    assert [str(w) for w in build(root).warnings] == []

    # the first paragraph of the first section, whatever the article says today
    config, all_posts = posts(root)
    source = next(p for p in all_posts if p.path == fr)
    part = next(p for p in split_parts(source.body, source.body_line) if p.heading is not None)
    paragraph = next(block for block in part.text.split("\n\n")[1:] if block[:1].isalpha())
    text = (root / fr).read_text(encoding="utf-8")
    edited = text.replace(paragraph, paragraph + " Une phrase ajoutée.", 1)
    (root / fr).write_text(edited, encoding="utf-8")

    warnings = build(root).warnings
    assert len(warnings) == 1, [str(w) for w in warnings]
    [warning] = warnings
    assert warning.path == en and warning.message == (
        f'translation of {fr} is stale: 1 section changed since it was made: "{part.heading.title}" '
        f"(see `python site.py translations --diff {en}`)")
    assert main(["--root", str(root), "translations", "--diff", en]) == 1
    assert "+" + paragraph.splitlines()[-1] + " Une phrase ajoutée." in capsys.readouterr().out

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    for part_name in ("templates", "static", "i18n"):
        shutil.copytree(root / part_name, clone / part_name)
    shutil.copytree(root / ".cache" / "exec", clone / ".cache" / "exec")   # executed code only, not the store
    (clone / fr).write_text(edited, encoding="utf-8")
    assert [str(w) for w in build(clone).warnings] == [str(warning)]

    english = (root / en).read_text(encoding="utf-8")
    (root / en).write_text(english.replace("\n\n", "\n\nAn added sentence, translated.\n\n", 1), encoding="utf-8")
    assert main(["--root", str(root), "translations", "--sync", en]) == 0
    assert [str(w) for w in build(root).warnings] == []
    assert main(["--root", str(root), "translations"]) == 0
