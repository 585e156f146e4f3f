"""Fuzz: generated file names and front matter through the sources stage never raise.

Whatever the text (dates possible or not, odd Unicode, BOMs, CRLF, deep nesting, tags, anchors,
duplicate keys, broken syntax), parse_source gives a Post or located problems; the same YAML as
site.yaml or i18n/<lang>.yaml gives a configuration, strings, or located problems. Examples are
derandomized so CI is repeatable; SITEGEN_FUZZ=explore runs many more, at random.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import sitegen.sources.content as content
from sitegen.errors import Problem
from sitegen.sources.config import parse_config
from sitegen.sources.content import Post, Source, is_visible, parse_source
from sitegen.sources.inputs import decode_text
from sitegen.sources.strings import parse_strings

EXPLORE = os.environ.get("SITEGEN_FUZZ") == "explore"
FUZZ = settings(max_examples=5000 if EXPLORE else 250, derandomize=not EXPLORE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)

ODD = st.sampled_from(["é", "œ", "«", "»", "\u00a0", "\u202f", "\ufeff", "\u200b", "\u0301", "𝟙", "🙂", "\ud7ff",
                       "\u2028", "\t", "\\", '"', "'", ":", "#", "-", "?", "&", "*", "!", "|", ">", "%", "@", "`",
                       "{", "}", "[", "]", ","])
TYPED = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
# mostly what people type with the characters YAML treats specially; one word in fifty, anything at all
WORD = st.integers(0, 49).flatmap(lambda i: st.text(st.one_of(TYPED, ODD), max_size=12) if i else
                                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
KNOWN_KEYS = ["title", "date", "categories", "category", "tags", "permalink", "published", "draft", "excerpt",
              "excerpt_separator", "description", "image", "lang", "translation_key", "slug", "layout", "updated"]
KEY = st.one_of(st.sampled_from(KNOWN_KEYS), WORD.filter(lambda w: w.strip() != ""), st.sampled_from(["<<", "? x", "1", "true", "null"]))


@st.composite
def dates(draw) -> str:
    """Dates and times, possible or not, as YAML writes them (PyYAML's timestamp rule)."""
    year = draw(st.sampled_from(["2021", "0000", "9999", "1970", "2024"]))
    month, day = draw(st.integers(0, 19)), draw(st.integers(0, 39))
    text = f"{year}-{month:02d}-{day:02d}" if draw(st.booleans()) else f"{year}-{month}-{day}"
    if draw(st.booleans()):
        sep = draw(st.sampled_from([" ", "T", "t", "  "]))
        text += f"{sep}{draw(st.integers(0, 29)):02d}:{draw(st.integers(0, 69)):02d}:{draw(st.integers(0, 69)):02d}"
        text += draw(st.sampled_from(["", ".5", ".123456789", "Z", " +0200", " +02:00", " -25:00", "+99", " +2"]))
    return text


SCALAR = st.one_of(
    dates(), WORD, st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(repr),
    st.sampled_from(["true", "false", "yes", "no", "~", "null", ".nan", "-.inf", "0x1F", "0o17", "1_000", "!!int x",
                     "!!float x", "!!bool maybe", "!!timestamp 2021-02-30", "!!binary aGk=", "!!binary x", "!!str 3",
                     "!!python/object:os.system x", "!!set {a, b}", "!!omap [a: 1]", "*nothing", "&a 1", "|", ">-",
                     "'unclosed", '"unclosed', "[unclosed", "{unclosed", "'q''uote'", '"\\x41\\u00e9\\U0001F642"',
                     '"\\ud800"', "%TAG", "---", "...", "@at", "`tick"]),
    WORD.map(lambda w: '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


def indent(lines: list[str], by: str) -> list[str]:
    return [by + line for line in lines]


@st.composite
def mapping(draw, depth: int = 0) -> list[str]:
    """Lines of a block mapping, with nested mappings and lists, flow collections and anchors."""
    lines = []
    for _ in range(draw(st.integers(0 if depth else 1, 5))):
        key = draw(KEY)
        kind = draw(st.sampled_from(["scalar"] * 6 + ["list", "flow", "nested", "deep", "alias", "merge", "block"]))
        if kind == "scalar" or depth > 3:
            lines.append(f"{key}: {draw(SCALAR)}")
        elif kind == "list":
            lines.append(f"{key}:")
            lines += [f"  - {draw(SCALAR)}" for _ in range(draw(st.integers(0, 3)))]
        elif kind == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(SCALAR, max_size=4)))}]")
        elif kind == "nested":
            lines.append(f"{key}:")
            lines += indent(draw(mapping(depth + 1)), "  ")
        elif kind == "deep":                 # deeper than anyone writes, within libyaml's own limit and beyond
            n = draw(st.sampled_from([50, 300, 1200]))
            lines.append(f"{key}: " + "[" * n + draw(SCALAR) + "]" * n)
        elif kind == "alias":
            lines.append(f"{key}: &anchor {draw(SCALAR)}")
            lines.append(f"{draw(KEY)}: *anchor")
        elif kind == "merge":
            lines.append(f"{key}: &base {{a: 1, b: {draw(SCALAR)}}}")
            lines.append(f"{draw(KEY)}:\n  <<: *base\n  a: 2")
        else:
            lines.append(f"{key}: {draw(st.sampled_from(['|', '>', '|-', '>+']))}")
            lines += indent([draw(WORD) for _ in range(draw(st.integers(0, 2)))], "  ")
    return lines


