"""sitegen/site/parity.py: each kind of slip between two versions is caught, with both locations;
intended differences are allowed per post; the repository's own translated post gives no warning."""
from __future__ import annotations

import re

import pytest

from sites import FIXTURES, ROOT
from sitegen.site.parity import compare_pair, link_problems, read_numbers
from sitegen.site.i18n import translation_groups
from sitegen.site.translations import check_translations, link_targets, pairs
from sitegen.site.urls import url_of
from sitegen.sources.config import load_config
from sitegen.sources.content import Source, discover, parse_source

SITE = FIXTURES / "translations"
FR_PATH = "content/posts/fr/2024-03-01-descente-de-gradient.md"
EN_PATH = "content/posts/en/2024-03-01-gradient-descent.md"


def groups(posts):
    return translation_groups(posts)[0]


def parsed(path: str, text: str):
    post, problems = parse_source(Source(path, "post", path.split("/")[2], text))
    assert problems == [], problems
    return post


def check(en_edits=(), fr_edits=(), root=SITE) -> list[str]:
    """The parity warnings of the fixture pair after replacing text in either version, links mapped
    as the build maps them."""
    texts = {}
    for path, edits in ((FR_PATH, fr_edits), (EN_PATH, en_edits)):
        text = (root / path).read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        texts[path] = text
    config, _ = load_config(root)
    sources, _ = discover(root, config.languages)
    posts = [parsed(s.path, texts.get(s.path, s.text)) for s in sources]
    canonical = link_targets(posts, {p.path: url_of(p, config) for p in posts}, config.url, config.baseurl,
                             config.languages)
    problems = []
    for source, translation in pairs(groups(posts), config.languages, config.default_language):
        compared = compare_pair(source, translation)
        problems += list(compared.problems) + link_problems(compared, source, translation, canonical)
    return [str(p) for p in problems]


def line_of(path: str, needle: str, edits=()) -> int:
    text = (SITE / path).read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new)
    return text[:text.index(needle)].count("\n") + 1


def test_the_fixture_pair_is_in_parity():
    """Reordered words, « 1 000 » and "1,000", « 0,013 » and "0.013", « variance de 1 » and
    "variance of one", links to each language's version of a post, page or heading: no warning."""
    assert check() == []


# --- structure ---------------------------------------------------------------------------------------

def test_a_missing_heading_is_caught_with_both_locations():
    """…and the sections no longer line up, so the rest is compared over the whole text: no cascade,
    only the link to the heading that is gone."""
    headings, link = check([("## In practice\n\n", "")])
    fr_line = line_of(FR_PATH, "## En pratique")
    assert headings == (f'{EN_PATH}:{line_of(EN_PATH, "## The idea")}: warning: 1 headings here, 2 in '
                        f'{FR_PATH}: "En pratique" at {FR_PATH}:{fr_line} has no counterpart here')
    assert "a link to #in-practice here is a link to #en-pratique" in link


def test_a_heading_of_another_level_is_caught():
    [warning] = check([("## In practice", "### In practice")])
    assert f"{EN_PATH}:{line_of(EN_PATH, '## In practice')}: warning: headings differ from {FR_PATH}" in warning
    assert f'"In practice" (level 3) here, "En pratique" (level 2) at {FR_PATH}:{line_of(FR_PATH, "## En pratique")}' in warning


@pytest.mark.parametrize("kind, edit, fr_needle", [
    ("figure", ("![A loss curve that falls fast, then levels off near 0.013.](/images/loss.png)",
                "A loss curve that falls fast, then levels off near 0.013."), "![Une courbe"),
    ("display equation", ("$$\\theta_{t+1} = \\theta_t - \\eta \\nabla L(\\theta_t)$$", "$\\theta_{t+1}$"), "$$\\theta"),
    ("table", ("|---|---|---|\n", ""), "| Taux"),
    ("code block", ("```python\ntheta = theta - 0.1 * grad   # the step of the 15th iteration\n```\n",
                    "The update, in code.\n"), "```python"),
])
def test_a_missing_block_is_caught_in_its_section_with_both_locations(kind, edit, fr_needle):
    [warning] = check([edit])
    assert re.match(rf"{EN_PATH}:\d+: warning: 0 {kind}s in section \"[^\"]+\" \(section \"[^\"]+\" there\), "
                    rf"1 {kind} in {FR_PATH}:\d+: the first one, at {FR_PATH}:{line_of(FR_PATH, fr_needle)}, "
                    rf"has no counterpart here$", warning), warning


