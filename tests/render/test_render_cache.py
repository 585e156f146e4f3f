"""sitegen/render/cache.py: the Markdown memo in .cache/render.sqlite."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

import sitegen.render.cache as render_cache
from sitegen.markup.markdown import Rendered, TocEntry
from sitegen.render.bodies import RenderRequest, decode, encode
from sitegen.render.cache import RenderCache


def requests(*texts: str) -> list[RenderRequest]:
    return [RenderRequest(text, "fr", (), "<!--more-->") for text in texts]


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Counts the bodies actually rendered (not taken from the cache)."""
    counted: list[int] = []
    original = render_cache.render_many

    def counting(reqs, jobs):
        counted.append(len(reqs))
        return original(reqs, jobs)

    monkeypatch.setattr(render_cache, "render_many", counting)
    return counted


def test_entry_round_trip():
    rendered = Rendered("<p>é</p>", (TocEntry(2, "a", "A : b"),), "<p>é</p>", 1, ((3, "bad math"),), ("x.png",), " +𝑥")
    summary = encode(rendered)
    assert '"html": ""' in summary
    assert decode(summary) == replace(rendered, html="")


def test_html_is_read_only_when_asked_for(tmp_path, renders):
    path = tmp_path / "render.sqlite"
    keys, _ = RenderCache(path).render_all(requests("*un*", "deux"), jobs=1)
    cache = RenderCache(path)
    again, bodies = cache.render_all(requests("*un*", "deux"), jobs=1)
    assert renders == [2, 0] and again == keys
    assert [b.html for b in bodies] == ["", ""] and [b.excerpt for b in bodies] == ["<p><em>un</em></p>", "<p>deux</p>"]
    assert cache.html(keys[0]) == "<p><em>un</em></p>"


def test_second_cache_reads_what_the_first_stored(tmp_path, renders):
    path = tmp_path / ".cache" / "render.sqlite"
    keys, first = RenderCache(path).render_all(requests("## Un : deux", "texte"), jobs=1)
    cache = RenderCache(path)
    again_keys, again = cache.render_all(requests("## Un : deux", "texte"), jobs=1)
    assert renders == [2, 0]
    assert again_keys == keys and [replace(b, html="") for b in first] == again
    assert [cache.html(k) for k in keys] == [b.html for b in first]
    assert first[0].toc == (TocEntry(2, "un-deux", "Un\u00a0: deux"),)


def test_only_changed_bodies_render_again(tmp_path, renders):
    path = tmp_path / "render.sqlite"
    RenderCache(path).render_all(requests("a", "b", "c"), jobs=1)
    RenderCache(path).render_all(requests("a", "b changed", "c"), jobs=1)
    assert renders == [3, 1]


@pytest.mark.parametrize("damage", [
    b"not a database at all",
    b"SQLite format 3\x00" + b"\xff" * 200,                      # a header, then garbage
])
def test_unreadable_cache_file_is_set_aside_and_rebuilt(tmp_path, renders, damage):
    path = tmp_path / "render.sqlite"
    path.write_bytes(damage)
    keys, bodies = RenderCache(path).render_all(requests("x", "y"), jobs=1)
    assert [b.html for b in bodies] == ["<p>x</p>", "<p>y</p>"]   # rendered, not read
    RenderCache(path).render_all(requests("x", "y"), jobs=1)
    assert renders == [2, 0]                                        # the new file works


def test_corrupt_entry_renders_again(tmp_path, renders):
    path = tmp_path / "render.sqlite"
    keys, _ = RenderCache(path).render_all(requests("x"), jobs=1)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET summary = '{\"html\": 1' WHERE key = ?", (keys[0],))
    _, bodies = RenderCache(path).render_all(requests("x"), jobs=1)
    assert renders == [1, 1] and bodies[0].html == "<p>x</p>"


def test_stale_entries_are_forgotten_once_they_outnumber_live_ones(tmp_path):
    path = tmp_path / "render.sqlite"
    for n in range(100):
        RenderCache(path).render_all(requests(f"version {n}"), jobs=1)
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    assert count <= 2 * 1 + 64 + 1


def test_without_a_path_nothing_is_stored(tmp_path, renders):
    RenderCache(None).render_all(requests("x"), jobs=1)
    RenderCache(None).render_all(requests("x"), jobs=1)
    assert renders == [1, 1]


def test_html_gone_from_the_file_is_rendered_again(tmp_path, renders):
    path = tmp_path / "render.sqlite"
    RenderCache(path).render_all(requests("x"), jobs=1)
    cache = RenderCache(path)
    keys, _ = cache.render_all(requests("x"), jobs=1)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM entries")
    assert cache.html(keys[0]) == "<p>x</p>" and renders == [1, 0, 1]


def test_the_key_changes_with_the_rendering_code(monkeypatch):
    # a fix in the markup stage renders again without a RENDERER_VERSION bump (stale errors were kept)
    from sitegen.render import cache as render_cache

    before = render_cache._versions()
    real = render_cache.Path.read_bytes
    monkeypatch.setattr(render_cache.Path, "read_bytes",
                        lambda self: real(self) + (b"# changed" if self.name == "math.py" else b""))
    assert render_cache._versions() != before
