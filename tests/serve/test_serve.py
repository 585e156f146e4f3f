"""`serve`: the pure resolver, then a real server on a free port over a copy of the fixture site."""
from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sites import make_site

import pytest

from sitegen.build import BuildOptions, build
from sitegen.errors import SiteError
from sitegen.serve.routes import content_type, resolve
from sitegen.serve.server import Built, DevServer, LiveState, SiteBuilder, bind

REPO = Path(__file__).resolve().parents[2]
POST_FR = "content/posts/fr/2024-05-02-premier-billet.md"
URL_FR = "/fr/2024/05/02/premier-billet/"
URL_EN = "/en/2024/05/02/first-post/"

# -- resolve(): no socket -------------------------------------------------------------------

TREE = {
    "index.html": b"<root>",
    "404.html": b"<404 all>",
    "fr/index.html": b"<fr home>",
    "fr/404.html": b"<404 fr>",
    "en/404.html": b"<404 en>",
    "fr/a-propos/index.html": b"<a propos>",
    "fr/feed.xml": b"<feed/>",
    "sitemap.xml": b"<urlset/>",
    "css/site.css": b"body{}",
    "images/x.png": b"\x89PNG",
    "fr/2024/x/x.ipynb": b"{}",
    "fr/2024/x/x.py": b"print()",
    "fr/caf\u00e9/index.html": b"<cafe>",
    "my-post.html": b"<extensionless>",
    "\ud55c/index.html": b"<hangul>",
}


@pytest.mark.parametrize("target, status, body, location", [
    ("/", 200, b"<root>", None),
    ("/index.html", 200, b"<root>", None),
    ("/fr/", 200, b"<fr home>", None),
    ("/fr", 301, None, "/fr/"),
    ("/fr/a-propos", 301, None, "/fr/a-propos/"),
    ("/fr/a-propos?x=1", 301, None, "/fr/a-propos/?x=1"),
    ("/fr/a-propos/", 200, b"<a propos>", None),
    ("/fr/a-propos/index.html", 200, b"<a propos>", None),
    ("/fr/./a-propos/", 200, b"<a propos>", None),
    ("/fr/caf%C3%A9/", 200, b"<cafe>", None),
    ("/fr/caf%C3%A9", 301, None, "/fr/caf%C3%A9/"),
    ("/my-post", 200, b"<extensionless>", None),     # permalink: /:title → my-post.html, as GitHub Pages serves it
    ("/my-post.html", 200, b"<extensionless>", None),
    ("/%ED%95%9C/", 200, b"<hangul>", None),
    ("/fr/nope/", 404, b"<404 fr>", None),
    ("/fr/nope", 404, b"<404 fr>", None),
    ("/en/nope", 404, b"<404 en>", None),
    ("/de/nope", 404, b"<404 all>", None),
    ("/nope.html", 404, b"<404 all>", None),
    ("/css/site.css/", 404, b"<404 all>", None),
    ("/fr/../index.html", 200, b"<root>", None),       # stays inside: normalized like posixpath would
    ("/../index.html", 400, None, None),
    ("/%2e%2e/index.html", 400, None, None),
    ("/fr/%2e%2e/%2e%2e/etc/passwd", 400, None, None),
    ("/fr/%2F..%2F..%2Fetc/passwd", 400, None, None),
    ("/..%2f..%2fetc/passwd", 400, None, None),
    ("/..\\..\\etc\\passwd", 400, None, None),
    ("/%5c..%5cetc", 400, None, None),
    ("/fr%00/", 400, None, None),
    ("//etc/passwd", 404, b"<404 all>", None),          # just a missing page of the in-memory tree
    ("//fr", 301, None, "/fr/"),                        # never `//host/…`: no open redirect
    ("http://evil.example/fr/", 400, None, None),
    ("etc/passwd", 400, None, None),
])
def test_resolve(target, status, body, location):
    response = resolve(TREE, target)
    assert response.status == status
    if body is not None:
        assert response.body == body
    assert dict(response.headers).get("Location") == location


