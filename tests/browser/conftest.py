"""Browser tests: Playwright drives the system Chromium against `site.py serve` on a copy of the fixture site.

Chromium is required, not optional: when /usr/bin/chromium is missing these tests fail (CI installs
it with `apt-get install chromium`); nothing here downloads a browser.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from sites import make_site

from .tools import StaticSite

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
TIMEOUT_MS = 10_000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install -y chromium); they do not skip.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Served:
    """`python site.py serve --port 0` on a copy of the fixture site."""

    def __init__(self, root: Path):
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(REPO / "site.py"), "--root", str(root), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = re.match(r"Serving .* on (http://\S+?)/? ", line)
            if m:
                self.url = m.group(1)
                return
        self.stop()
        raise AssertionError("serve did not start:\n" + "".join(self.output))

    def path(self, rel: str) -> Path:
        return self.root / rel

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                rest, _ = self.process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate()
            self.output.append(rest or "")
        return "".join(self.output)


@pytest.fixture
def site_name() -> str:
    """The fixture site `served` serves; a test module overrides it to serve another."""
    return "serve_site"


@pytest.fixture
def served(tmp_path, site_name):
    server = Served(make_site(site_name, tmp_path))
    yield server
    output = server.stop()
    assert "Traceback" not in output, output


@pytest.fixture
def page(browser, request):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as exc:   # the screenshot must not hide the real failure
            print(f"screenshot failed: {exc}")
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"



@pytest.fixture(scope="session")
def repo_served(repo_site):
    """The project's own site, built once (tests/conftest.repo_site) and served statically."""
    site = StaticSite(repo_site[1])
    yield site
    site.close()
