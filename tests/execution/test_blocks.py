"""sitegen/execution/blocks.py: executable blocks, their options, their code and what each language shows."""
from __future__ import annotations

import re

import pytest

from sitegen.execution.blocks import Block, BlockOptions, extract_region, parse_blocks, parse_options, resolve_code, strip_comments
from sitegen.markup.markdown import PLACEHOLDER

SAMPLES = {
    "bn_forward.py": (
        "import torch\n"
        "\n"
        "# region: setup\n"
        "x = torch.randn(8, 3)\n"
        "# endregion\n"
        "\n"
        "# region: forward\n"
        "y = (x - x.mean(0)) / x.std(0)\n"
        "print(y.shape)\n"
        "# endregion\n"
    ),
    "five.py": "l1\nl2\nl3\nl4\nl5\n",
}
PATH = "content/posts/fr/2021-04-05-x.md"


def blocks_of(text: str, first_line: int = 1, samples=SAMPLES):
    return parse_blocks(text, PATH, first_line, samples)


def fence(info: str, body: str = "") -> str:
    return f"```{info}\n{body}```" if body else f"```{info}\n```"


# --- parse_options -------------------------------------------------------------------------------

def test_no_options_defaults():
    assert parse_options("") == BlockOptions()
    assert BlockOptions().session == "main" and BlockOptions().timeout is None


def test_flags_and_explicit_booleans():
    opts = parse_options(" hide_code expect_error hide_output=false")
    assert (opts.hide_code, opts.expect_error, opts.hide_output) == (True, True, False)
    assert parse_options("hide_output=True").hide_output is True


def test_values_and_quoted_caption_with_spaces():
    opts = parse_options(' file="bn_forward.py" region=forward session=bn caption="Une légende, avec des espaces" '
                         "alt='Courbe de perte' id=fig-1 timeout=2.5")
    assert opts == BlockOptions(file="bn_forward.py", region="forward", session="bn",
                                caption="Une légende, avec des espaces", alt="Courbe de perte", id="fig-1", timeout=2.5)


def test_braces_and_leading_dots_are_tolerated():
    assert parse_options(" .hide_code }").hide_code is True


def test_lines_is_a_range():
    assert parse_options('file=five.py lines="2-4"').lines == (2, 4)
    assert parse_options("file=five.py lines=3-3").lines == (3, 3)


@pytest.mark.parametrize("text, needle", [
    ("bogus", "unknown option `bogus`"),
    ("hide_cod", "unknown option `hide_cod`"),
    ("timeout=abc", "option `timeout`"),
    ("timeout=0", "option `timeout`"),
    ("timeout=-3", "option `timeout`"),
    ("file=five.py lines=3", "option `lines`"),
    ("file=five.py lines=5-3", "option `lines`"),
    ("file=five.py lines=0-2", "option `lines`"),
    ("file=five.py lines=a-b", "option `lines`"),
    ("region=forward", "need `file`"),
    ("lines=1-2", "need `file`"),
    ("file=a.py region=r lines=1-2", "not both"),
    ("caption", "needs a value"),
    ('caption="never closed', "cannot read"),
    ("hide_code=yes", "true or false"),
    ("id=../../../README", "option `id`"),       # it names a file under code_samples/expected/
    ("id=a/b", "option `id`"),
    ("id=.hidden", "option `id`"),
])
def test_option_errors(text, needle):
    result = parse_options(text)
    assert isinstance(result, str) and needle in result


def test_unknown_option_lists_known_ones():
    message = parse_options("captoin=x")
    assert "caption" in message and "timeout" in message


# --- code resolution --------------------------------------------------------------------------

def test_extract_region():
    assert extract_region(SAMPLES["bn_forward.py"], "forward") == "y = (x - x.mean(0)) / x.std(0)\nprint(y.shape)"
    assert extract_region(SAMPLES["bn_forward.py"], "setup") == "x = torch.randn(8, 3)"
    assert extract_region(SAMPLES["bn_forward.py"], "missing") is None
    assert extract_region(SAMPLES["bn_forward.py"], "forwar") is None


def test_resolve_whole_file_drops_region_markers():
    code, problem = resolve_code(BlockOptions(file="bn_forward.py"), "", SAMPLES)
    assert problem is None
    assert "# region" not in code and "# endregion" not in code
    assert code.startswith("import torch") and code.endswith("print(y.shape)")


def test_resolve_lines():
    assert resolve_code(BlockOptions(file="five.py", lines=(2, 4)), "", SAMPLES) == ("l2\nl3\nl4", None)