def test_resolve_under_a_baseurl():
    assert resolve(TREE, "/blog/fr/", "/blog").body == b"<fr home>"
    assert resolve(TREE, "/blog/fr", "/blog").headers == (("Location", "/blog/fr/"),)
    assert resolve(TREE, "/", "/blog").headers == (("Location", "/blog/"),)
    assert resolve(TREE, "/fr/", "/blog").status == 404


@pytest.mark.parametrize("path, expected", [
    ("fr/index.html", "text/html; charset=utf-8"),
    ("css/site.css", "text/css; charset=utf-8"),
    ("x.js", "text/javascript; charset=utf-8"),
    ("images/a.svg", "image/svg+xml"),
    ("fr/feed.xml", "application/atom+xml"),
    ("sitemap.xml", "application/xml"),
    ("images/a.PNG", "image/png"),
    ("files/data.json", "application/json"),
    ("fr/x/x.ipynb", "application/x-ipynb+json"),
    ("fr/x/x.py", "text/x-python; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("blob", "application/octet-stream"),
])
def test_content_type(path, expected):
    assert content_type(path) == expected


def test_state_events_and_css_only_detection():
    state = LiveState()
    assert state.publish({"a.html": b"1", "s.css": b"x"}) == "reload"
    assert state.publish({"a.html": b"1", "s.css": b"x"}) is None          # nothing changed: nothing sent
    assert state.publish({"a.html": b"1", "s.css": b"y"}) == "css"
    state.fail(["content/x.md:3: bad"])
    assert state.snapshot.files["s.css"] == b"y" and state.snapshot.problems == ("content/x.md:3: bad",)
    assert state.publish({"a.html": b"1", "s.css": b"y"}) == "reload"      # fixed: clear the overlay
    assert [name for _, name, _ in state.wait_events(0, 0)] == ["reload", "css", "problems", "reload"]
    assert json.loads(state.state_json()) == {"version": 3, "ok": True, "built": True, "problems": []}


def test_live_reload_only_when_serving(tmp_path):
    root = copy_site(tmp_path)                  # a build writes its caches into the project
    site = build(root, BuildOptions(write=False))
    assert not any(b"__sitegen" in data or b"livereload" in data for data in site.tree.files.values())
    served = build(root, BuildOptions(write=False, live_reload=True))
    assert b'<script src="/__sitegen/livereload.js"></script>' in served.tree.files["fr/index.html"]


# -- a real server -----------------------------------------------------------------------------

def copy_site(tmp_path: Path) -> Path:
    return make_site("serve_site", tmp_path)


def request(server: DevServer, target: str, method: str = "GET", timeout: float = 10):
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)   # sent verbatim
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 10, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


class Running:
    def __init__(self, root: Path, watch: bool = True, port: int = 0, rebuild=None):
        self.messages: list[str] = []
        self.builder = rebuild or SiteBuilder(root, BuildOptions(live_reload=True, write=False))
        self.server = DevServer(root, self.builder, "127.0.0.1", port, say=self.messages.append,
                                complain=self.messages.append, watch=watch)
        self.server.start()
        self.loop = threading.Thread(target=self.server.run, daemon=True) if watch else None
        if self.loop:
            self.loop.start()

    def stop(self):
        self.server.stop()
        if self.loop:
            self.loop.join(timeout=10)
            assert not self.loop.is_alive()


@pytest.fixture
def site(tmp_path):
    return copy_site(tmp_path)


@pytest.fixture
def running(site):
    run = Running(site)
    yield run
    run.stop()


@pytest.mark.parametrize("target, expected", [
    (URL_FR, "text/html; charset=utf-8"),
    ("/css/site.css", "text/css; charset=utf-8"),
    ("/assets/pygments.css", "text/css; charset=utf-8"),
    ("/__sitegen/livereload.js", "text/javascript; charset=utf-8"),
    ("/images/logo.svg", "image/svg+xml"),
    ("/images/dot.png", "image/png"),
    ("/fr/feed.xml", "application/atom+xml"),
    ("/sitemap.xml", "application/xml"),
    ("/files/data.json", "application/json"),
    ("/files/hello.ipynb", "application/x-ipynb+json"),
    ("/files/hello.py", "text/x-python; charset=utf-8"),
    ("/files/notes.txt", "text/plain; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/__sitegen/state", "application/json"),
])
def test_content_types_over_http(running, target, expected):
    status, headers, body = request(running.server, target)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body) > 0


