"""sitegen/execution/expected.py: normalised block output, tolerant comparison, diffs."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.sources.config import Tolerance
from sitegen.execution.kernels import BlockResult, Output
from sitegen.execution.expected import diff, expected_path, matches, normalize

TOL = Tolerance(rel=1e-6, abs=1e-9)


def result(*outputs: Output, truncated: int = 0, status: str = "ok") -> BlockResult:
    return BlockResult(tuple(outputs), 0.01, status, truncated)


# --- normalize ---------------------------------------------------------------------------------

def test_normalize_streams_result_figure_error_and_cut():
    r = result(
        Output("stdout", "epoch 1  \nloss 0.5\n"),
        Output("stderr", "warning: slow\n"),
        Output("result", "tensor([1., 2.])"),
        Output("figure", "<svg/>", "image/svg+xml"),
        Output("error", "Traceback (most recent call last):\n  File ...\nValueError: bad shape\n\n"),
        truncated=1234, status="error",
    )
    assert normalize(r) == (
        "epoch 1\n"                      # trailing spaces dropped
        "loss 0.5\n"
        "warning: slow\n"
        "tensor([1., 2.])\n"
        "[figure image/svg+xml]\n"
        "[error] ValueError: bad shape\n"
        "[output cut: 1234 more characters]\n"
    )


def test_normalize_png_figure():
    assert normalize(result(Output("figure", "iVBOR...", "image/png"))) == "[figure image/png]\n"


def test_normalize_strips_blank_lines_at_both_ends_but_keeps_inner_ones():
    assert normalize(result(Output("stdout", "\n\na\n\nb\n\n\n"))) == "a\n\nb\n"


def test_normalize_always_ends_with_one_newline():
    assert normalize(result(Output("stdout", "x"))) == "x\n"
    assert normalize(result()) == "\n"


def test_normalize_is_deterministic_with_respect_to_timing():
    a = BlockResult((Output("stdout", "ok\n"),), 0.1)
    b = BlockResult((Output("stdout", "ok\n"),), 9.9)
    assert normalize(a) == normalize(b)


# --- matches -----------------------------------------------------------------------------------

def test_identical_text_matches():
    assert matches("loss 0.25\nacc 0.9\n", "loss 0.25\nacc 0.9\n", TOL)


def test_numbers_within_tolerance_match():
    assert matches("loss 0.1234567\n", "loss 0.12345671\n", TOL)
    assert matches("tensor([1.0000, 2.0000])\n", "tensor([1.0000001, 2.0000])\n", TOL)
    assert matches("x 0.0\n", "x 1e-10\n", TOL)                  # absolute tolerance near zero
    assert matches("-0.0\n", "0.0\n", TOL)


def test_numbers_beyond_tolerance_fail():
    assert not matches("loss 0.1234\n", "loss 0.1235\n", TOL)
    assert not matches("x 0.0\n", "x 1e-8\n", TOL)
    assert not matches("epoch 1\n", "epoch 2\n", TOL)
    assert not matches("-1.5\n", "1.5\n", TOL)


def test_tolerance_is_configurable():
    loose = Tolerance(rel=1e-2, abs=0.0)
    assert matches("acc 0.901\n", "acc 0.905\n", loose)
    assert not matches("acc 0.90\n", "acc 0.95\n", loose)


def test_number_formats_compare_by_value():
    assert matches("1e-3\n", "0.001\n", TOL)
    assert matches("2.50\n", "2.5\n", TOL)


def test_text_differences_fail():
    assert not matches("loss 0.5\n", "Loss 0.5\n", TOL)
    assert not matches("torch.Size([8, 3])\n", "torch.Size([8, 4, 3])\n", TOL)
    assert not matches("a-1\n", "a 1\n", TOL)
    assert not matches("shape (8, 3)\n", "shape (8, 3)!\n", TOL)


def test_different_line_count_fails():
    assert not matches("a\nb\n", "a\n", TOL)
    assert not matches("a\n", "a\nb\n", TOL)
    assert not matches("1\n2\n", "1\n2\n3\n", TOL)


def test_trailing_newlines_do_not_count():
    assert matches("a\n", "a", TOL)
    assert matches("a\n\n", "a\n", TOL)


@pytest.mark.parametrize("expected, actual, same", [
    ("nan\n", "nan\n", True),
    ("loss nan\n", "loss 0.5\n", False),
    ("loss 0.5\n", "loss nan\n", False),
    ("inf\n", "inf\n", True),
    ("-inf\n", "-inf\n", True),
    ("inf\n", "-inf\n", False),
    ("inf\n", "1e308\n", False),
    ("tensor([nan, inf, 1.])\n", "tensor([nan, inf, 1.0000000001])\n", True),
])
def test_nan_and_inf(expected, actual, same):
    assert matches(expected, actual, TOL) is same


def test_words_containing_nan_or_inf_are_text():
    assert not matches("info\n", "inf0\n", TOL)
    assert matches("banana info\n", "banana info\n", TOL)


# --- diff ----------------------------------------------------------------------------------------

def test_diff_is_a_unified_diff():
    text = diff("a\nb\nc\n", "a\nB\nc\n", "bn/main/inline-1")
    lines = text.split("\n")
    assert lines[0] == "--- expected/bn/main/inline-1"
    assert lines[1] == "+++ actual"
    assert lines[2].startswith("@@ ") and lines[2].endswith(" @@")
    assert "-b" in lines and "+B" in lines and " a" in lines


def test_diff_of_equal_texts_is_empty():
    assert diff("a\n", "a\n", "x") == ""


def test_diff_keeps_lines_apart_without_final_newline():
    # an expected file edited by hand may lack its final newline; normalize() always adds one
    text = diff("loss 0.5", "loss 0.7\n", "x")
    lines = text.split("\n")
    assert "-loss 0.5" in lines and "+loss 0.7" in lines


def test_expected_path():
    assert expected_path(Path("/site"), "bn", "main", "inline-2") == \
        Path("/site/code_samples/expected/bn/main/inline-2.txt")
