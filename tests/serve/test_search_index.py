"""serve publishes a rebuilt page first and its search index right after: live reload does not wait
for Pagefind, and what is served is at every moment a whole site with a whole index."""
from __future__ import annotations

import sys

from sites import ROOT
from sitegen.build import BuildOptions, build
from sitegen.serve.server import DevServer, SiteBuilder
from sitegen.site import search

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import post_name, write_corpus  # noqa: E402


def index_files(files) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if "/pagefind/" in path}


def test_the_page_is_published_before_its_index_and_the_index_is_a_cold_builds(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    site = write_corpus(tmp_path / "corpus", 12)
    builder = SiteBuilder(site, BuildOptions(live_reload=True, write=False, defer_search=True))
    server = DevServer(site, builder, port=0, say=lambda text: None, complain=lambda text: None, watch=False)
    server.rebuild({})
    first = server.state.snapshot
    assert index_files(first.files)                                       # the first build indexes at once
    post = site / "content/posts/fr" / post_name(3, "fr")
    post.write_text(post.read_text(encoding="utf-8") + "\nLe mot xylographie, ajouté.\n", encoding="utf-8")
    page = "fr/2015/01/10/billet-3/index.html"
    seen = {}
    real = builder.__call__

    def spy():
        built = real()
        index = built.index
        assert index is not None, "an edit's index is deferred under serve"

        def watched():
            seen["published"] = server.state.snapshot             # what is served while Pagefind runs
            return index()
        return type(built)(built.files, built.base, built.warnings, built.stale, watched)

    server.build_site = spy
    assert server.rebuild({str(post): "modified"}) == "reload"
    during, after = seen["published"], server.state.snapshot
    assert b"xylographie" in during.files[page] and b"xylographie" not in first.files[page]
    assert index_files(during.files) == index_files(first.files)          # the new page, the previous index whole
    assert after.version == during.version == first.version + 1             # one reload, not two
    assert after.files[page] == during.files[page]
    changed = {p for p in index_files(after.files) if index_files(first.files).get(p) != after.files[p]}
    assert changed and all(p.startswith("fr/pagefind/") for p in changed)
    # the index served after the update is the one a cold build makes
    build(site, BuildOptions(out=tmp_path / "cold", force=True))
    cold = {p.relative_to(tmp_path / "cold").as_posix(): p.read_bytes()
            for p in (tmp_path / "cold").rglob("*") if p.is_file() and "/pagefind/" in p.as_posix()}
    assert index_files(after.files) == cold
    # nothing changed: nothing to index, nothing published
    server.build_site = builder
    assert server.rebuild({}) is None and server.state.snapshot.files == after.files
