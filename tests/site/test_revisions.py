"""sitegen/site/translations.py and scan.py: revisions by section, drift, tracked states, link targets."""
from __future__ import annotations

import pytest

from sitegen.site.scan import anchors, split_parts
from sitegen.site.i18n import translation_groups
from sitegen.site.translations import compare, cut, link_targets, pairs, revision_of, summary, track
from sitegen.sources.content import Source, parse_source

FR = """---
title: "Premier billet"
date: 2024-05-02 10:00:00 +0200
translation_key: first
tags: [a, b]
description: Un billet.
---
Ceci est l'introduction.

## Une section

Un paragraphe de 3 lignes
qui continue ici.

```python
x = 1
if x:
    print(x)
```

## Une autre section

La fin.
"""

EN = """---
title: First post
translation_key: first
translated_from: {lang: fr, revision: "%s"}
---
This is the introduction.

## A section

A paragraph.

## Another section

The end.
"""


def groups(posts):
    return translation_groups(posts)[0]


def post(text: str, path: str = "content/posts/fr/2024-05-02-premier-billet.md"):
    lang = path.split("/")[2]
    parsed, problems = parse_source(Source(path, "post", lang, text))
    assert problems == [], problems
    return parsed


def en_post(revision: str):
    return post(EN % revision, "content/posts/en/2024-05-02-first-post.md")


# --- sections and revisions ------------------------------------------------------------------------

def test_sections_follow_headings_with_their_lines():
    parts = split_parts(post(FR).body, post(FR).body_line)
    assert [(p.heading.title if p.heading else None, p.line) for p in parts] == \
        [(None, 8), ("Une section", 10), ("Une autre section", 21)]
    revision = cut(post(FR))
    assert [s.key for s in revision.sections] == ["title", "description", "", "#une-section", "#une-autre-section"]
    assert len(revision.id) == 10 and int(revision.id, 16) >= 0


def test_headings_inside_code_are_not_sections_and_setext_ones_are():
    body = "Intro.\n\n```\n# not a heading\n```\n\nTitre\n=====\n\ntexte\n\n## Deux {#two}\n\nx\n"
    parts = split_parts(body, 1)
    assert [(p.heading.level, p.heading.title, p.line) for p in parts if p.heading] == [(1, "Titre", 7), (2, "Deux", 12)]
    assert anchors([p.heading for p in parts if p.heading]) == ["titre", "two"]


def test_repeated_headings_get_the_renderers_ids():
    parts = split_parts("## Notes\n\na\n\n## Notes\n\nb\n", 1)
    assert anchors([p.heading for p in parts]) == ["notes", "notes_1"]


def test_whitespace_and_front_matter_noise_do_not_change_the_revision():
    base = revision_of(post(FR)).id
    rewrapped = FR.replace("Un paragraphe de 3 lignes\nqui continue ici.", "Un paragraphe   de 3 lignes qui\ncontinue ici.  ")
    noisy = FR.replace("tags: [a, b]", "tags: [c]\ncategories: [X]\ndraft: true").replace("10:00:00", "11:30:00")
    blank_code = FR.replace("x = 1\n", "x = 1   \n\n")
    for variant in (rewrapped, noisy, blank_code):
        assert revision_of(post(variant)).id == base


@pytest.mark.parametrize("edit", [
    ("Premier billet", "Premier billet revu"),            # the title
    ("description: Un billet.", "description: Deux."),   # the description
    ("3 lignes", "4 lignes"),                             # a number in the prose
    ("    print(x)", "print(x)"),                         # code: indentation is meaning
    ("La fin.", "La fin, enfin."),
])
def test_translatable_edits_change_the_revision(edit):
    assert revision_of(post(FR.replace(*edit))).id != revision_of(post(FR)).id


def test_compare_names_changed_new_and_removed_sections():
    old = cut(post(FR))
    new = cut(post(FR.replace("Un paragraphe", "Le paragraphe").replace("## Une autre section", "## Conclusion")
                   .replace("Premier billet", "Le premier billet")))
    assert [c.label for c in compare(old, new)] == \
        ["the title", '"Une section"', '"Conclusion" (new)', '"Une autre section" (removed)']
    assert compare(old, old) == ()


# --- tracking ---------------------------------------------------------------------------------------

def test_states_up_to_date_stale_orphaned_unrecorded():
    fr = post(FR)
    current = revision_of(fr)
    old_fr = post(FR.replace("Un paragraphe", "Un ancien paragraphe"))
    past = {cut(old_fr).id: cut(old_fr)}.get

    [t] = track(groups([fr, en_post(current.id)]), lambda source, rev: past(rev))
    assert t.state == "up to date" and t.source is fr

    [t] = track(groups([fr, en_post(revision_of(old_fr).id)]), lambda source, rev: past(rev))
    assert t.state == "stale" and [c.label for c in t.changes] == ['"Une section"']
    assert summary(t) == ('translation of content/posts/fr/2024-05-02-premier-billet.md is stale: 1 section changed '
                          'since it was made: "Une section" (see `python site.py translations --diff '
                          'content/posts/en/2024-05-02-first-post.md`)')

    [t] = track(groups([fr, en_post("abcdef0123")]), lambda source, rev: None)
    assert t.state == "stale" and t.changes is None and "which sections is unknown" in summary(t)

    [t] = track(groups([en_post(current.id)]), lambda source, rev: None)
    assert t.state == "orphaned" and "no `fr` post has this post's translation_key `first`" in summary(t)

    unrecorded = post(EN.replace('{lang: fr, revision: "%s"}', "fr"), "content/posts/en/2024-05-02-first-post.md")
    [t] = track(groups([fr, unrecorded]), lambda source, rev: None)
    assert t.state == "unrecorded" and "--sync content/posts/en/2024-05-02-first-post.md" in summary(t)


def test_pairs_compare_each_version_with_what_it_names_else_the_default_language():
    fr, en = post(FR), en_post("abcdef0123")
    assert pairs(groups([en, fr]), ("fr", "en"), "fr") == [(fr, en)]
    assert pairs(groups([fr]), ("fr", "en"), "fr") == []


def test_link_targets_map_posts_to_their_group_and_language_pages_to_any_language():
    fr = post(FR + "\n[voir](/fr/2024/05/02/premier-billet/)\n")
    en = en_post("abcdef0123")
    urls = {fr.path: "/fr/2024/05/02/premier-billet/", en.path: "/en/2024/05/02/first-post/"}
    canonical = link_targets([fr, en], urls, "https://example.org", "/blog", ("fr", "en"))
    assert canonical("/fr/2024/05/02/premier-billet/", fr) == canonical("https://example.org/blog/en/2024/05/02/first-post/", en) \
        == "post:first"
    assert canonical("{% post_url 2024-05-02-premier-billet %}", fr) == "post:first"
    assert canonical("/fr/archive/", fr) == canonical("/en/archive/", en) == "/*/archive/"
    assert canonical("#une-autre-section", fr) == canonical("#another-section", en) == "#1"
    assert canonical("https://arxiv.org/abs/1", fr) == "https://arxiv.org/abs/1"


def test_anchors_of_either_heading_id_scheme_map_to_the_heading():
    fr = post(FR.replace("## Une section", "## Phase d'entraînement"))
    canonical = link_targets([fr], {fr.path: "/fr/x/"}, "", "", ("fr", "en"))
    assert canonical("#phase-d-entrainement", fr) == canonical("#phase-dentraînement", fr) == "#0"
    assert canonical("#nowhere", fr) == "#nowhere"
