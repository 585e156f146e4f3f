"""sitegen/site/i18n.py and sources/strings.py: UI strings, localized dates, translation groups."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sitegen.sources.content import Source, parse_source
from sitegen.site.i18n import format_date, translation_groups
from sitegen.sources.strings import Strings, load_strings, parse_strings

LANGS = ("fr", "en")


# --- UI strings --------------------------------------------------------------------------------

def test_parse_strings_ok():
    strings, problems = parse_strings({"fr": "home: Accueil\nmin_read: \"{minutes} min de lecture\"\n",
                                       "en": "home: Home\nmin_read: \"{minutes} min read\"\n"}, LANGS)
    assert problems == []
    assert set(strings) == {"fr", "en"}
    assert isinstance(strings["fr"], Strings)
    assert strings["fr"]("home") == "Accueil"
    assert strings["en"]("min_read", minutes=4) == "4 min read"
    assert strings["fr"]("min_read", minutes=4) == "4 min de lecture"


def test_numbers_become_text():
    strings, problems = parse_strings({"fr": "n: 3\n", "en": "n: 3.5\n"}, LANGS)
    assert problems == [] and strings["fr"]("n") == "3" and strings["en"]("n") == "3.5"


def test_missing_key_names_key_and_language():
    _, problems = parse_strings({"fr": "home: Accueil\narchive: Archives\n", "en": "home: Home\n"}, LANGS)
    (p,) = problems
    assert p.path == "i18n/en.yaml"
    assert "`archive`" in p.message and "`en`" in p.message and "fr" in p.message
    assert not p.warning


def test_missing_keys_reported_in_every_language():
    _, problems = parse_strings({"fr": "a: A\n", "en": "b: B\n"}, LANGS)
    found = {(p.path, p.message.split("`")[1]) for p in problems}
    assert found == {("i18n/fr.yaml", "b"), ("i18n/en.yaml", "a")}


def test_missing_file():
    strings, problems = parse_strings({"fr": "a: A\n"}, LANGS)
    (p,) = problems
    assert p.path == "i18n/en.yaml" and "`en`" in p.message
    assert "en" not in strings


def test_invalid_yaml_is_located():
    strings, problems = parse_strings({"fr": "a: A\nb: [oops\nc: C\n", "en": "a: A\nb: B\nc: C\n"}, LANGS)
    (p,) = problems
    assert p.path == "i18n/fr.yaml" and "invalid YAML" in p.message
    assert p.line is not None and p.line >= 2
    assert "fr" not in strings


@pytest.mark.parametrize("text", ["a: {nested: 1}\n", "- a\n- b\n", "a: [1, 2]\n"])
def test_not_a_flat_mapping(text):
    _, problems = parse_strings({"fr": text, "en": "a: A\n"}, LANGS)
    assert any(p.path == "i18n/fr.yaml" and "flat mapping" in p.message for p in problems)


def test_empty_file_is_an_empty_table():
    strings, problems = parse_strings({"fr": "", "en": ""}, LANGS)
    assert problems == [] and strings["fr"].table == {}


def test_load_strings(tmp_path):
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "fr.yaml").write_text("home: Accueil\n", encoding="utf-8")
    (tmp_path / "i18n" / "en.yaml").write_text("home: Home\n", encoding="utf-8")
    strings, problems = load_strings(tmp_path, LANGS)
    assert problems == [] and strings["en"]("home") == "Home"


def test_repository_strings_are_complete():
    from conftest import ROOT

    strings, problems = load_strings(ROOT, LANGS)
    assert problems == []
    assert strings["fr"]("language_name") == "Français"


# --- dates ------------------------------------------------------------------------------------

def test_format_date_fr_and_en():
    when = datetime(2021, 4, 5, 15, 37, tzinfo=timezone.utc)
    assert format_date(when, "fr") == "5 avril 2021"
    assert format_date(when, "en") == "April 5, 2021"


def test_format_date_uses_the_post_own_calendar_day():
    # 23:30 at -05:00 is already April 6 in UTC, but the post says April 5
    when = datetime(2021, 4, 5, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert format_date(when, "fr") == "5 avril 2021"


def test_format_date_other_format():
    assert format_date(datetime(2021, 12, 25, tzinfo=timezone.utc), "fr", "medium") == "25 déc. 2021"


# --- translation groups ------------------------------------------------------------------------

def post(path: str, lang: str, yaml: str = ""):
    kind = "post" if "/posts/" in path else "page"
    p, problems = parse_source(Source(path, kind, lang, f"---\ntitle: t\n{yaml}---\nbody\n"))
    assert p is not None, problems
    return p


def test_translation_groups_by_key():
    fr = post("content/posts/fr/2021-04-05-phase-d-entrainement.md", "fr", "translation_key: bn\n")
    en = post("content/posts/en/2021-04-05-training-phase.md", "en", "translation_key: bn\n")
    solo = post("content/posts/fr/2021-06-07-seulement.md", "fr")
    groups, problems = translation_groups([fr, en, solo])
    assert problems == []
    assert groups["bn"] == {"fr": fr, "en": en}
    assert groups[solo.translation_key] == {"fr": solo}
    assert len(groups) == 2


def test_same_file_name_in_two_languages_is_a_translation():
    fr = post("content/pages/fr/about.md", "fr")
    en = post("content/pages/en/about.md", "en")
    groups, problems = translation_groups([fr, en])
    assert problems == [] and groups == {"page:about": {"fr": fr, "en": en}}


def test_duplicate_key_in_one_language_is_an_error():
    first = post("content/posts/fr/2021-01-01-a.md", "fr", "translation_key: same\n")
    second = post("content/posts/fr/2021-01-02-b.md", "fr", "layout: post\ntranslation_key: same\n")
    groups, problems = translation_groups([first, second])
    (p,) = problems
    assert p.path == second.path and p.line == 4
    assert "`same`" in p.message and first.path in p.message and "`fr`" in p.message
    assert groups["same"] == {"fr": first}


def test_french_first_day_of_a_month_is_an_ordinal():
    first = datetime(2021, 4, 1, tzinfo=timezone.utc)
    assert format_date(first, "fr") == "1er avril 2021"
    assert format_date(first, "fr", "medium") == "1er avr. 2021"
    assert format_date(first, "fr", "full") == "jeudi 1er avril 2021"
    assert format_date(first, "fr", "short") == "01/04/2021"   # numeric: no ordinal
    assert format_date(first, "en") == "April 1, 2021"
    assert format_date(datetime(2021, 4, 11, tzinfo=timezone.utc), "fr") == "11 avril 2021"
    assert format_date(datetime(2021, 4, 21, tzinfo=timezone.utc), "fr") == "21 avril 2021"
