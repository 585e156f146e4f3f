"""Search over an index in shards (sitegen/site/search.py), in Chromium: one search box finds a word
of an old post and a word of a post added since, though Pagefind indexed them in different shards."""
from __future__ import annotations

import sys
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sites import ROOT
from sitegen.build import build
from sitegen.site import search
from sitegen.site.search import shard_count, shard_of

from .tools import TIMEOUT_MS, StaticSite

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import post, post_name, write_corpus  # noqa: E402  (the benchmark's posts)

pytestmark = pytest.mark.browser


@pytest.fixture
def sharded(tmp_path, monkeypatch):
    """A 10-post corpus in shards of 3 pages, then a new post added and the site rebuilt."""
    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    site = write_corpus(tmp_path / "corpus", 10)
    old = site / "content/posts/fr" / post_name(0, "fr")
    old.write_text(old.read_text(encoding="utf-8") + "\nUn mot ancien : palimpseste.\n", encoding="utf-8")
    build(site)
    new = site / "content/posts/fr" / post_name(10, "fr")
    new.write_text(post(10, "fr") + "\nUn mot nouveau : ornithorynque.\n", encoding="utf-8")
    build(site)
    served = StaticSite(site / "_site")
    yield served
    served.close()


def found(page, base: str, word: str) -> list[str]:
    page.goto(base + "/fr/")
    page.fill("#site-search", word)
    page.press("#site-search", "Enter")
    links = page.locator("#search-results ol a")
    expect(links.first).to_be_visible(timeout=TIMEOUT_MS)
    return [urlsplit(h).path for h in links.evaluate_all("as => as.map(a => a.href)")]


def test_one_box_finds_words_of_an_old_and_a_new_post_in_different_shards(page, sharded):
    old_url, new_url = "/fr/2015/01/01/billet-0/", "/fr/2015/01/31/billet-10/"
    count = shard_count(11)
    assert count == 4 and shard_of(f"{old_url[1:]}index.html", count) != shard_of(f"{new_url[1:]}index.html", count)
    assert found(page, sharded.url, "palimpseste") == [old_url]
    assert found(page, sharded.url, "ornithorynque") == [new_url]
    # a word of every post: each shard answers, and the results are the 11 French posts
    everywhere = found(page, sharded.url, "normalise")
    assert len(everywhere) == 11 and all(url.startswith("/fr/20") for url in everywhere), everywhere
