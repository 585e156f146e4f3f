"""The search index in shards (sitegen/site/search.py): an edit re-indexes one shard, the index it
leaves is the one a cold build makes, and a failed or interrupted index update leaves the previous
site whole."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import threading
import time
from pathlib import Path

import pytest

import sitegen.build
from sites import ROOT
from sitegen.build import BuildOptions, build
from sitegen.errors import SiteError
from sitegen.site import search
from sitegen.site.search import shard_of_file, split_shards

import sys
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import post_name, write_corpus  # noqa: E402


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def paths(n: int) -> list[str]:
    return [f"fr/{2000 + i // 12}/{i % 12 + 1:02}/01/billet-{i}/index.html" for i in range(n)]


def test_a_new_page_joins_one_shard_and_moves_no_other(monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 10)
    before, after = split_shards(paths(45)), split_shards(paths(46))   # 5 shards both times
    assert len(before) == len(after) == 5
    assert sorted(p for members in before.values() for p in members) == sorted(paths(45))
    changed = [shard for shard in after if after[shard] != before.get(shard)]
    assert len(changed) == 1 and set(after[changed[0]]) - set(before[changed[0]]) == {paths(46)[-1]}
    assert all(3 <= len(members) <= 17 for members in after.values())   # alike in size, from the hash
    # past a multiple of SHARD_PAGES there is one shard more, and the pages are dealt again
    assert len(split_shards(paths(51))) == 6


def test_every_bundle_file_belongs_to_one_shard():
    assert shard_of_file("fr/pagefind/pagefind.js", "fr") == 0
    assert shard_of_file("fr/pagefind/fragment/fr_1.pf_fragment", "fr") == 0
    assert shard_of_file("fr/pagefind/12/index/fr_2.pf_index", "fr") == 12
    assert shard_of_file("fr/pagefind/shards.json", "fr") is None
    assert shard_of_file("en/pagefind/3/pagefind-entry.json", "fr") is None
    assert shard_of_file("fr/pagefind/03/x", "fr") == 0   # not a shard's folder name: shard 0's


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """12 posts per language in shards of 4 pages (3 shards), built once."""
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    site = write_corpus(tmp_path / "corpus", 12)
    build(site)
    return site


def edit(site: Path, i: int, words: str) -> Path:
    post = site / "content/posts/fr" / post_name(i, "fr")
    with post.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{words}\n")
    return post


def bundles(out: Path) -> dict[str, str]:
    return {rel: digest for rel, digest in digest_tree(out).items() if "/pagefind/" in rel}


def test_an_edit_reindexes_one_shard_and_leaves_the_index_a_cold_build_makes(corpus, tmp_path, monkeypatch):
    site, out = corpus, corpus / "_site"
    before = bundles(out)
    listing = json.loads((out / "fr/pagefind/shards.json").read_text())
    assert len(listing) == 2 and all((out / "fr/pagefind" / folder / "pagefind-entry.json").is_file() for folder in listing)
    assert not (out / "fr/pagefind/1/pagefind.js").exists()   # a merged shard has its index only
    indexed = []
    real = sitegen.build.index_shards
    monkeypatch.setattr(sitegen.build, "index_shards", lambda pages, jobs=0: indexed.extend(pages) or real(pages, jobs))
    edit(site, 5, "Le mot zorglubesque n'est nulle part ailleurs.")
    build(site)
    assert len(indexed) == 1 and indexed[0][0] == "fr"          # one shard, of the edited post's language
    after = bundles(out)
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert changed and {shard_of_file(rel, "fr") for rel in changed} == {indexed[0][1]}
    indexed.clear()
    build(site)   # nothing changed: Pagefind does not run
    assert indexed == [] and bundles(out) == after
    # the same site built from nothing makes the same index, byte for byte
    cold = tmp_path / "cold"
    build(site, BuildOptions(out=cold, force=True))
    assert bundles(cold) == after


def test_a_failed_index_update_leaves_the_previous_site_whole(corpus, tmp_path, monkeypatch):
    site, out = corpus, corpus / "_site"
    published = digest_tree(out)
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'indexer crashed' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "executable", lambda: str(broken))
    edit(site, 2, "Encore une phrase.")
    with pytest.raises(SiteError) as failure:
        build(site)
    assert any("indexer crashed" in p.message and not p.warning for p in failure.value.problems)
    assert digest_tree(out) == published
    assert not list(out.rglob(".tmp-*"))


def test_an_interrupted_index_update_leaves_the_previous_site_and_no_indexer(corpus, tmp_path, monkeypatch):
    site, out = corpus, corpus / "_site"
    published = digest_tree(out)
    pids = tmp_path / "pids"
    slow = tmp_path / "pagefind"   # an indexer still at work when Ctrl-C comes
    slow.write_text(f"#!/bin/sh\necho $$ >> {pids}\nexec sleep 60\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "executable", lambda: str(slow))
    edit(site, 2, "Encore une phrase.")

    def interrupt():
        deadline = time.monotonic() + 60
        while not pids.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        build(site)
    assert digest_tree(out) == published
    assert not list(out.rglob(".tmp-*"))
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