def test_an_extra_block_is_located_where_it_is():
    extra = "```python\nprint(theta)\n```\n\nTo go further"
    [warning] = check([("To go further", extra)])
    line = line_of(EN_PATH, "```python\nprint", [("To go further", extra)])
    assert warning.startswith(f"{EN_PATH}:{line}: warning: 2 code blocks in section \"In practice\"")
    assert "the second one, here, has no counterpart there" in warning


# --- numbers -----------------------------------------------------------------------------------------

def test_a_changed_number_is_caught_with_both_locations():
    [warning] = check([("goes from 2.5 down to 0.013", "goes from 2.5 down to 0.031")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, '0.013; a')}: warning: the number 0.031 here is 0,013 in "
                       f"{FR_PATH}:{line_of(FR_PATH, '0,013 ; une')}")


def test_a_changed_number_in_a_table_heading_or_title_is_caught():
    assert check([("| 0.01 | 10,000 |", "| 0.01 | 1,000 |")]) == [
        f"{EN_PATH}:{line_of(EN_PATH, '| 0.01 |')}: warning: the number 1,000 here is 10 000 in {FR_PATH}:"
        f"{line_of(FR_PATH, '| 0,01 |')}"]
    [warning] = check([('title: "Gradient descent in 5 minutes"', 'title: "Gradient descent in 10 minutes"')])
    assert warning.startswith(f"{EN_PATH}:2: warning: the number 10 here is 5 in {FR_PATH}:2")


def test_a_number_in_one_version_only_is_caught_unless_spelled_out_in_the_other():
    [warning] = check([("is enough here.", "is enough here, after 7 steps.")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, 'variance of one')}: warning: the number 7 here has no "
                       f'counterpart in section "Le principe" of {FR_PATH} (from line {line_of(FR_PATH, "## Le principe")})')
    [warning] = check(fr_edits=[("suffit ici.", "suffit ici, en 7 pas.")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, '## The idea')}: warning: the number 7 at "
                       f'{FR_PATH}:{line_of(FR_PATH, "variance de 1")} has no counterpart in section "The idea" here')
    assert check([("is enough here.", "is enough here, after seven steps.")],
                 [("suffit ici.", "suffit ici, en 7 pas.")]) == []


def test_numbers_in_code_math_urls_and_names_are_not_prose():
    found = check([("theta - 0.1 * grad", "theta - 0.2 * grad"), ("$\\eta = 0.1$", "$\\eta = 0.2$"),
                   ("abs/1609.04747", "abs/1609.04748"), ("Gradient descent follows", "GD2 follows")])
    assert [w for w in found if "number" in w] == []
    assert len(found) == 1 and "a link to https://arxiv.org/abs/1609.04748" in found[0]


@pytest.mark.parametrize("lang, text, values", [
    ("fr", "3 000 pas, 0,5 et −2,88 ; 1,9e-06 ; 15e rang ; ResNet-50 ; float32", [3000, 0.5, -2.88, 1.9e-06, 15, 50]),
    ("fr", "en 2015 100 réseaux, de 1 797 images, 86,5 %", [2015, 100, 1797, 86.5]),
    ("en", "3,000 steps, 0.5 and −2.88; 1.9e-06; the 15th; top-5; B7 and 2D", [3000, 0.5, -2.88, 1.9e-06, 15, 5]),
    ("en", "(1,2) and 10,000 or 1,797.5", [1, 2, 10000, 1797.5]),
    # a list's item numbers are not prose; a wrapped sentence's number at a line start is
    ("fr", "arrondit à\n14) ; puis\n\n1. un\n2. deux\n\ntexte\n1. trois\n\nen\n2015. Fin", [14, 2015]),
])
def test_numbers_are_read_as_each_language_writes_them(lang, text, values):
    assert [n.value for n in read_numbers(text, lang)] == values


