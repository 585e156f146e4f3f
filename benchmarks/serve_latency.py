"""Edit-to-browser latency of `site.py serve`: from the write of a post to the served page showing it.

    python benchmarks/serve_latency.py                 # the repo's own site (copied to a temp folder)
    python benchmarks/serve_latency.py --site fixture  # tests/fixtures/serve_site
    python benchmarks/serve_latency.py --site PATH -n 30 --browser

The site is copied (with its .cache, so code sessions stay cached) and served on a free port by
a real `site.py serve` process. Each round appends a unique word to one post, then waits:
- http: for the `reload` server-sent event, then GETs the page until it holds the word
  (what the live-reload script does, minus the browser);
- browser (--browser): until Chromium, reloaded by the live-reload script, shows the word; the
  figure is the reloaded page's first contentful paint from Chromium's own clock (Playwright's
  detection, which polls across the navigation, is printed too and adds ~100 ms).
Prints the median and 90th percentile of each, and the server's own rebuild times.
"""
from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE_PARTS = ("site.yaml", "content", "templates", "static", "i18n", "code_samples", ".cache")


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site; theme files it lacks (a test fixture has only its content) come from this repository."""
    target.mkdir(parents=True)
    for part in SITE_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.is_file():
            shutil.copy2(path, target / part)
    for part in ("templates", "static", "i18n"):
        shutil.copytree(REPO / part, target / part, dirs_exist_ok=True,
                        copy_function=lambda src, dst: None if Path(dst).exists() else shutil.copy2(src, dst))
    return target


def post_and_url(root: Path) -> tuple[Path, str]:
    sys.path.insert(0, str(REPO))
    from sitegen.sources.config import load_config
    from sitegen.sources.content import discover, parse_source
    from sitegen.site.pages import url_of

    config, _ = load_config(root)
    sources, _ = discover(root, config.languages)
    for source in sources:
        post, _ = parse_source(source)
        if post is not None and post.is_post and not post.front.draft and post.lang == config.default_language:
            return root / source.path, config.baseurl + url_of(post, config)
    raise SystemExit(f"no published post in {config.default_language} under {root}/content/posts")


class Server:
    def __init__(self, root: Path):
        self.process = subprocess.Popen([sys.executable, "-u", str(REPO / "site.py"), "--root", str(root), "serve",
                                         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("serve exited before serving")
            m = re.match(r"Serving .* on http://([\d.]+):(\d+)/", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def rebuild_times(self) -> list[float]:
        times = []
        while not self.lines.empty():
            m = re.match(r"Rebuilt in ([\d.]+)s", self.lines.get())
            if m:
                times.append(float(m.group(1)))
        return times

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("GET", path)
            return conn.getresponse().read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Events:
    """The server-sent events, read in a thread into a queue."""

    def __init__(self, server: Server):
        self.sock = socket.create_connection((server.host, server.port), timeout=None)
        self.sock.sendall(b"GET /__sitegen/events HTTP/1.1\r\nHost: bench\r\n\r\n")
        self.queue: queue.Queue[tuple[float, str, dict]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                fields = dict(line.split(": ", 1) for line in block.decode().splitlines() if ": " in line)
                if "event" in fields:
                    self.queue.put((time.perf_counter(), fields["event"], json.loads(fields["data"])))

    def close(self) -> None:
        self.sock.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name:<28} n={len(ms):<3} median {statistics.median(ms):6.0f} ms   p90 {percentile(ms, 0.9):6.0f} ms"
            f"   min {min(ms):5.0f}   max {max(ms):5.0f}")


def edit(post: Path, original: str, word: str) -> float:
    started = time.perf_counter()
    post.write_text(original + f"\n\n{word}\n", encoding="utf-8")
    return started


def run_http(server: Server, post: Path, url: str, rounds: int) -> tuple[list[float], list[float]]:
    events = Events(server)
    time.sleep(0.3)
    original = post.read_text(encoding="utf-8")
    to_event, to_page = [], []
    try:
        for i in range(rounds):
            word = f"latencyprobe{i}x{time.time_ns() % 100000}"
            started = edit(post, original, word)
            while True:
                at, name, _data = events.queue.get(timeout=60)
                if name == "problems":
                    raise SystemExit(f"the edit broke the build: {_data}")
                if name == "reload" and word.encode() in server.get(url):
                    to_event.append(at - started)
                    to_page.append(time.perf_counter() - started)
                    break
            time.sleep(0.25)
    finally:
        post.write_text(original, encoding="utf-8")
        events.close()
    return to_event, to_page


PAINTED = """() => {
  const paint = performance.getEntriesByType("paint").find(e => e.name === "first-contentful-paint");
  const nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
}"""


def run_browser(server: Server, post: Path, url: str, rounds: int) -> tuple[list[float], list[float]]:
    """→ (write → first paint of the reloaded page, from Chromium's own timings;
          write → Playwright noticing the word, which adds its polling overhead)."""
    from playwright.sync_api import sync_playwright

    original = post.read_text(encoding="utf-8")
    painted, noticed = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(f"http://{server.host}:{server.port}{url}")
        try:
            for i in range(rounds):
                page.wait_for_function("() => window.__sitegen && window.__sitegen.source.readyState === 1",
                                       timeout=30_000)
                word = f"latencyprobe{i}x{time.time_ns() % 100000}"
                wall = time.time()
                started = edit(post, original, word)
                page.wait_for_function(f"() => document.body && document.body.innerText.includes('{word}')",
                                       timeout=30_000, polling="raf")
                noticed.append(time.perf_counter() - started)
                painted.append(page.evaluate(PAINTED) / 1000 - wall)
                time.sleep(0.25)
        finally:
            post.write_text(original, encoding="utf-8")
            browser.close()
    return painted, noticed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="repo", help="repo, fixture, or a project folder (default: repo)")
    parser.add_argument("-n", "--rounds", type=int, default=20)
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium (Playwright)")
    args = parser.parse_args()
    source = {"repo": REPO, "fixture": REPO / "tests/fixtures/serve_site"}.get(args.site, Path(args.site))
    with tempfile.TemporaryDirectory(prefix="sitegen-latency-") as tmp:
        root = copy_site(source.resolve(), Path(tmp) / "site")
        post, url = post_and_url(root)
        print(f"site: {source}  post: {post.relative_to(root)}  page: {url}  rounds: {args.rounds}")
        server = Server(root)
        try:
            to_event, to_page = run_http(server, post, url, args.rounds)
            rebuilds = server.rebuild_times()
            print(summary("write → reload event", to_event))
            print(summary("write → page served (http)", to_page))
            if rebuilds:
                print(summary("server rebuild (build())", rebuilds))
            if args.browser:
                painted, noticed = run_browser(server, post, url, args.rounds)
                print(summary("write → painted in Chromium", painted))
                print(summary("write → seen by Playwright", noticed))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
