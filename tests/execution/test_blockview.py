"""sitegen/execution/blockview.py: an executed block as the page shows it."""
from __future__ import annotations

import pytest

from htmltools import parse
from sitegen.execution.blocks import parse_blocks
from sitegen.execution.blockview import render_block
from sitegen.execution.kernels import BlockResult, Output
from sitegen.sources import Strings

STRINGS = Strings("en", {"output": "Output", "output_cut": "{count} characters cut"})
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


def shown(options: str) -> str:
    text, [block], problems = parse_blocks(f"```python exec {options}\nprint(1)\n```\n", "content/posts/en/p.md", 1, {})
    assert not problems
    result = BlockResult((Output("stdout", "1\n"), Output("figure", SVG, "image/svg+xml")), 0.1)
    return render_block(block, result, "en", ("fr", "en"), STRINGS, "").html


def test_a_block_hiding_code_and_output_shows_nothing():
    """A block the author hides entirely (e.g. a figure drawn for the other language's page) leaves
    no empty <figure> in the page."""
    assert shown('hide_code hide_output alt="x"') == ""


@pytest.mark.parametrize("options, code, output", [
    ('alt="x"', True, True), ('hide_code alt="x"', False, True), ("hide_output", True, False),
    ('hide_code hide_output caption="Only the caption."', False, False),
])
def test_what_a_block_shows(options, code, output):
    figure = parse(shown(options)).find("figure")
    assert figure is not None
    assert (figure.find("div", **{"class": "highlight"}) is not None) == code
    assert (figure.find("img") is not None) == output
