"""sitegen/execution/cache.py: content keys and the installed versions they include."""
from __future__ import annotations

from importlib import metadata

import pytest

from sitegen.execution.cache import environment, installed_versions

NAMES = ("markdown", "pymdown-extensions", "pygments", "latex2mathml", "PyYAML", "Jinja2", "numpy", "torch")


def test_installed_versions_agree_with_importlib_metadata():
    assert installed_versions(NAMES) == {name: metadata.version(name) for name in NAMES}


@pytest.mark.parametrize("spelling", ["pymdown_extensions", "Pymdown-Extensions", "pymdown.extensions"])
def test_distribution_names_are_normalized(spelling):
    assert installed_versions((spelling,)) == {spelling: metadata.version("pymdown-extensions")}


def test_absent_distribution():
    assert installed_versions(("no-such-distribution-here",)) == {"no-such-distribution-here": "absent"}


def test_environment_names_the_numerical_libraries():
    env = environment()
    assert env["torch"] == metadata.version("torch") and env["python"].count(".") == 2