def test_index_redirect_and_language_404(running, site):
    status, headers, body = request(running.server, "/fr/a-propos/")
    assert status == 200 and "À propos".encode() in body
    status, headers, _ = request(running.server, "/fr/a-propos")
    assert status == 301 and headers["location"] == "/fr/a-propos/"
    status, headers, body = request(running.server, "/")
    assert status == 200 and body.startswith(b"<!doctype html>")
    for prefix, words in (("/fr/", "Page introuvable"), ("/en/", "Page not found"), ("/", "Page introuvable")):
        status, headers, body = request(running.server, prefix + "no/such/page")
        assert status == 404, prefix
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert words.encode() in body, prefix
    _, _, fr404 = request(running.server, "/fr/nope")
    assert fr404 == running.builder().files["fr/404.html"]


def test_head(running):
    status, get_headers, body = request(running.server, URL_FR)
    status_head, head_headers, head_body = request(running.server, URL_FR, "HEAD")
    assert status_head == status == 200
    assert head_body == b""
    assert head_headers["content-length"] == get_headers["content-length"] == str(len(body))
    assert head_headers["content-type"] == get_headers["content-type"]
    assert request(running.server, "/fr/nope", "HEAD")[0] == 404


@pytest.mark.parametrize("target", [
    "/../site.yaml", "/../../../../etc/passwd", "/%2e%2e/site.yaml", "/%2E%2E/%2e%2e/etc/passwd",
    "/fr/%2e%2e/%2e%2e/site.yaml", "//etc/passwd", "/fr/%2F..%2F..%2Fsite.yaml", "/..%2f..%2fetc%2fpasswd",
    "/%5c..%5csite.yaml", "/static/../../site.yaml", "/content/posts/fr/", "/site.yaml",
])
def test_no_path_traversal(running, site, target):
    status, _, body = request(running.server, target)
    assert status in (400, 404)
    assert b"root:" not in body and b"permalink:" not in body and b"default_language" not in body


def test_every_response_during_rebuilds_is_a_whole_page(site):
    run = Running(site, watch=False)          # rebuilds driven from here, as fast as they go
    post = site / POST_FR
    original = post.read_text(encoding="utf-8")
    stop, bad, seen = threading.Event(), [], set()

    def hammer():
        host, port = run.server.httpd.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=10)    # keep-alive, like a browser
        while not stop.is_set():
            conn.request("GET", URL_FR)
            response = conn.getresponse()
            body = response.read()
            marks = [m for m in range(1000) if f"Marque {m}.".encode() in body] if b"Marque" in body else []
            if (response.status != 200 or not body.endswith(b"</html>\n") or len(marks) > 1
                    or int(response.getheader("Content-Length")) != len(body)):
                bad.append((response.status, body[-200:]))
            seen.add(marks[0] if marks else None)
        conn.close()

    workers = [threading.Thread(target=hammer) for _ in range(3)]
    try:
        for worker in workers:
            worker.start()
        for n in range(15):
            post.write_text(original + ("\nDu texte en plus. " * (n * 40)) + f"\n\nMarque {n}.\n", encoding="utf-8")
            assert run.server.rebuild({POST_FR: None}) == "reload"
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=20)
        run.stop()
    assert bad == []
    assert len(seen) >= 3                      # the hammering really overlapped several versions


