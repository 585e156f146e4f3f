"""sitegen/sources/config.py: site.yaml → SiteConfig, every problem reported at once and located."""
from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from sitegen.sources.config import ExecutionConfig, SiteConfig, Tolerance, load_config, parse_config
from sitegen.errors import SiteError

ROOT = Path("/project")


def parse(text: str):
    return parse_config(dedent(text), ROOT)


def errors(problems):
    return [p for p in problems if not p.warning]


def warnings(problems):
    return [p for p in problems if p.warning]


def only(problems, needle):
    found = [p for p in problems if needle in p.message]
    assert len(found) == 1, f"expected one problem mentioning {needle!r}, got {[str(p) for p in problems]}"
    return found[0]


# --- defaults -------------------------------------------------------------------------------------

def test_empty_file_gives_documented_defaults():
    config, problems = parse("")
    assert problems == []
    assert isinstance(config, SiteConfig)
    assert config.root == ROOT
    assert config.languages == ("fr", "en")
    assert config.default_language == "fr"
    assert config.title == {"fr": "", "en": ""}
    assert config.description == {"fr": "", "en": ""}
    assert config.url == "http://localhost:8000"
    assert config.baseurl == ""
    assert config.permalink == "/:lang/:year/:month/:day/:slug/"
    assert config.page_permalink == "/:lang/:slug/"
    assert config.paginate == 10
    assert config.output == "_site"
    assert config.execution == ExecutionConfig(timeout=60.0, jobs=0, tolerance=Tolerance(1e-6, 1e-9), output_limit=20_000)


def test_comment_only_file_is_like_an_empty_one():
    config, problems = parse("# nothing configured yet\n")
    assert problems == [] and config is not None and config.paginate == 10


def test_config_is_frozen():
    config, _ = parse("")
    with pytest.raises(Exception):
        config.paginate = 3  # type: ignore[misc]


def test_values_are_read():
    config, problems = parse("""\
        author: Ada
        url: https://example.org/
        baseurl: /blog/
        languages: [en, fr]
        default_language: en
        paginate: 3
        output: public
        execution:
          timeout: 5
          jobs: 2
          output_limit: 100
          tolerance: {rel: 0.01, abs: 0.5}
    """)
    assert problems == []
    assert config.author == "Ada"
    assert config.url == "https://example.org"          # trailing slash dropped
    assert config.baseurl == "/blog"                      # trailing slash dropped
    assert config.languages == ("en", "fr")
    assert config.default_language == "en"
    assert config.paginate == 3
    assert config.output_dir == (ROOT / "public").resolve()
    assert config.execution == ExecutionConfig(timeout=5.0, jobs=2, tolerance=Tolerance(rel=0.01, abs=0.5), output_limit=100)
    assert config.absolute("/fr/") == "https://example.org/blog/fr/"


def test_integer_timeout_becomes_float():
    config, _ = parse("execution: {timeout: 7}\n")
    assert config.execution.timeout == 7.0 and isinstance(config.execution.timeout, float)


# --- per-language title and description --------------------------------------------------------

def test_plain_title_applies_to_every_language():
    config, problems = parse("title: Carnet\ndescription: Notes\n")
    assert problems == []
    assert config.title == {"fr": "Carnet", "en": "Carnet"}
    assert config.description == {"fr": "Notes", "en": "Notes"}


def test_per_language_title_mapping():
    config, problems = parse("title: {fr: Carnet de notes, en: Notebook}\n")
    assert problems == []
    assert config.title == {"fr": "Carnet de notes", "en": "Notebook"}


def test_per_language_title_follows_configured_languages():
    config, _ = parse("languages: [en, de]\ndefault_language: en\ntitle: {en: Notebook, de: Notizbuch, fr: Carnet}\n")
    assert config.title == {"en": "Notebook", "de": "Notizbuch"}


def test_per_language_title_missing_language_is_empty_string():
    # current behaviour: a language absent from the mapping silently gets "" (no warning)
    config, problems = parse("title: {fr: Carnet}\n")
    assert config.title == {"fr": "Carnet", "en": ""}
    assert problems == []


