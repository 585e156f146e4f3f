"""The Nu HTML Checker (vnu.jar, pinned in tests/browser/package.json; Java from Debian) on every
page of the project's site, in one Java run: no error."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .tools import node_module

pytestmark = pytest.mark.browser


def test_every_page_is_valid_html(repo_site):
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: the Nu HTML Checker needs it (apt-get install -y default-jre-headless)",
                    pytrace=False)
    out = repo_site[1]
    pages = sorted(str(p) for p in out.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) > 20
    done = subprocess.run([java, "-jar", str(node_module("vnu-jar/build/dist/vnu.jar")), "--errors-only",
                           "--format", "json", *pages], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').split('/_site/')[-1]}:{m.get('lastLine', '?')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)