def test_edit_shows_up_and_error_state_then_recovery(running, site):
    post = site / POST_FR
    original = post.read_text(encoding="utf-8")
    post.write_text(original.replace("premier billet du carnet", "billet modifié du carnet"), encoding="utf-8")
    wait_for(lambda: "billet modifié".encode() in request(running.server, URL_FR)[2])
    version = json.loads(request(running.server, "/__sitegen/state")[2])["version"]
    assert version >= 2

    post.write_text(original.replace("title: Premier billet", "title: [Premier billet"), encoding="utf-8")
    state = wait_for(lambda: (s := json.loads(request(running.server, "/__sitegen/state")[2]))["problems"] and s)
    assert state["ok"] is False and state["version"] == version
    assert any(p.startswith(f"{POST_FR}:") and "YAML" in p for p in state["problems"])
    status, _, body = request(running.server, URL_FR)                  # the last good page stays served
    assert status == 200 and "billet modifié".encode() in body

    post.write_text(original, encoding="utf-8")
    state = wait_for(lambda: (s := json.loads(request(running.server, "/__sitegen/state")[2]))["ok"] and s)
    assert state["version"] == version + 1 and state["problems"] == []
    assert "premier billet du carnet".encode() in request(running.server, URL_FR)[2]


class EventStream:
    def __init__(self, server: DevServer):
        host, port = server.httpd.server_address[:2]
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.sendall(b"GET /__sitegen/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head
        assert self._until(b"\n\n") == b"retry: 500"

    def _until(self, separator: bytes) -> bytes:
        while separator not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        item, self.buffer = self.buffer.split(separator, 1)
        return item

    def next(self) -> tuple[str, dict]:
        while True:
            block = self._until(b"\n\n").decode()
            if block.startswith(":"):
                continue
            fields = dict(line.split(": ", 1) for line in block.splitlines())
            return fields["event"], json.loads(fields["data"])

    def close(self):
        self.sock.close()


def test_event_stream(running, site):
    stream = EventStream(running.server)
    try:
        post = site / POST_FR
        original = post.read_text(encoding="utf-8")
        post.write_text(original + "\nAjout.\n", encoding="utf-8")
        name, data = stream.next()
        assert name == "reload" and URL_FR.lstrip("/") + "index.html" in data["changed"]

        css = site / "static/css/site.css"
        css.write_text(css.read_text() + "\nbody { outline: 1px solid red; }\n")
        assert stream.next()[0] == "css"

        post.write_text("---\ntitle: ok\ndate: nope\n---\n", encoding="utf-8")
        name, data = stream.next()
        assert name == "problems"
        assert f"{POST_FR}:3: `date`: expected YYYY-MM-DD [HH:MM[:SS] [+HHMM]], got 'nope'" in data["problems"]

        post.write_text(original, encoding="utf-8")
        assert stream.next()[0] == "reload"
    finally:
        stream.close()


def test_a_site_that_never_built_waits_and_recovers(tmp_path):
    root = copy_site(tmp_path)
    template = root / "templates/post.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% endblock %}", "{% endblok %}", 1), encoding="utf-8")
    run = Running(root)
    try:
        status, headers, body = request(run.server, URL_FR)
        assert status == 503 and b"templates/post.html" in body and b"/__sitegen/livereload.js" in body
        state = json.loads(request(run.server, "/__sitegen/state")[2])
        assert state["built"] is False and state["problems"]
        template.write_text(good, encoding="utf-8")
        wait_for(lambda: request(run.server, URL_FR)[0] == 200)
    finally:
        run.stop()


def test_a_crash_in_the_generator_is_shown_not_fatal(tmp_path):
    calls = []

    def rebuild():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return Built({"index.html": f"<html>{len(calls)}</html>\n".encode()})

    run = Running(tmp_path, watch=False, rebuild=rebuild)
    try:
        assert run.server.rebuild({}) == "problems"
        state = json.loads(request(run.server, "/__sitegen/state")[2])
        assert state["problems"] == ["sitegen: internal error while building: RuntimeError: boom (traceback in the terminal)"]
        assert request(run.server, "/")[2] == b"<html>1</html>\n"
        assert run.server.rebuild({}) == "reload"
        assert request(run.server, "/")[2] == b"<html>3</html>\n"
    finally:
        run.stop()