# --- links -------------------------------------------------------------------------------------------

def test_a_link_to_another_target_is_caught_with_both_locations():
    [warning] = check([("abs/1609.04747", "abs/1609.04748")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, 'To go further')}: warning: a link to https://arxiv.org/abs/1609.04748 "
                       f"here is a link to https://arxiv.org/abs/1609.04747 in {FR_PATH}:{line_of(FR_PATH, 'Pour aller')}")


def test_links_to_a_post_compare_through_its_translation():
    """Each version links to its own language's version of the other post: the same target. A link
    to another post, or to another heading, is a slip."""
    assert check([("{% post_url 2024-02-01-the-basics %}", "/en/2024/02/01/the-basics/")]) == []
    [warning] = check([("{% post_url 2024-02-01-the-basics %}", "/en/2024/03/01/gradient-descent/")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, '3 parts')}: warning: a link to /en/2024/03/01/gradient-descent/ here "
                       f"is a link to {{% post_url 2024-02-01-les-bases %}} in {FR_PATH}:{line_of(FR_PATH, '3 parties')}")
    [warning] = check([("(#in-practice)", "(#the-idea)")])
    assert "a link to #the-idea here is a link to #en-pratique" in warning


def test_a_missing_link_is_caught():
    [warning] = check([("notebook's\n[archive](/en/archive/).", "notebook's archive.")])
    assert warning == (f"{EN_PATH}:{line_of(EN_PATH, '## In practice')}: warning: the link to /fr/archive/ at "
                       f"{FR_PATH}:{line_of(FR_PATH, '[archives]')} has no counterpart in section \"In practice\" here")


# --- the allow-list ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ignore", ["parity_ignore: [numbers]", "parity_ignore:\n  - numbers: [0.031, 0.013, 7]",
                                    "parity_ignore: [{numbers: \"0,031\"}, {numbers: [7, \"0,013\"]}]"])
def test_intended_numbers_can_be_allowed(ignore):
    slips = [("down to 0.013", "down to 0.031"), ("is enough here.", "is enough here, after 7 steps.")]
    assert len(check(slips)) == 2
    assert check(slips + [("translation_key: gradient-descent", f"translation_key: gradient-descent\n{ignore}")]) == []


def test_allowing_some_numbers_keeps_the_others_checked():
    slips = [("down to 0.013", "down to 0.031"), ("is enough here.", "is enough here, after 7 steps."),
             ("translation_key: gradient-descent", "translation_key: gradient-descent\nparity_ignore: [{numbers: 7}]")]
    [warning] = check(slips)
    assert "the number 0.031 here is 0,013" in warning


def test_intended_structure_and_links_can_be_allowed_from_either_version():
    slips = [("## In practice", "### In practice"), ("| 0.01 | 10,000 | 0.020 |\n", ""), ("abs/1609.04747", "abs/1609.04748")]
    assert len(check(slips)) == 5   # the heading, the three numbers of the row, the link
    assert check(slips + [("translation_key: gradient-descent",
                           "translation_key: gradient-descent\nparity_ignore: [headings, numbers, links]")]) == []
    assert check(slips, [("translation_key: gradient-descent",
                          "translation_key: gradient-descent\nparity_ignore:\n  - headings\n"
                          "  - numbers: [0.01, 10000, 0.02]\n  - links: [https://arxiv.org/abs/1609.04748, https://arxiv.org/abs/1609.04747]")]) == []


# --- the repository's own post -----------------------------------------------------------------------

def test_the_repositorys_translated_posts_give_no_false_warning():
    """Whatever the text of the Batch Normalization post says today, its two versions are in parity."""
    config, _ = load_config(ROOT)
    sources, _ = discover(ROOT, config.languages)
    posts = [parse_source(s)[0] for s in sources]
    assert all(posts)
    urls = {p.path: url_of(p, config) for p in posts}
    found = pairs(groups(posts), config.languages, config.default_language)
    assert any("normalisation-par-lots" in a.path for a, _ in found)
    report = check_translations(posts, config.languages, config.default_language,
                                link_targets(posts, urls, config.url, config.baseurl, config.languages),
                                lambda source, revision: None)
    assert [str(p) for p in report.problems] == []
