"""requirements.lock is current: it pins every dependency pyproject.toml declares, within its range."""
from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from sites import ROOT


def locked(text: str) -> dict[str, Version]:
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = list(project["project"]["dependencies"])
    names += project["build-system"]["requires"]
    for extra in project["tool"]["pip-tools"]["extra"]:
        names += project["project"]["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


LOCK = locked((ROOT / "requirements.lock").read_text(encoding="utf-8"))


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_declared_dependency_is_locked_within_its_range(requirement):
    name = canonicalize_name(requirement.name)
    assert name in LOCK, f"requirements.lock lacks {requirement.name}: run bash .ci/lock"
    assert requirement.specifier.contains(LOCK[name], prereleases=True), \
        f"requirements.lock pins {name}=={LOCK[name]}, outside {requirement}: run bash .ci/lock"


def test_torch_is_the_cpu_build():
    """A plain torch==2.13.0 resolved against PyPI alone is a CUDA build with GBs of nvidia-* packages."""
    assert str(LOCK["torch"]) == "2.13.0+cpu"
    assert not [name for name in LOCK if name.startswith("nvidia")]


def test_the_check_can_fail():
    assert not Requirement("pygments>=3").specifier.contains(LOCK["pygments"])
    assert "not-a-package" not in LOCK