def test_port_in_use_moves_to_the_next_free_port(site):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    try:
        run = Running(site, watch=False, port=taken)
        try:
            port = run.server.httpd.server_address[1]
            assert port > taken
            assert f"Port {taken} is already in use; trying {taken + 1}." in run.messages
            assert run.server.url == f"http://127.0.0.1:{port}/"
            assert request(run.server, URL_FR)[0] == 200
        finally:
            run.stop()
    finally:
        blocker.close()


def test_bad_port_or_host_is_a_clear_error():
    with pytest.raises(SiteError, match="between 0 and 65535"):
        bind("127.0.0.1", 70000, LiveState())
    with pytest.raises(SiteError, match="cannot listen on 192.0.2.1"):
        bind("192.0.2.1", 0, LiveState(), public=True, warn=lambda text: None)   # not an address of this machine


def test_stop_ends_every_thread(site):
    before = set(threading.enumerate())
    run = Running(site)
    stream = EventStream(run.server)
    host, port = run.server.httpd.server_address[:2]
    idle = http.client.HTTPConnection(host, port, timeout=10)             # an idle keep-alive client
    idle.request("GET", "/")
    idle.getresponse().read()
    run.stop()
    wait_for(lambda: set(threading.enumerate()) <= before, timeout=10)
    with pytest.raises(EOFError):
        stream.next()
    stream.close()
    idle.close()


def start_cli(root: Path, *extra: str) -> tuple[subprocess.Popen, str, str]:
    """`site.py serve` running; → (process, its URL, what it printed until then)."""
    process = subprocess.Popen([sys.executable, "-u", str(REPO / "site.py"), "--root", str(root), "serve",
                                "--port", "0", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Serving "):
            url = line.split(" on ", 1)[1].split(" ", 1)[0]
            return process, url, "".join(lines)
    process.kill()
    raise AssertionError("serve did not start:\n" + "".join(lines))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_serve_stops_cleanly_on_ctrl_c(site, sig):
    process, url, _ = start_cli(site)
    try:
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))), timeout=10) as s:
            s.sendall(b"GET /fr/ HTTP/1.0\r\n\r\n")
            assert s.recv(12).startswith(b"HTTP/1.1 200")
        process.send_signal(sig)
        out, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    assert "Stopped." in out and "Traceback" not in out
    assert not (site / "_site").exists()                    # served from memory only
    assert (site / ".cache" / "render.sqlite").stat().st_size > 0   # the Markdown memo persists for the next run


def test_cli_refuses_a_public_host(site):
    done = subprocess.run([sys.executable, str(REPO / "site.py"), "--root", str(site), "serve", "--port", "0",
                           "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--host: 0.0.0.0 is reachable from other machines" in done.stderr and "--public" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "Serving" not in done.stdout


def test_cli_public_warns_then_serves(site):
    process, url, printed = start_cli(site, "--host", "0.0.0.0", "--public")
    try:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert "WARNING: --public: serving on 0.0.0.0" in printed and url.startswith("http://0.0.0.0:")
    assert process.returncode == 0 and "Traceback" not in printed + out


def test_the_terminal_says_which_translation_went_stale_and_the_page_shows_it(tmp_path):
    from sitegen.translate import sync

    site = make_site("translations", tmp_path)
    fr, en = "content/posts/fr/2024-03-01-descente-de-gradient.md", "content/posts/en/2024-03-01-gradient-descent.md"
    url_en = "/en/2024/03/01/gradient-descent/"
    run = Running(site)
    try:
        assert b"stale-notice" not in request(run.server, url_en)[2]
        post = site / fr
        post.write_text(post.read_text(encoding="utf-8").replace("suffit ici.", "suffit ici, même bruitée."), encoding="utf-8")
        wait_for(lambda: b"stale-notice" in request(run.server, url_en)[2])
        said = [m for m in run.messages if m.startswith("Translation went stale: ")]
        assert said == [f"Translation went stale: {en}: translation of {fr} is stale: 1 section changed since it was "
                        f"made: \"Le principe\" (see `python site.py translations --diff {en}`)"]

        sync(site, en)
        wait_for(lambda: b"stale-notice" not in request(run.server, url_en)[2])
        wait_for(lambda: f"Translation up to date again: {en}" in run.messages)
    finally:
        run.stop()
