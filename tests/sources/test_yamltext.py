"""sitegen/sources/yamltext.py: every YAML the project loads reports its faults at their line.

Front matter, site.yaml and i18n/*.yaml: an impossible date (PyYAML raises ValueError from its
timestamp constructor), a value its explicit tag cannot hold, and a key given twice."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.sources.config import parse_config
from sitegen.sources.content import Source, parse_source
from sitegen.sources.strings import parse_strings
from sitegen.sources.yamltext import YamlFault, load_yaml

# (YAML after one line `title: T`, line of the fault counted from that first line, words; `{first}`:
# the line of the first key, counted the same way)
FAULTS = [
    ("date: 2021-02-30\n", 2, "invalid date 2021-02-30 (day is out of range for month)"),
    ("updated: 2021-04-05 25:00:00\n", 2, "invalid date 2021-04-05 25:00:00 (hour must be in 0..23)"),
    ("a: 1\nwhen: [2021-01-01, 2021-13-01]\n", 3, "invalid date 2021-13-01"),
    ("nested:\n  deeper:\n    at: 0000-01-01\n", 4, "invalid date 0000-01-01"),
    ("at: 2021-01-01 10:00:00 +25:00\n", 2, "invalid date 2021-01-01 10:00:00 +25:00"),
    ("n: !!int twelve\n", 2, "invalid value for int twelve"),
    ("b: !!bool perhaps\n", 2, "invalid value for bool perhaps"),
    ("d: !!timestamp soon\n", 2, "invalid date soon"),
    ("tags: [a]\ntitle: U\n", 3, "duplicate key `title` (first at line {1}; a key may appear once)"),
    ("map: {x: 1, y: 2, x: 3}\n", 2, "duplicate key `x` (first at line {2}"),
]


def expected(words: str, offset: int = 0) -> str:
    return words.replace("{1}", str(1 + offset)).replace("{2}", str(2 + offset))


@pytest.mark.parametrize("yaml, line, words", FAULTS)
def test_front_matter_faults_are_located(yaml, line, words):
    post, problems = parse_source(Source("content/posts/fr/2021-04-05-x.md", "post", "fr", f"---\ntitle: T\n{yaml}---\nB\n"))
    assert post is None
    [problem] = problems
    # the front matter starts on line 2 of the file
    assert (problem.path, problem.line) == ("content/posts/fr/2021-04-05-x.md", line + 1), str(problem)
    assert expected(words, offset=1) in problem.message


@pytest.mark.parametrize("yaml, line, words", FAULTS)
def test_site_yaml_faults_are_located(yaml, line, words):
    config, problems = parse_config(f"title: T\n{yaml}", Path("/project"))
    assert config is None
    [problem] = [p for p in problems if not p.warning]
    assert (problem.path, problem.line) == ("site.yaml", line) and expected(words) in problem.message


@pytest.mark.parametrize("yaml, line, words", FAULTS)
def test_i18n_faults_are_located(yaml, line, words):
    strings, problems = parse_strings({"fr": f"title: T\n{yaml}", "en": "title: T\n"}, ("fr", "en"))
    assert "fr" not in strings
    [problem] = problems
    assert (problem.path, problem.line) == ("i18n/fr.yaml", line) and expected(words) in problem.message


def test_merge_keys_override_without_being_duplicates():
    data = load_yaml("base: &b {a: 1, c: 3}\nmine:\n  <<: *b\n  a: 2\n")
    assert data["mine"] == {"a": 2, "c": 3}


def test_same_text_different_keys_are_not_duplicates():
    assert load_yaml('1: int\n"1": str\n') == {1: "int", "1": "str"}


def test_valid_dates_still_load():
    data = load_yaml("d: 2024-02-29\nt: 2021-04-05 15:37:00 +02:00\n")
    assert data["d"].isoformat() == "2024-02-29" and data["t"].utcoffset().total_seconds() == 7200


def test_syntax_errors_say_so():
    with pytest.raises(YamlFault) as caught:
        load_yaml("a: 1\nb: [x\n", first_line=5)
    assert caught.value.syntax and caught.value.line == 6