@st.composite
def yaml_text(draw) -> str:
    lines = draw(mapping())
    if draw(st.integers(0, 9)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(WORD))          # a stray line
    if lines and draw(st.integers(0, 4)) == 0:
        lines.append(lines[0])                                              # a key given twice
    return "".join(line + "\n" for line in lines)


@st.composite
def post_file(draw) -> tuple[Source, str]:
    if draw(st.integers(0, 3)):              # mostly a good name, so the front matter is what gets tested
        stem = "2021-04-05-" + draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True))
    else:
        stem = draw(st.one_of(
            st.builds(lambda d, s: f"{d}-{s}", dates().map(lambda t: t.split(" ")[0].split("T")[0]), WORD),
            st.sampled_from(["2021-04-05-", "2021-04-05", "2021-4-5-x", "2021-02-30-x", "x", "-", "2021-04-05-!!!"]),
        ))
    kind = draw(st.sampled_from(["post", "page"]))
    lang = draw(st.sampled_from(["fr", "en"]))
    yaml = draw(yaml_text())
    opener = draw(st.sampled_from(["---"] * 6 + ["\ufeff---", "\ufeff---", "--- ", "----", ""]))
    closer = draw(st.sampled_from(["---"] * 6 + ["...", "--- ", ""]))
    body = draw(st.text(max_size=40))
    text = f"{opener}\n{yaml}{closer}\n{body}"
    path = f"content/{'posts' if kind == 'post' else 'pages'}/{lang}/{stem}.md"
    if draw(st.booleans()):                  # as read from a file: the BOM and CRLF dealt with there
        data = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.replace("\n", "\r\n").encode()
        text, problem = decode_text(path, data)
        assert problem is None
    return Source(path, kind, lang, text), yaml


@pytest.fixture(scope="module", autouse=True)
def own_memo():
    """The fuzz fills the front matter memo with thousands of texts: give it back as it was."""
    saved = dict(content.FRONT_MATTER)
    yield
    content.FRONT_MATTER.clear()
    content.FRONT_MATTER.update(saved)


def located(problems, path: str, text: str) -> None:
    assert problems and all(isinstance(p, Problem) for p in problems)
    for problem in problems:
        assert problem.path == path and problem.message
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 2, problem


@FUZZ
@given(post_file())
def test_front_matter_gives_a_post_or_located_problems(generated):
    source, _ = generated
    post, problems = parse_source(source)
    if post is None:
        located(problems, source.path, source.text)
        return
    assert problems == [] and isinstance(post, Post)
    assert isinstance(post.front.title, str) and isinstance(post.slug, str)
    assert post.date is None or post.date.tzinfo is not None
    is_visible(post, NOW, drafts=False, future=False)          # its date compares with the clock


@FUZZ
@given(yaml_text())
def test_the_same_yaml_as_site_yaml_or_ui_strings(text):
    config, problems = parse_config(text, Path("/project"))
    if config is None:
        located([p for p in problems if not p.warning], "site.yaml", text)
    strings, problems = parse_strings({"fr": text, "en": "a: A\n"}, ("fr", "en"))
    if "fr" not in strings:
        located(problems, "i18n/fr.yaml", text)
