"""sitegen/sources/content.py: Jekyll naming rules, front matter split and typed, visibility."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import sitegen.sources.content as content
from sitegen.sources.content import (
    Source, discover, is_visible, parse_date, parse_post_name, parse_source, slugify, split_front_matter,
)

RULE = "YYYY-MM-DD-slug"


def source(text: str, name: str = "2021-04-05-x", kind: str = "post", lang: str = "fr") -> Source:
    folder = "posts" if kind == "post" else "pages"
    return Source(f"content/{folder}/{lang}/{name}.md", kind, lang, text)


def parse(text: str, **kw):
    return parse_source(source(text, **kw))


def ok(text: str, **kw):
    post, problems = parse(text, **kw)
    assert problems == [] and post is not None, [str(p) for p in problems]
    return post


def fails(text: str, **kw):
    post, problems = parse(text, **kw)
    assert post is None and problems, "expected problems"
    return problems


def front(yaml: str, body: str = "Body.\n") -> str:
    return f"---\n{yaml}---\n{body}"


# --- slugify ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, slug", [
    ("Hello World!", "hello-world"),
    ("Phase d'entraînement", "phase-d-entrainement"),
    ("phase-d-entraînement", "phase-d-entrainement"),
    ("  Été — à  Noël  ", "ete-a-noel"),
    ("C++ & Python 3.11", "c-python-3-11"),
    ("déjà_vu", "deja-vu"),
    ("!!!", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_transliterates_french_ligatures():
    # « cœur », « œuvre », « ex æquo »: œ and æ have no NFKD decomposition and must not vanish
    assert slugify("Cœur d'œuvre") == "coeur-d-oeuvre"
    assert slugify("ex æquo") == "ex-aequo"


# --- Jekyll file names ------------------------------------------------------------------------------

def test_post_name_valid():
    assert parse_post_name("2021-04-05-phase-d-entrainement") == (date(2021, 4, 5), "phase-d-entrainement")


def test_post_name_single_digit_month_and_day_are_valid():
    assert parse_post_name("2021-4-5-x") == (date(2021, 4, 5), "x")
    assert parse_post_name("2021-6-07-seulement") == (date(2021, 6, 7), "seulement")


def test_post_name_odd_characters_become_a_slug():
    assert parse_post_name("2021-04-05-Hello World!") == (date(2021, 4, 5), "hello-world")


def test_post_name_accents_are_transliterated():
    assert parse_post_name("2021-04-05-phase-d-entraînement") == (date(2021, 4, 5), "phase-d-entrainement")


def test_post_name_impossible_date_names_the_rule():
    message = parse_post_name("2021-13-45-x")
    assert isinstance(message, str)
    assert RULE in message and "2021-13-45 is not a date" in message


def test_post_name_february_30():
    message = parse_post_name("2021-02-30-x")
    assert isinstance(message, str) and "not a date" in message


@pytest.mark.parametrize("stem", ["2021-04-05", "2021-04-05-", "2021-4-5-"])
def test_post_name_without_slug(stem):
    message = parse_post_name(stem)
    assert isinstance(message, str) and RULE in message and "no slug" in message and "no date" not in message


def test_post_name_without_date():
    message = parse_post_name("phase-d-entrainement")
    assert isinstance(message, str) and "no date" in message


def test_post_name_slug_without_letters():
    message = parse_post_name("2021-04-05-!!!")
    assert isinstance(message, str) and "no letter or digit" in message


def test_bad_post_name_is_a_problem_on_the_file():
    post, problems = parse_source(Source("content/posts/fr/2021-13-45-x.md", "post", "fr", "Body\n"))
    assert post is None
    (p,) = problems
    assert p.path == "content/posts/fr/2021-13-45-x.md" and RULE in p.message


def test_page_names_need_no_date():
    post = ok(front("title: À propos\n"), name="a-propos", kind="page")
    assert post.slug == "a-propos" and post.date is None and not post.is_post


def test_post_gets_date_and_slug_from_its_name():
    post = ok("Just a body.\n", name="2021-4-5-Hello World!")
    assert post.slug == "hello-world"
    assert post.date == datetime(2021, 4, 5, tzinfo=timezone.utc)
    assert post.front.title == "Hello world"       # derived from the slug when no title is given
    assert post.body == "Just a body.\n" and post.body_line == 1
    assert post.is_post and post.lang == "fr"


# --- front matter split ---------------------------------------------------------------------------

def test_split_front_matter_lines():
    yaml, body, yaml_line, body_line = split_front_matter("---\ntitle: a\ndate: 2021-01-01\n---\nHello\n")
    assert yaml == "title: a\ndate: 2021-01-01\n"
    assert body == "Hello\n"
    assert (yaml_line, body_line) == (2, 5)


def test_split_front_matter_none():
    assert split_front_matter("Hello\n---\n") == (None, "Hello\n---\n", 0, 1)


def test_split_front_matter_horizontal_rule_is_not_front_matter():
    yaml, body, _, _ = split_front_matter("----\ntitle: a\n----\n")
    assert yaml is None and body.startswith("----")


def test_split_front_matter_empty_block():
    yaml, body, _, body_line = split_front_matter("---\n---\nBody\n")
    assert yaml == "" and body == "Body\n" and body_line == 3


def test_split_front_matter_dots_close_it():
    yaml, body, _, body_line = split_front_matter("---\ntitle: a\n...\nBody\n")
    assert yaml == "title: a\n" and body == "Body\n" and body_line == 4


def test_split_front_matter_unclosed():
    assert split_front_matter("---\ntitle: a\nBody\n")[2] == -1


def test_unclosed_front_matter_is_an_error_with_a_hint():
    (p,) = fails("---\ntitle: a\n\nBody text\n")
    assert p.line == 1 and "never closed" in p.message and "`---`" in p.message


def test_body_line_points_into_the_file():
    post = ok("---\ntitle: a\ntags: x\n---\nfirst body line\n")
    assert post.body_line == 5
    lines = post.source.text.split("\n")
    assert lines[post.body_line - 1] == "first body line"


# --- YAML errors --------------------------------------------------------------------------------

def test_yaml_error_unclosed_quote_points_at_the_quote():
    (p,) = fails("---\ntitle: a\ndescription: \"never closed\nlayout: post\n---\nBody\n")
    assert p.line == 3
    assert "not valid YAML" in p.message


def test_yaml_error_unclosed_bracket_points_at_the_bracket():
    (p,) = fails("---\ntitle: a\n\ntags: [a, b\nlayout: post\n---\n")
    assert p.line == 4


def test_yaml_error_bad_indentation_line():
    (p,) = fails("---\ntitle: a\nlayout: post\n  bad: indent\n---\n")
    assert p.line == 4


def test_front_matter_must_be_a_mapping():
    (p,) = fails("---\n- a\n- b\n---\n")
    assert p.line == 2 and "mapping" in p.message and "list" in p.message


# --- dates ------------------------------------------------------------------------------------

def test_date_override_with_time_and_offset():
    post = ok(front("title: a\ndate: 2021-04-05 15:37:00 +0200\n"))
    assert post.date == datetime(2021, 4, 5, 15, 37, tzinfo=timezone(timedelta(hours=2)))
    assert post.date.utcoffset() == timedelta(hours=2)
    assert post.front.date == post.date


def test_date_override_with_yaml_timestamp_and_colon_offset():
    post = ok(front("title: a\ndate: 2021-04-05 15:37:00 +02:00\n"))
    assert post.date == datetime(2021, 4, 5, 13, 37, tzinfo=timezone.utc)


def test_date_without_offset_is_utc():
    post = ok(front("title: a\ndate: 2021-04-06 08:00\n"))
    assert post.date == datetime(2021, 4, 6, 8, 0, tzinfo=timezone.utc)


def test_date_override_of_file_name_date():
    post = ok(front("title: a\ndate: 2022-01-02\n"), name="2021-04-05-x")
    assert post.date == datetime(2022, 1, 2, tzinfo=timezone.utc)
    assert post.slug == "x"


def test_bad_date_is_located():
    (p,) = fails(front("title: a\nlayout: post\ndate: yesterday\n"))
    assert p.line == 4 and "`date`" in p.message and "'yesterday'" in p.message


@pytest.mark.parametrize("value, expected", [
    ("2021-04-05", datetime(2021, 4, 5, tzinfo=timezone.utc)),
    ("2021-04-05T10:11:12+0100", datetime(2021, 4, 5, 9, 11, 12, tzinfo=timezone.utc)),
    (date(2021, 4, 5), datetime(2021, 4, 5, tzinfo=timezone.utc)),
    (datetime(2021, 4, 5, 1, 2), datetime(2021, 4, 5, 1, 2, tzinfo=timezone.utc)),
    ("5 avril 2021", None),
    (20210405, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --- categories, tags ---------------------------------------------------------------------------

def test_categories_string_is_space_separated():
    post = ok(front("title: a\ncategories: deep-learning python\n"))
    assert post.front.categories == ("deep-learning", "python")


def test_categories_list_keeps_spaces_inside_items():
    post = ok(front("title: a\ncategories:\n  - Apprentissage profond\n  - Python\n"))
    assert post.front.categories == ("Apprentissage profond", "Python")


def test_tags_string_and_list():
    assert ok(front("title: a\ntags: a b  c\n")).front.tags == ("a", "b", "c")
    assert ok(front("title: a\ntags: [x, 3]\n")).front.tags == ("x", "3")
    assert ok(front("title: a\n")).front.tags == ()


def test_singular_category_is_one_category_like_jekyll():
    # Jekyll (Utils.pluralized_array_from_hash): `category: deep learning` is ONE category, and the
    # singular key wins over `categories`.
    post = ok(front("title: a\ncategory: deep learning\n"))
    assert post.front.categories == ("deep learning",)


def test_categories_wrong_type_is_located():
    (p,) = fails(front("title: a\nlayout: post\ncategories: {a: 1}\n"))
    assert p.line == 4 and "`categories`" in p.message


def test_singular_category_wrong_type_is_located_at_its_own_line():
    (p,) = fails(front("title: a\nlayout: post\ncategory: [[nested]]\n"))
    assert p.line == 4


# --- other typed keys --------------------------------------------------------------------------

def test_wrong_types_are_all_reported_with_lines():
    problems = fails(front("title: [a, b]\npublished: maybe\ndraft: 1\nlayout: 3\ntags: {a: 1}\n"))
    by_line = {p.line: p.message for p in problems}
    assert "`title`: expected a string, got list" in by_line[2]
    assert "`published`: expected true or false, got str 'maybe'" in by_line[3]
    assert "`draft`: expected true or false, got int 1" in by_line[4]
    assert "`layout`: expected a string, got int 3" in by_line[5]
    assert "`tags`" in by_line[6]
    assert len(problems) == 5


def test_lang_must_match_folder():
    (p,) = fails(front("title: a\nlang: en\n"), lang="fr")
    assert p.line == 3 and "contradicts" in p.message


def test_relative_permalink_is_accepted_as_jekyll_does():
    assert ok(front("title: a\npermalink: my_category/post\n")).front.permalink == "my_category/post"


def test_permalink_with_an_unknown_token_is_an_error_at_its_line():
    (p,) = fails(front("title: a\npermalink: /notes/:titel/\n"))
    assert p.line == 3 and "`permalink`" in p.message and ":titel" in p.message


def test_singular_tag_is_one_tag_and_wins_over_tags():
    assert ok(front("tag: deep learning\n")).front.tags == ("deep learning",)
    assert ok(front("tag: a\ntags: b c\n")).front.tags == ("a",)
    (p,) = fails(front("tag: {x: 1}\n"))
    assert p.line == 2 and "`tag`" in p.message


@pytest.mark.parametrize("name, slug", [
    ("2021-04-05-한국어 글", "한국어-글"), ("2021-04-05-Привет-мир", "привет-мир"), ("2021-04-05-日本語", "日本語"),
    ("2021-04-05-Phase d'entraînement", "phase-d-entrainement"),
])
def test_a_name_in_any_script_has_a_slug_in_that_script(name, slug):
    assert parse_post_name(name)[1] == slug
    assert ok(front("title: a\n"), name=name).slug == slug


def test_numeric_title_is_a_string():
    assert ok(front("title: 1984\n")).front.title == "1984"


def test_empty_title_is_not_the_string_none():
    post, problems = parse(front("title:\n"))
    assert post is None or post.front.title != "None"


def test_extra_keys_kept_in_extra_and_known_keys_not():
    post = ok(front("title: a\nmath: true\nhero: {image: x.png}\nlayout: post\ndescription: d\n"))
    assert post.front.extra == {"math": True, "hero": {"image": "x.png"}}
    assert post.front.layout == "post" and post.front.description == "d"


def test_front_slug_and_translation_key():
    post = ok(front("title: a\nslug: Mon Titre Élégant\ntranslation_key: bn\n"))
    assert post.slug == "mon-titre-elegant"
    assert post.translation_key == "bn"


def test_default_translation_key_uses_kind_and_stem():
    assert ok(front("title: a\n"), name="2021-04-05-x").translation_key == "post:2021-04-05-x"


def test_key_lines():
    post = ok(front("title: a\n\ntags: x\nfoo: 1\n"))
    assert post.line_of("title") == 2 and post.line_of("tags") == 4 and post.line_of("foo") == 5
    assert post.line_of("missing") is None


def test_excerpt_separator_default_and_override():
    assert ok(front("title: a\n")).front.excerpt_separator == "<!--more-->"
    assert ok(front("title: a\nexcerpt_separator: '<!-- cut -->'\n")).front.excerpt_separator == "<!-- cut -->"


# --- visibility ---------------------------------------------------------------------------------

NOW = datetime(2021, 6, 1, 12, tzinfo=timezone.utc)


def test_ordinary_past_post_is_visible():
    assert is_visible(ok(front("title: a\n")), NOW, drafts=False, future=False)


@pytest.mark.parametrize("yaml", ["draft: true\n", "published: false\n"])
def test_drafts_and_unpublished_need_drafts_flag(yaml):
    post = ok(front("title: a\n" + yaml))
    assert not is_visible(post, NOW, drafts=False, future=False)
    assert is_visible(post, NOW, drafts=True, future=False)


def test_future_post_needs_future_flag():
    post = ok(front("title: a\n"), name="2999-01-01-x")
    assert not is_visible(post, NOW, drafts=False, future=False)
    assert not is_visible(post, NOW, drafts=True, future=False)
    assert is_visible(post, NOW, drafts=False, future=True)


def test_future_is_judged_with_time_and_offset():
    post = ok(front("title: a\ndate: 2021-06-01 13:30:00 +0200\n"))   # 11:30 UTC, before NOW (12:00 UTC)
    assert is_visible(post, NOW, drafts=False, future=False)
    later = ok(front("title: a\ndate: 2021-06-01 12:30:00 -0100\n"))  # 13:30 UTC, after NOW
    assert not is_visible(later, NOW, drafts=False, future=False)


def test_future_dated_page_is_visible():
    page = ok(front("title: a\ndate: 2999-01-01\n"), name="a-propos", kind="page")
    assert is_visible(page, NOW, drafts=False, future=False)


# --- discover (the only filesystem function) ---------------------------------------------------

def test_discover(tmp_path):
    posts = tmp_path / "content" / "posts"
    (posts / "fr").mkdir(parents=True)
    (posts / "en").mkdir()
    (posts / "de").mkdir()
    (tmp_path / "content" / "pages" / "fr").mkdir(parents=True)
    (posts / "fr" / "2021-04-05-x.md").write_bytes(b"---\r\ntitle: a\r\n---\r\nBody\r\n")
    (posts / "fr" / ".2021-04-05-hidden.md").write_text("x")
    (posts / "fr" / "2021-04-05-x.md~").write_text("x")
    (posts / "fr" / "notes.txt").write_text("x")
    (posts / "en" / "2021-04-05-y.markdown").write_text("y")
    for ext in ("mkdn", "mkd", "text", "mdown"):
        (posts / "en" / f"2021-04-07-{ext}.{ext}").write_text("y")
    (posts / "de" / "2021-04-05-z.md").write_text("z")
    (posts / "loose.md").write_text("z")
    (tmp_path / "content" / "pages" / "fr" / "a-propos.md").write_text("p")
    (posts / "en" / "2021-04-06-latin1.md").write_bytes("caf\xe9".encode("latin-1"))

    sources, problems = discover(tmp_path, ("fr", "en"))
    found = {s.path: s for s in sources}
    assert set(found) == {"content/posts/fr/2021-04-05-x.md", "content/posts/en/2021-04-05-y.markdown",
                          "content/pages/fr/a-propos.md", *(f"content/posts/en/2021-04-07-{ext}.{ext}"
                                                           for ext in ("mkdn", "mkd", "text", "mdown"))}
    assert found["content/posts/fr/2021-04-05-x.md"].text == "---\ntitle: a\n---\nBody\n"   # CRLF normalised
    assert found["content/pages/fr/a-propos.md"].kind == "page"
    assert found["content/posts/en/2021-04-05-y.markdown"].lang == "en"
    paths = sorted(p.path for p in problems)
    assert paths == ["content/posts/de/2021-04-05-z.md", "content/posts/en/2021-04-06-latin1.md", "content/posts/loose.md"]
    assert any("UTF-8" in p.message for p in problems)


# --- FRONT_MATTER: parsed YAML remembered by its text (kept between runs by memo.py) -------------

@pytest.fixture
def empty_memo(monkeypatch):
    monkeypatch.setattr(content, "FRONT_MATTER", {})


def test_front_matter_is_parsed_once_per_text(empty_memo, monkeypatch):
    sources = [Source(f"content/posts/fr/2021-04-0{i}-x.md", "post", "fr", "---\ntitle: T\n---\nB\n") for i in (1, 2)]
    calls = []
    real = content.load_yaml
    monkeypatch.setattr(content, "load_yaml", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert [parse_source(s)[0].front.title for s in sources] == ["T", "T"]
    assert len(calls) == 1 and content.FRONT_MATTER == {"title: T\n": {"title": "T"}}


def test_bad_yaml_is_not_remembered(empty_memo):
    post, problems = parse_source(Source("content/posts/fr/2021-04-01-x.md", "post", "fr", "---\ntitle: [x\n---\n"))
    assert post is None and problems and content.FRONT_MATTER == {}


# --- a byte-order mark before `---` (Windows editors write one) ----------------------------------

def test_bom_before_front_matter_is_dropped():
    post = ok("\ufeff---\ntitle: Avec BOM\n---\nCorps.\n")
    assert post.front.title == "Avec BOM" and post.body == "Corps.\n" and post.body_line == 4


def test_discover_drops_the_bom(tmp_path):
    folder = tmp_path / "content" / "posts" / "fr"
    folder.mkdir(parents=True)
    (folder / "2021-04-05-x.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\nB\r\n")
    [found], problems = discover(tmp_path, ("fr",))
    assert problems == [] and found.text == "---\ntitle: a\n---\nB\n"


# --- translated_from and parity_ignore ----------------------------------------------------------

def test_translated_from_reads_a_language_or_a_language_and_revision():
    assert ok(front("title: x\ntranslated_from: fr\n"), lang="en").front.translated_from == content.TranslatedFrom("fr")
    post = ok(front('title: x\ntranslated_from: {lang: fr, revision: "3fa2b1c0de"}\n'), lang="en")
    assert post.front.translated_from == content.TranslatedFrom("fr", "3fa2b1c0de")
    assert "translated_from" not in post.front.extra
    assert ok(front("title: x\ntranslated_from: {lang: fr, revision: 1234567890}\n")).front.translated_from.revision == "1234567890"


@pytest.mark.parametrize("value, message", [
    ("[fr]", "`translated_from`: expected {lang: fr, revision: \"…\"} or a language code, got list ['fr']"),
    ("{lang: fr, rev: x}", "`translated_from`: unknown key(s) rev (expected lang and revision)"),
    ("{revision: abcdef}", "`translated_from`: expected {lang: fr, revision: \"…\"} or a language code: `lang` is missing"),
    ("{lang: fr, revision: not-a-hash}", "`translated_from`: the revision must be the hexadecimal hash written by"),
])
def test_translated_from_errors_are_located(value, message):
    [problem] = fails(front(f"title: x\ndate: 2021-04-05\ntranslated_from: {value}\n"))
    assert problem.line == 4 and problem.message.startswith(message), problem.message


def test_parity_ignore_reads_checks_and_values():
    post = ok(front("title: x\nparity_ignore:\n  - headings\n  - numbers: [0.5, \"3 000\"]\n  - links: https://a.example/\n"))
    assert post.front.parity_ignore == (("headings", None), ("numbers", "0.5"), ("numbers", "3 000"),
                                        ("links", "https://a.example/"))
    assert ok(front("title: x\nparity_ignore: numbers\n")).front.parity_ignore == (("numbers", None),)


@pytest.mark.parametrize("value, message", [
    ("[headlines]", "`parity_ignore`: unknown check 'headlines' (expected one of headings, figures, equations, "
                    "tables, code, numbers, links)"),
    ("[{tables: 2}]", "`parity_ignore`: `tables` takes no values (only numbers and links do)"),
    ("[{numbers: [abc]}]", "`parity_ignore`: 'abc' is not a number"),
    ("3", "`parity_ignore`: expected a list of checks (headings, figures, equations, tables, code, numbers, links), got int"),
])
def test_parity_ignore_errors_are_located(value, message):
    [problem] = fails(front(f"title: x\nparity_ignore: {value}\n"))
    assert problem.line == 3 and problem.message == message, problem.message