def test_resolve_lines_past_the_end():
    code, problem = resolve_code(BlockOptions(file="five.py", lines=(4, 9)), "", SAMPLES)
    assert code is None and "code_samples/five.py" in problem and "lines=4-9" in problem


def test_resolve_lines_one_past_the_last_line():
    # five.py has five lines (its last one ends with a newline): 5-6 runs past its end
    code, problem = resolve_code(BlockOptions(file="five.py", lines=(5, 6)), "", SAMPLES)
    assert code is None and problem is not None and "has 5 lines" in problem


def test_inline_body_is_the_code():
    assert resolve_code(BlockOptions(), "print(1)", SAMPLES) == ("print(1)", None)


# --- parse_blocks ------------------------------------------------------------------------------

def test_inline_block():
    text = "Intro.\n\n" + fence("python exec", "x = 1\nprint(x)\n") + "\n\nFin.\n"
    out, blocks, problems = blocks_of(text)
    assert problems == []
    (block,) = blocks
    assert isinstance(block, Block)
    assert block.code == "x = 1\nprint(x)"
    assert (block.line, block.index, block.label, block.name, block.path) == (3, 1, "inline", "inline-1", PATH)
    assert PLACEHOLDER.format(0) in out and "print(x)" not in out


def test_placeholder_is_its_own_paragraph_and_keeps_line_count():
    text = "Avant.\n" + fence("python exec", "a = 1\nb = 2\nc = 3\n") + "\nAprès.\n"
    out, _, _ = blocks_of(text)
    assert out.count("\n") == text.count("\n")
    lines = out.split("\n")
    at = lines.index(PLACEHOLDER.format(0))
    assert lines[at - 1] == "" and lines[at + 1] == ""
    assert lines[text.split("\n").index("Après.")] == "Après."


def test_placeholder_keeps_line_count_for_file_embeds():
    text = "\n".join([
        "Intro.",
        "",
        '```python exec file="bn_forward.py" region="forward"',
        "```",
        "",
        '```python exec file="five.py" lines="1-2"',
        "```",
        "",
        "Fin $x$.",
    ])
    out, blocks, problems = blocks_of(text)
    assert problems == [] and len(blocks) == 2
    assert out.count("\n") == text.count("\n")
    assert out.split("\n")[8] == "Fin $x$."


def test_block_line_numbers_are_file_lines():
    text = "\n".join([
        "a",                                    # body line 1 → file line 10
        fence("python exec", "x = 1\n"),        # 2-4
        "",                                     # 5
        "```python",                            # 6 (not executable)
        "not run",
        "```",
        "",                                     # 9
        fence('python exec session=other', "y = 2\n"),   # 10
    ])
    _, blocks, problems = blocks_of(text, first_line=10)
    assert problems == []
    assert [(b.line, b.index, b.options.session) for b in blocks] == [(11, 1, "main"), (19, 2, "other")]


def test_non_executable_fences_are_left_alone():
    text = "```python\nprint('shown only')\n```\n\n~~~bash\nls\n~~~\n"
    out, blocks, problems = blocks_of(text)
    assert (out, blocks, problems) == (text, [], [])


def test_tilde_fence_and_attribute_syntax():
    text = "~~~python exec hide_code\nx = 1\n~~~\n\n```{.python exec hide_output}\ny = 2\n```\n"
    _, blocks, problems = blocks_of(text)
    assert problems == []
    assert [b.code for b in blocks] == ["x = 1", "y = 2"]
    assert blocks[0].options.hide_code and blocks[1].options.hide_output


def test_indented_block_in_a_list_is_dedented():
    text = "1. Étape :\n\n    ```python exec\n    for i in range(2):\n        print(i)\n    ```\n"
    _, (block,), problems = blocks_of(text)
    assert problems == []
    assert block.code == "for i in range(2):\n    print(i)"


def test_file_embeds():
    text = "\n\n".join([
        fence('python exec file="bn_forward.py" region="forward" caption="Normalisation"'),
        fence('python exec file="five.py" lines="2-3"'),
        fence('python exec file="bn_forward.py"'),
    ])
    _, blocks, problems = blocks_of(text)
    assert problems == []
    region, lines, whole = blocks
    assert region.code == "y = (x - x.mean(0)) / x.std(0)\nprint(y.shape)"
    assert (region.label, region.name, region.options.caption) == ("bn_forward.py#forward", "bn_forward-forward",
                                                                   "Normalisation")
    assert (lines.code, lines.label, lines.name) == ("l2\nl3", "five.py:2-3", "five")
    assert whole.label == "bn_forward.py" and whole.name == "bn_forward"
    assert "import torch" in whole.code and "# region" not in whole.code