# --- errors: all at once, located, "expected X, got Y" -------------------------------------------

def test_wrong_types_say_expected_and_got_with_lines():
    config, problems = parse("""\
        title: Carnet
        paginate: many
        languages: fr
        url: 42
    """)
    assert config is None
    paginate = only(problems, "`paginate`")
    assert paginate.line == 2
    assert "expected int, got str 'many'" in paginate.message
    languages = only(problems, "`languages`")
    assert languages.line == 3 and "expected list, got str 'fr'" in languages.message
    url = only(problems, "`url`")
    assert url.line == 4 and "expected str, got int 42" in url.message
    assert all(p.path == "site.yaml" for p in problems)


def test_boolean_is_not_accepted_as_a_number():
    config, problems = parse("paginate: true\n")
    assert config is None
    p = only(problems, "`paginate`")
    assert "expected int, got bool True" in p.message and p.line == 1


def test_title_of_wrong_type_names_both_accepted_types():
    config, problems = parse("title: [a, b]\n")
    assert config is None
    assert "expected str or dict, got list" in only(problems, "`title`").message


def test_every_error_is_collected_at_once():
    config, problems = parse("""\
        paginate: 0
        permalink: /:lang/:foo/
        baseurl: blog
        default_language: de
        execution:
          timeout: soon
    """)
    assert config is None
    messages = " | ".join(p.message for p in errors(problems))
    for key in ("`paginate`", "`permalink`", "`baseurl`", "`default_language`", "`execution.timeout`"):
        assert key in messages
    assert len(errors(problems)) == 5
    lines = {p.message.split(":")[0]: p.line for p in problems}
    assert lines["`paginate`"] == 1
    assert lines["`permalink`"] == 2
    assert lines["`baseurl`"] == 3
    assert lines["`default_language`"] == 4
    assert lines["`execution.timeout`"] == 6


def test_line_numbers_are_right_after_blank_lines_and_comments():
    text = "author: Ada\n\n# the list pages\n\npaginate: lots\n"
    _, problems = parse_config(text, ROOT)
    assert only(problems, "`paginate`").line == 5


def test_unknown_key_is_a_warning_with_its_line_and_config_still_loads():
    config, problems = parse("""\
        title: Carnet
        theme: minima
    """)
    assert config is not None
    (w,) = problems
    assert w.warning and w.line == 2 and "`theme`" in w.message
    assert str(w) == "site.yaml:2: warning: unknown setting `theme` (ignored)"


def test_unknown_execution_key_is_a_warning():
    config, problems = parse("execution:\n  timeout: 3\n  kernel: python3\n")
    assert config is not None and config.execution.timeout == 3.0
    (w,) = warnings(problems)
    assert "execution.kernel" in w.message and w.line == 3


def test_bad_permalink_token_is_named():
    config, problems = parse("permalink: /:lang/:yr/:slug/\n")
    assert config is None
    p = only(problems, "`permalink`")
    assert "/:lang/:yr/:slug/" in p.message
    assert ":year" in p.message  # lists the valid tokens
    assert p.line == 1


@pytest.mark.parametrize("pattern", [
    "/:lang/:year/:month/:day/:slug/", "/:categories/:title.html", "/posts/:slug/", "pretty", "date", "ordinal",
    "none", "weekdate", "/:categories/:year/:month/:day/:title:output_ext", "/:slugified_categories/:title/",
    "/:year/:i_month/:i_day/:short_year-:y_day-:hour:minute:second/:name", "/:month_:day/:title", "blog/:title/"])
def test_valid_permalinks(pattern):
    config, problems = parse(f"permalink: {pattern}\n")
    assert problems == [] and config.permalink == pattern


def test_unknown_permalink_style_is_an_unknown_token():
    config, problems = parse("page_permalink: ':lang/:slugs/'\n")
    assert config is None and "`page_permalink`" in problems[0].message and ":slugs" in problems[0].message


