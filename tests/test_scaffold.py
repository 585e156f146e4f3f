"""`new`: file names, front matter read back by the project's own parser, refusals."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sites import make_site

import pytest

from sitegen.build import BuildOptions, build
from sitegen.sources.content import Source, parse_source
from sitegen.errors import SiteError
from sitegen.scaffold import new_post

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 27, 10, 15, 42, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site("serve_site", tmp_path)


def read_post(root: Path, path: Path):
    rel = path.relative_to(root).as_posix()
    post, problems = parse_source(Source(rel, "post", rel.split("/")[2], path.read_text(encoding="utf-8")))
    assert problems == [] and post is not None
    return post


def test_new_post_path_and_front_matter(site):
    [path] = new_post(site, "Phase d'entraînement", now=NOW)
    assert path == site / "content/posts/fr/2026-11-27-phase-d-entrainement.md"
    text = path.read_text(encoding="utf-8")
    assert "date: 2026-11-27 10:15:42 +0100\n" in text
    post = read_post(site, path)
    assert post.front.title == "Phase d'entraînement"
    assert post.date == NOW
    assert post.lang == "fr" and post.front.lang == "fr"
    assert post.front.translation_key == "phase-d-entrainement"
    assert post.front.draft is True
    assert post.front.categories == ()
    assert post.slug == "phase-d-entrainement"


def test_language_date_and_categories(site):
    [path] = new_post(site, "Hello there", lang="en", day="2025-02-03", categories=["ml", "Deep learning"], now=NOW)
    assert path == site / "content/posts/en/2025-02-03-hello-there.md"
    post = read_post(site, path)
    assert post.date == datetime(2025, 2, 3, 10, 15, 42, tzinfo=NOW.tzinfo)
    assert post.front.categories == ("ml", "Deep learning")


def test_default_date_is_local_time_with_offset(site):
    [path] = new_post(site, "Maintenant")
    post = read_post(site, path)
    assert post.date.utcoffset() == datetime.now().astimezone().utcoffset()
    assert abs((datetime.now(timezone.utc) - post.date).total_seconds()) < 60


def test_translation_is_linked_and_has_its_own_slug(site):
    fr, en = new_post(site, "Normalisation par lots", translation="Batch normalization", now=NOW)
    assert fr == site / "content/posts/fr/2026-11-27-normalisation-par-lots.md"
    assert en == site / "content/posts/en/2026-11-27-batch-normalization.md"
    a, b = read_post(site, fr), read_post(site, en)
    assert a.translation_key == b.translation_key == "normalisation-par-lots"
    assert (a.lang, b.lang) == ("fr", "en")
    assert b.front.title == "Batch normalization"


def test_translation_from_english(site):
    en, fr = new_post(site, "Batch size", lang="en", translation="Taille de lot", now=NOW)
    assert fr.parent.name == "fr" and en.parent.name == "en"
    assert read_post(site, fr).translation_key == read_post(site, en).translation_key == "batch-size"


@pytest.mark.parametrize("title", [
    'Keys: values # not a comment',
    "L'apostrophe « française » : oui",
    'He said "hi" — then left',
    "- leading dash, [brackets], {braces}, & and *star",
    "yes",
    "2026-11-27",
    "null",
    "  spaces   inside  ",
])
def test_yaml_special_titles_round_trip(site, title):
    [path] = new_post(site, title, now=NOW)
    assert read_post(site, path).front.title == " ".join(title.split())


def test_never_overwrites(site):
    [path] = new_post(site, "Déjà là", now=NOW)
    path.write_text("---\ntitle: mine\n---\nkeep me\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        new_post(site, "Déjà là", now=NOW)
    [problem] = caught.value.problems
    assert problem.path == "content/posts/fr/2026-11-27-deja-la.md"
    assert "already exists" in problem.message
    assert path.read_text(encoding="utf-8") == "---\ntitle: mine\n---\nkeep me\n"


def test_checks_both_files_before_writing_either(site):
    existing = site / "content/posts/en/2026-11-27-already-there.md"
    existing.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        new_post(site, "Tout neuf", translation="Already there", now=NOW)
    assert caught.value.problems[0].path == "content/posts/en/2026-11-27-already-there.md"
    assert not (site / "content/posts/fr/2026-11-27-tout-neuf.md").exists()


@pytest.mark.parametrize("kwargs, where, words", [
    ({"title": "x", "lang": "de"}, "site.yaml", "not one of the site's languages"),
    ({"title": ""}, "content/posts/fr", "title is empty"),
    ({"title": "   \t "}, "content/posts/fr", "title is empty"),
    ({"title": "ok", "translation": " "}, "content/posts/en", "title is empty"),
    ({"title": "!!!"}, "content/posts/fr", "no letter or digit"),
    ({"title": "x", "day": "2026-02-30"}, "--date", "expected a date YYYY-MM-DD"),
    ({"title": "x", "day": "27/11/2026"}, "--date", "expected a date YYYY-MM-DD"),
    ({"title": "x", "day": "2026-1-2"}, "--date", "expected a date YYYY-MM-DD"),
])
def test_refusals_write_nothing(site, kwargs, where, words):
    before = sorted(p for p in (site / "content").rglob("*"))
    with pytest.raises(SiteError) as caught:
        new_post(site, now=NOW, **kwargs)
    [problem] = caught.value.problems
    assert problem.path == where and words in problem.message
    assert sorted(p for p in (site / "content").rglob("*")) == before


def test_translation_key_already_used_gets_the_date(site):
    # the fixture already has a post with translation_key `first-post`
    [path] = new_post(site, "First post", lang="en", day="2026-01-05", now=NOW)
    assert read_post(site, path).translation_key == "first-post-2026-01-05"


def test_created_posts_build_only_with_drafts(site):
    new_post(site, "Brouillon : essai", translation="Draft: trial", now=NOW - timedelta(days=400))
    hidden = build(site, BuildOptions(write=False))
    shown = build(site, BuildOptions(write=False, drafts=True))
    assert not any("brouillon-essai" in p for p in hidden.tree.files)
    pages = sorted(p for p in shown.tree.files if "brouillon-essai" in p or "draft-trial" in p)
    assert pages == ["en/2025/10/23/draft-trial/index.html", "fr/2025/10/23/brouillon-essai/index.html"]
    assert b"Brouillon" in shown.tree.files[pages[1]] and b"Draft: trial" in shown.tree.files[pages[0]]


def test_cli_prints_paths_and_fails_cleanly(site):
    run = [sys.executable, str(REPO / "site.py"), "--root", str(site), "new"]
    ok = subprocess.run(run + ["Depuis la ligne de commande", "--categories", "a", "b"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    [printed] = ok.stdout.split()
    assert printed.endswith("content/posts/fr/" + Path(printed).name) and Path(printed).is_file()
    again = subprocess.run(run + ["Depuis la ligne de commande"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr


def test_long_title_keeps_the_title_and_cuts_the_slug_at_a_word(site):
    title = " ".join(["normalisation"] * 40)                 # 559 characters: a file name too long for any disk
    [path] = new_post(site, title, now=NOW)
    slug = path.name.removeprefix("2026-11-27-").removesuffix(".md")
    assert slug == "-".join(["normalisation"] * 4)          # 55 characters, cut between two words
    post = read_post(site, path)
    assert post.front.title == title and post.slug == slug


def test_long_word_is_cut_too(site):
    [path] = new_post(site, "x" * 500, now=NOW)
    assert path.name == "2026-11-27-" + "x" * 60 + ".md"


def test_file_system_refusal_is_a_clean_error(site):
    folder = site / "content/posts/en"
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.write_text("not a folder", encoding="utf-8")      # where `new` must create its folder
    with pytest.raises(SiteError) as caught:
        new_post(site, "Tout neuf", translation="Brand new", now=NOW)
    [problem] = caught.value.problems
    assert problem.path == "content/posts/en" and "cannot create this folder" in problem.message
    assert not (site / "content/posts/fr/2026-11-27-tout-neuf.md").exists()   # the first one is taken back


def test_cli_long_title_no_traceback(site):
    run = [sys.executable, str(REPO / "site.py"), "--root", str(site), "new", "Titre " * 100]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    [printed] = done.stdout.split()
    assert len(Path(printed).name) <= len("2026-11-27-") + 60 + len(".md")