def test_id_option_names_the_block():
    _, (block,), _ = blocks_of(fence('python exec id=courbe file="five.py"'))
    assert block.name == "courbe"


def test_missing_file_is_located():
    text = "a\n\n" + fence('python exec file="absent.py"')
    out, blocks, problems = blocks_of(text, first_line=5)
    assert blocks == []
    (p,) = problems
    assert p.path == PATH and p.line == 7 and "code_samples/absent.py" in p.message
    assert out == text                     # left in place: the build stops anyway


def test_missing_region_lists_available_regions():
    _, blocks, problems = blocks_of(fence('python exec file="bn_forward.py" region="backward"'))
    (p,) = problems
    assert "`backward`" in p.message and "setup" in p.message and "forward" in p.message
    assert blocks == []


def test_missing_region_in_file_without_regions():
    _, _, (p,) = blocks_of(fence('python exec file="five.py" region="x"'))
    assert "none" in p.message


def test_bad_option_is_located():
    _, blocks, (p,) = blocks_of("x\n" + fence("python exec timeout=soon", "a = 1\n"), first_line=3)
    assert p.line == 4 and "timeout" in p.message and blocks == []


def test_file_block_with_body_is_an_error():
    _, _, problems = blocks_of(fence('python exec file="five.py"', "x = 1\n"))
    assert any("empty body" in p.message for p in problems)


def test_empty_inline_block_is_an_error():
    _, _, problems = blocks_of("```python exec\n\n```")
    assert any("no code" in p.message for p in problems)


def test_all_problems_reported():
    text = "\n\n".join([fence("python exec bogus", "a\n"), fence('python exec file="nope.py"'),
                        fence("python exec", "ok = 1\n")])
    _, blocks, problems = blocks_of(text)
    assert len(problems) == 2 and len(blocks) == 1 and blocks[0].index == 1


# --- languages --------------------------------------------------------------------------------

BILINGUAL = Block(PATH, 1, 1, BlockOptions(), "\n".join([
    "# fr: on normalise chaque colonne",
    "# en: normalise each column",
    "y = (x - m) / s  # commentaire commun",
    "for c in cols:",
    "    # fr: une colonne",
    "    # en: one column",
    "    print(c)",
    "# todo: keep me",
    "# de: not a site language, kept",
]), "inline")


def test_display_code_keeps_only_the_page_language():
    fr = BILINGUAL.display_code("fr", ("fr", "en"))
    assert fr.split("\n") == [
        "# on normalise chaque colonne",
        "y = (x - m) / s  # commentaire commun",
        "for c in cols:",
        "    # une colonne",
        "    print(c)",
        "# todo: keep me",
        "# de: not a site language, kept",
    ]
    en = BILINGUAL.display_code("en", ("fr", "en"))
    assert "# normalise each column" in en and "    # one column" in en
    assert "colonne" not in en and "fr:" not in en and "en:" not in en


def test_display_code_strips_leading_and_trailing_blank_lines():
    block = Block(PATH, 1, 1, BlockOptions(), "# en: only english\nx = 1\n", "inline")
    assert block.display_code("fr", ("fr", "en")) == "x = 1"


def test_code_that_runs_keeps_every_comment():
    assert "# fr:" in BILINGUAL.code and "# en:" in BILINGUAL.code


# --- strip_comments ---------------------------------------------------------------------------

def test_strip_comments_equal_when_only_comments_differ():
    fr = "# fr: moyenne\nm = x.mean(0)  # par colonne\n\nprint(m)\n"
    en = "# en: mean\nm = x.mean(0)  # per column\nprint(m)\n"
    assert strip_comments(fr) == strip_comments(en)


def test_strip_comments_differ_when_code_differs():
    assert strip_comments("m = x.mean(0)\n") != strip_comments("m = x.mean(1)\n")


def test_strip_comments_keeps_hashes_in_strings():
    assert strip_comments('s = "# pas un commentaire"\n') != strip_comments('s = "# autre"\n')


def test_strip_comments_on_code_that_does_not_tokenize():
    a = "def f(:\n    # fr: cassé\n    pass\n"
    b = "def f(:\n    # en: broken\n    pass\n"
    assert strip_comments(a) == strip_comments(b)
    assert "pass" in strip_comments(a)


def test_parsed_block_lines_match_the_file():
    # cross-check: the reported line holds the opening fence in the original text
    text = "t\n\n\n" + fence("python exec", "z = 3\n") + "\n" + fence('python exec file="five.py"')
    _, blocks, _ = blocks_of(text)
    lines = text.split("\n")
    for block in blocks:
        assert re.match(r"```python exec", lines[block.line - 1])
