"""`serve`: build, serve the site from memory, rebuild on change, reload the browser.

Pieces, from pure to wired:
- `routes.resolve(files, target, base)`: URL → (status, type, body) over the in-memory tree; no socket.
- `LiveState`: the one object threads share. It holds an immutable `Snapshot` (the last good files,
  the site version, the current problems) that a rebuild replaces in one assignment, so a request
  sees either the old site or the new one, never a mix; and the live-reload events.
- `Handler`/`bind()`: a small ThreadingHTTPServer on loopback (another address needs `--public`,
  hosts.py); `/__sitegen/events` is the SSE channel.
- `DevServer`: watcher → debouncer → `rebuild()` → publish. It receives a `rebuild` callable and
  knows nothing of the pipeline; `serve(args)` plugs `build()` in.

The rebuild loop runs in the main thread, so Ctrl-C interrupts a build (and the kernels it owns
shut down through their context managers) and then stops the observer and the server.
Pages are served from memory and `_site/` is not written: the pages carry the live-reload
script, which must never reach a deployable output, and skipping the write keeps rebuilds fast.
"""
from __future__ import annotations

import errno
import gc
import json
import select
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Mapping

from ..errors import Problem, SiteError, error
from .hosts import check_host, family_of
from .routes import PREFIX, Response, resolve, text_response
from .watch import ChangeKind, Debouncer, Watcher

@dataclass(frozen=True)
class Snapshot:
    files: Mapping[str, bytes]          # the last good build; never mutated once published
    base: str = ""
    version: int = 0                    # bumped by each successful rebuild that changed something
    problems: tuple[str, ...] = ()      # non-empty: the last rebuild failed (files are the last good ones)
    built: bool = False                 # False until a build succeeded once


def problem_lines(problems: list[Problem]) -> list[str]:
    """Problems as the CLI prints them: errors first, by path and line."""
    return [str(p) for p in sorted(problems, key=lambda p: (p.warning, p.path, p.line or 0))]


