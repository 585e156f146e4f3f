"""URL → response over the in-memory site: content types, directory indexes, redirects, the
language's 404 page, and no way out of the site (`..`, encoded slashes, backslashes, NUL).

Pure functions, testable without a socket; `server.py` wires them to an HTTP server.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import quote, unquote

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".ipynb": "application/x-ipynb+json",
    ".py": "text/x-python; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".csv": "text/csv; charset=utf-8",
    ".wasm": "application/wasm",
}
FEEDS = {"feed.xml", "atom.xml"}
PREFIX = "/__sitegen/"


def content_type(path: str) -> str:
    name = posixpath.basename(path)
    if name in FEEDS:
        return "application/atom+xml"
    return CONTENT_TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def text_response(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message + "\n").encode())


def normalize(target: str) -> tuple[str, bool] | None:
    """Request target → (path relative to the site root, ends with /), or None if it is malformed
    or climbs out of the root. Encoded slashes and backslashes are refused rather than guessed at."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or "\\" in path:
        return None
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts: list[str] = []
    for segment in decoded.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(segment)
    return "/".join(parts), decoded.endswith("/")


def _not_found(files: Mapping[str, bytes], rel: str) -> Response:
    """The language's 404 page for /fr/…, else the site's, with status 404."""
    first = rel.split("/", 1)[0]
    for page in (f"{first}/404.html" if first else None, "404.html"):
        if page and page in files:
            return Response(404, content_type(page), files[page])
    return text_response(404, "404 Not Found")


def resolve(files: Mapping[str, bytes], target: str, base: str = "") -> Response:
    """Pure: the response to GET `target` (path and query as sent) over the in-memory tree,
    mounted at `base` (site.yaml's baseurl, "" or "/blog")."""
    normalized = normalize(target)
    if normalized is None:
        return text_response(400, "400 Bad Request: malformed path or path outside the site")
    rel, trailing = normalized
    query = target.split("?", 1)[1] if "?" in target else ""
    mount = base.strip("/")
    if mount:
        if rel == mount or rel.startswith(mount + "/"):
            rel = rel[len(mount):].lstrip("/")
        elif rel == "":
            return _redirect(f"/{mount}/", query)
        else:
            return _not_found(files, rel)
    prefix = f"/{mount}" if mount else ""
    if rel == "" or trailing:
        page = f"{rel}/index.html" if rel else "index.html"
        if page in files:
            return Response(200, content_type(page), files[page])
        return _not_found(files, rel)
    if rel in files:
        return Response(200, content_type(rel), files[rel])
    if f"{rel}.html" in files:   # a permalink without extension (/:title), as GitHub Pages serves it
        return Response(200, content_type(f"{rel}.html"), files[f"{rel}.html"])
    if f"{rel}/index.html" in files:
        return _redirect(f"{prefix}/{rel}/", query)
    return _not_found(files, rel)


def _redirect(location: str, query: str) -> Response:
    # `location` is built from normalized segments: it starts with exactly one slash (no open redirect)
    url = quote(location, safe="/:@!$&'()*+,;=-._~") + (f"?{query}" if query else "")
    return Response(301, "text/plain; charset=utf-8", f"Moved to {url}\n".encode(), (("Location", url),))
