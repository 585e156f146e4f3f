"""Helpers of the browser tests: the pinned checkers (npm) and a static server for built sites."""
from __future__ import annotations

from pathlib import Path

import pytest

TIMEOUT_MS = 10_000
# axe-core's rule sets the pages must pass: WCAG 2.2 A and AA, and axe's best practices
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


NODE_MODULES = Path(__file__).parent / "node_modules"


def node_module(rel: str) -> Path:
    """A file of the checkers tests/browser/package.json pins; .ci/run installs them with `npm ci`."""
    path = NODE_MODULES / rel
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `npm ci` in tests/browser (.ci/run does)", pytrace=False)
    return path


def axe_violations(page) -> list[str]:
    """axe-core run on the page as it is now: one line per violation and element."""
    page.add_script_tag(content=node_module("axe-core/axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']}: {node['target']}" for v in result["violations"] for node in v["nodes"]]


def gzip_handler() -> type:
    """tools/serve_gzip.py's handler: text compressed with gzip when the browser accepts it, as hosts do."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve_gzip", Path(__file__).resolve().parents[2] / "tools" / "serve_gzip.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Handler


class StaticSite:
    """A built output folder served on loopback as a host would serve it (no live reload); with
    `gzip`, text is sent compressed (tools/serve_gzip.py), so the bytes a browser receives are a host's."""

    def __init__(self, folder: Path, gzip: bool = False):
        import functools
        import http.server
        import threading

        base = gzip_handler() if gzip else http.server.SimpleHTTPRequestHandler

        class Quiet(base):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                              ".js": "text/javascript", ".woff2": "font/woff2", ".pagefind": "application/octet-stream",
                              ".pf_meta": "application/octet-stream", ".pf_fragment": "application/octet-stream",
                              ".pf_index": "application/octet-stream", ".svg": "image/svg+xml"}

            def log_message(self, *args):
                pass

        self.folder = folder
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

