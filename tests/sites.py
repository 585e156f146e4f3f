"""Fixture sites: copied to a temporary folder, completed with the repository's theme."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_site(name: str, dest: Path) -> Path:
    """Copy fixture `name` to dest; the repository's theme (templates, static, i18n) fills what it lacks."""
    site = dest / name
    shutil.copytree(FIXTURES / name, site, ignore=shutil.ignore_patterns(".cache", "_site"))
    for part in ("templates", "static", "i18n"):
        for source in sorted((ROOT / part).rglob("*")):
            target = site / source.relative_to(ROOT)
            if source.is_file() and "images" not in source.parts and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return site