def changed_paths(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> set[str]:
    return {p for p, data in new.items() if old.get(p) != data} | (old.keys() - new.keys())


class LiveState:
    """The served snapshot and the live-reload event log, shared by the server threads."""

    def __init__(self) -> None:
        self.snapshot = Snapshot({})
        self._cond = threading.Condition()
        self._events: list[tuple[int, str, str]] = []   # (seq, event name, JSON data)
        self._seq = 0
        self.closed = False

    # -- the rebuild side --------------------------------------------------------------
    def publish(self, files: Mapping[str, bytes], base: str = "") -> str | None:
        """Serve a successful build; return the event sent ("reload", "css") or None if nothing changed."""
        with self._cond:
            old = self.snapshot
            changed = changed_paths(old.files, files)
            if old.built and not changed and not old.problems and old.base == base:
                return None
            css_only = (old.built and not old.problems and old.base == base
                        and bool(changed) and all(p.endswith(".css") for p in changed))
            self.snapshot = Snapshot(files, base, old.version + 1, (), True)
            kind = "css" if css_only else "reload"
            self._emit(kind, {"version": self.snapshot.version, "changed": sorted(changed)[:50]})
            return kind

    def replace(self, folders: list[str], files: Mapping[str, bytes]) -> None:
        """Swap the files under `folders` for `files` in one assignment, with no event and no new
        version: the search index made after the pages it indexes."""
        with self._cond:
            old = self.snapshot
            kept = {p: data for p, data in old.files.items() if not p.startswith(tuple(folders))}
            self.snapshot = Snapshot({**kept, **files}, old.base, old.version, old.problems, old.built)

    def fail(self, problems: list[str]) -> None:
        """Keep serving the last good files; tell the pages what is wrong."""
        with self._cond:
            old = self.snapshot
            self.snapshot = Snapshot(old.files, old.base, old.version, tuple(problems), old.built)
            self._emit("problems", {"version": old.version, "problems": list(problems)})

    def _emit(self, name: str, data: dict) -> None:
        self._seq += 1
        self._events = self._events[-99:] + [(self._seq, name, json.dumps(data, ensure_ascii=False))]
        self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    # -- the serving side --------------------------------------------------------------
    @property
    def seq(self) -> int:
        with self._cond:
            return self._seq

    def wait_events(self, after: int, timeout: float) -> list[tuple[int, str, str]]:
        """Events newer than `after`, waiting up to `timeout` seconds for one."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self._seq > after, timeout)
            return [e for e in self._events if e[0] > after]

    def state_json(self) -> bytes:
        snap = self.snapshot
        return json.dumps({"version": snap.version, "ok": not snap.problems, "built": snap.built,
                           "problems": list(snap.problems)}, ensure_ascii=False).encode()

    def respond(self, target: str) -> Response:
        """Every GET except the event stream."""
        snap = self.snapshot                      # one read: the whole response comes from one build
        route = target.split("?", 1)[0]
        if route.startswith(PREFIX):
            if route == PREFIX + "livereload.js":
                return Response(200, "text/javascript; charset=utf-8", livereload_script(snap.version))
            if route == PREFIX + "state":
                return Response(200, "application/json", self.state_json())
            return text_response(404, "404 Not Found")
        if not snap.built:
            return Response(503, "text/html; charset=utf-8", waiting_page(snap.problems))
        return resolve(snap.files, target, snap.base)


# The script pages load under `serve` (never part of a built site): it lives beside this module.
LIVERELOAD_JS = (Path(__file__).resolve().parent / "livereload.js").read_text(encoding="utf-8")


def livereload_script(version: int) -> bytes:
    return LIVERELOAD_JS.replace("__VERSION__", str(int(version))).encode()


def waiting_page(problems: tuple[str, ...]) -> bytes:
    """Shown until a first build succeeds: the problems, and the script that reloads once fixed."""
    from html import escape

    items = "".join(f"<li>{escape(p)}</li>" for p in problems) or "<li>building…</li>"
    return (f"<!doctype html><meta charset=utf-8><title>sitegen: the site does not build yet</title>"
            f"<h1>The site does not build yet</h1><ul>{items}</ul>"
            f'<script src="{PREFIX}livereload.js"></script>\n').encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-serve"
    timeout = 60                                  # idle keep-alive connections give their thread back
    disable_nagle_algorithm = True                # headers and body are two writes: no 40 ms delayed-ACK stall
    server: "DevHTTPServer"

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        if self.path.split("?", 1)[0] == PREFIX + "events":
            return self._events(head)
        response = self.server.state.respond(self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _events(self, head: bool) -> None:
        """Server-sent events: one `event: name / data: json` per rebuild, comments as keep-alive."""
        state = self.server.state
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        seen = state.seq
        self.wfile.write(b"retry: 500\n\n")
        self.wfile.flush()
        idle = 0.0
        while not state.closed and not self.server.stopping:
            events = state.wait_events(seen, timeout=1.0)
            for seq, name, data in events:
                self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
                seen = seq
            idle = 0.0 if events else idle + 1.0
            if idle >= 15:
                self.wfile.write(b": keep-alive\n\n")
                idle = 0.0
            self.wfile.flush()
            if not events and self._peer_gone():
                return

    def _peer_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def log_message(self, format: str, *args) -> None:   # quiet: the terminal is for build messages
        pass


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True       # a restarted server gets its port back despite TIME_WAIT
    allow_reuse_port = False         # …but never shares it with a live server

    block_on_close = False           # stop() hangs up on every client itself (see close_connections)

    def __init__(self, address: tuple[str, int], state: LiveState):
        self.address_family = family_of(address[0])
        self.state, self.stopping = state, False
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on keep-alive and event-stream clients, so their threads end now."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):   # browsers hang up
            super().handle_error(request, client_address)


def bind(host: str, port: int, state: LiveState, say: Callable[[str], None] = print,
         attempts: int = 20, public: bool = False, warn: Callable[[str], None] | None = None) -> DevHTTPServer:
    """Listen on host:port, or on the next free port after it, saying so. A host other machines can
    reach needs `public` (see hosts.py), and is then announced through `warn`."""
    if not 0 <= port <= 65535:
        raise SiteError(error("--port", None, f"expected a port number between 0 and 65535, got {port}"))
    notice = check_host(host, public)
    if notice:
        (warn or say)(notice)
    candidates = [0] if port == 0 else range(port, min(port + attempts, 65536))
    for candidate in candidates:
        try:
            return DevHTTPServer((host, candidate), state)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise SiteError(error("--host/--port", None, f"cannot listen on {host}:{candidate}: {exc.strerror or exc}"))
            say(f"Port {candidate} is already in use; trying {candidate + 1}.")
    raise SiteError(error("--port", None, f"ports {port} to {candidate} are all in use: choose another with --port"))


@dataclass(frozen=True)
class Built:
    """What the server needs of a build."""
    files: Mapping[str, bytes]
    base: str = ""
    warnings: tuple[str, ...] = ()
    stale: Mapping[str, str] = field(default_factory=dict)   # stale translation's path → what changed
    # the search index, made after these pages are published: → (folders it replaces, their files, problems)
    index: Callable[[], tuple[list[str], dict[str, bytes], list[str]]] | None = None


class DevServer:
    """Build → serve → watch → rebuild → notify. `rebuild()` returns a `Built` or raises SiteError."""

    def __init__(self, root: Path, rebuild: Callable[[], Built], host: str = "127.0.0.1", port: int = 8000,
                 say: Callable[[str], None] = print, complain: Callable[[str], None] | None = None,
                 watch: bool = True, quiet: float = 0.025, public: bool = False):
        self.root, self.build_site, self.host, self.port, self.public = root, rebuild, host, port, public
        self.say = say
        self.complain = complain or (lambda text: print(text, file=sys.stderr, flush=True))
        self.state = LiveState()
        # an editor's save ends with a close or a rename: then 5 ms of quiet are enough to merge the
        # rest of a burst; a file still being written waits `quiet`
        self.debouncer = Debouncer(quiet=quiet, settled=min(quiet, 0.005))
        self.watcher = Watcher(root, self.debouncer.add) if watch else None
        self.httpd: DevHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._warnings: tuple[str, ...] = ()
        self._stale: Mapping[str, str] = {}
        self.rebuilds = 0

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.state.snapshot.base}/"

    def start(self) -> str:
        """Bind (failing fast on a bad port), watch, build once, then serve; → the site's URL."""
        self.httpd = bind(self.host, self.port, self.state, self.say, public=self.public, warn=self.complain)
        try:
            if self.watcher:
                self.watcher.start()                 # before the first build: no edit gets lost
            self.rebuild({})
            # what the first build loaded stays for the whole session: keep the collector off it,
            # so a rebuild does not pay for scanning it (pauses of ~100 ms measured at 1,000 pages)
            gc.freeze()
            self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name="sitegen-http", daemon=True)
            self._thread.start()
        except BaseException:
            self.stop()
            raise
        return self.url

    def run(self) -> None:
        """The rebuild loop, until stop() (or Ctrl-C in the main thread)."""
        while not self._stop.is_set():
            batch = self.debouncer.next_batch(timeout=0.25)
            if batch and not self._stop.is_set():
                self.rebuild(batch)

    def rebuild(self, changes: Mapping[str, ChangeKind]) -> str | None:
        """One build; publish it, or keep the last good site and publish the problems."""
        started = time.perf_counter()
        what = _describe(changes)
        try:
            built = self.build_site()
        except SiteError as exc:
            lines = problem_lines(exc.problems)
            self.state.fail(lines)
            errors = sum(1 for p in exc.problems if not p.warning)
            self.complain("\n".join(lines))
            self.say(f"Build failed{what}: {errors} error(s); "
                     + ("still serving the last good pages." if self.state.snapshot.built else "nothing to serve yet."))
            return "problems"
        except Exception as exc:   # a generator bug must not take the server down: show it like a problem
            self.complain(traceback.format_exc().rstrip())
            line = f"sitegen: internal error while building: {type(exc).__name__}: {exc} (traceback in the terminal)"
            self.state.fail([line])
            self.say(f"Build crashed{what}; "
                     + ("still serving the last good pages." if self.state.snapshot.built else "nothing to serve yet."))
            return "problems"
        self.rebuilds += 1
        if built.warnings != self._warnings:
            self._warnings = built.warnings
            if built.warnings:
                self.complain("\n".join(built.warnings))
        self._say_drift(built.stale)
        event = self.state.publish(built.files, built.base)
        seconds = time.perf_counter() - started
        if self.rebuilds == 1 and not changes:
            self.say(f"Built {len(built.files)} files in {seconds:.2f}s.")
        elif changes or event:
            self.say(f"Rebuilt in {seconds:.2f}s{what}: "
                     + {"reload": "pages reloaded", "css": "stylesheets swapped", None: "no page changed"}[event])
        if built.index is not None:
            self._update_index(built.index)
        return event

    def _update_index(self, index: Callable[[], tuple[list[str], dict[str, bytes], list[str]]]) -> None:
        """The search index of the rebuild just published, swapped in whole once made. The pages
        keep their version (no reload: a search page already open keeps the index it loaded)."""
        try:
            folders, files, problems = index()
        except SiteError as exc:
            problems, folders = problem_lines(exc.problems), []
        if problems:
            self.complain("\n".join(problems))
        if folders:
            self.state.replace(folders, files)

    def _say_drift(self, stale: Mapping[str, str]) -> None:
        """Name the translations an edit made stale, or brought up to date (the first build says nothing:
        its warnings list them)."""
        if self.rebuilds > 1:
            for path in sorted(stale.keys() - self._stale.keys()):
                self.say(f"Translation went stale: {path}: {stale[path]}")
            for path in sorted(self._stale.keys() - stale.keys()):
                self.say(f"Translation up to date again: {path}")
        self._stale = stale

    def stop(self) -> None:
        """Stop watching and serving; idempotent."""
        self._stop.set()
        if self.watcher:
            self.watcher.stop()
        self.state.close()
        if self.httpd is not None:
            self.httpd.stopping = True
            if self._thread is not None and self._thread.is_alive():
                self.httpd.shutdown()
                self._thread.join(timeout=5)
            self.httpd.server_close()
            self.httpd.close_connections()