def test_languages_must_be_distinct_and_non_empty():
    for text in ("languages: []\n", "languages: [fr, fr]\n"):
        config, problems = parse(text)
        assert config is None
        assert "non-empty list of distinct codes" in only(problems, "`languages`").message


def test_default_language_must_be_listed():
    config, problems = parse("languages: [fr, en]\ndefault_language: de\n")
    assert config is None
    p = only(problems, "`default_language`")
    assert "'de'" in p.message and p.line == 2


def test_paginate_must_be_positive():
    config, problems = parse("paginate: -2\n")
    assert config is None and only(problems, "`paginate`").line == 1


def test_baseurl_must_start_with_slash():
    config, problems = parse("baseurl: blog\n")
    assert config is None and "got 'blog'" in only(problems, "`baseurl`").message


def test_bad_tolerance_numbers():
    config, problems = parse("execution:\n  tolerance: {rel: tiny}\n")
    assert config is None
    p = only(problems, "execution.tolerance")
    assert p.line == 2 and "tiny" in p.message


def test_execution_type_error_names_expected_type():
    # a tolerance must be a mapping {rel, abs}: the message must not claim "expected a number"
    _, problems = parse("execution:\n  tolerance: 5\n")
    p = only(problems, "execution.tolerance")
    assert "expected a number" not in p.message
    assert "got int 5" in p.message


def test_invalid_yaml_is_located():
    config, problems = parse("title: Carnet\nlanguages: [fr, en\nauthor: x\n")
    assert config is None
    (p,) = problems
    assert "invalid YAML" in p.message and p.line in (2, 3)


def test_top_level_must_be_a_mapping():
    config, problems = parse("- fr\n- en\n")
    assert config is None
    assert "expected a mapping of settings, got list" in problems[0].message


# --- load_config: the file boundary ---------------------------------------------------------------

def test_load_config_without_site_yaml(tmp_path):
    with pytest.raises(SiteError) as info:
        load_config(tmp_path)
    assert "no site.yaml" in str(info.value)


def test_load_config_raises_every_problem(tmp_path):
    (tmp_path / "site.yaml").write_text("paginate: x\nurl: 3\n", encoding="utf-8")
    with pytest.raises(SiteError) as info:
        load_config(tmp_path)
    assert len(info.value.problems) == 2
    assert "site.yaml:1:" in str(info.value) and "site.yaml:2:" in str(info.value)


def test_load_config_returns_warnings(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\nfoo: 1\n", encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert config.title["fr"] == "T" and config.root == tmp_path.resolve()
    assert [p.warning for p in problems] == [True]


def test_execution_env_lists_variable_names():
    config, problems = parse("execution:\n  env: [HF_HOME, MY_SETTING, HF_HOME]\n")
    assert problems == [] and config.execution.env == ("HF_HOME", "MY_SETTING")
    assert parse("title: x\n")[0].execution.env == ()


@pytest.mark.parametrize("value, shown", [("[GOOD, 'not a name']", "'not a name'"), ("[3]", "3"),
                                          ("[GOOD, '']", "''"), ("GITHUB_TOKEN", "str 'GITHUB_TOKEN'")])
def test_execution_env_is_checked(value, shown):
    config, problems = parse(f"title: x\nexecution:\n  env: {value}\n")
    assert config is None
    p = only(problems, "execution.env")
    assert p.line == 3 and shown in p.message


# --- translations ---------------------------------------------------------------------------------

def test_translations_settings_default_on_and_are_checked():
    config, problems = parse("")
    assert config.translations.stale_notice is True and config.translations.parity is True
    config, problems = parse("translations:\n  stale_notice: false\n  parity: false\n")
    assert problems == [] and (config.translations.stale_notice, config.translations.parity) == (False, False)
    config, problems = parse("translations:\n  notice: false\n")
    assert only(warnings(problems), "translations.notice").line == 2
    config, problems = parse("translations:\n  parity: 0\n")
    assert config is None and str(only(errors(problems), "parity")) == \
        "site.yaml:2: `translations.parity`: expected true or false, got int 0"