def _describe(changes: Mapping[str, ChangeKind]) -> str:
    if not changes:
        return ""
    names = sorted(changes)
    return f" ({names[0]}" + (f" and {len(names) - 1} more" if len(names) > 1 else "") + ")"


class SiteBuilder:
    """The `rebuild` callable of `serve`: build() in memory with one RenderCache for the session."""

    def __init__(self, root: Path, options, progress: Callable[[str], None] = lambda s: None):
        from ..render import RenderCache

        self.root, self.options, self.progress = root, options, progress
        self.cache = RenderCache.load(root)

    def __call__(self) -> Built:
        from ..build import build
        from ..sources import load_config

        from ..site import summary

        report = build(self.root, self.options, self.progress, cache=self.cache)
        config, _ = load_config(self.root)
        assert report.tree is not None
        stale = {t.translation.path: summary(t) for t in (report.translations.tracked if report.translations else ()) if t.state == "stale"}
        update = report.search_update

        def index() -> tuple[list[str], dict[str, bytes], list[str]]:
            assert update is not None
            folders, files, problems = update()
            return folders, files, problem_lines(problems)

        return Built(report.tree.files, config.baseurl, tuple(problem_lines(report.warnings)), stale,
                     None if update is None else index)

    def save(self) -> None:
        """Nothing to flush: each build stores what it rendered in the render cache."""


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(args) -> int:
    """`site.py serve`: see the module docstring."""
    from ..build import BuildOptions

    root = args.root.resolve()
    if not (root / "site.yaml").is_file():
        raise SiteError(error("site.yaml", None, f"no site.yaml in {root} (is this the project folder?)"))
    options = BuildOptions(drafts=args.drafts, future=args.future, jobs=getattr(args, "jobs", 0),
                           live_reload=True, write=False, defer_search=True)

    def progress(message: str) -> None:
        if not message.endswith("…"):
            print(f"  {message}", file=sys.stderr, flush=True)

    def say(message: str) -> None:
        print(message, flush=True)

    builder = SiteBuilder(root, options, progress)
    server = DevServer(root, builder, args.host, args.port, say=say, public=getattr(args, "public", False))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)     # `kill` stops as cleanly as Ctrl-C
    try:
        url = server.start()
        builder.save()
        say(f"Serving {root.name} on {url} (from memory; _site/ is not written). Press Ctrl-C to stop.")
        if args.open:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.run()
    except KeyboardInterrupt:
        say("Stopping…")
    finally:
        server.stop()
        builder.save()
    say("Stopped.")
    return 0
