"""Whole-site checks shared by the end-to-end tests: internal links and anchors, translations."""
from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from htmltools import parse


def html_pages(out: Path) -> dict[str, object]:
    """URL path → parsed document, for every HTML file of a built site."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        pages[url] = parse(path.read_bytes())
    return pages


def resolve(out: Path, base_url: str, href: str) -> tuple[Path | None, str]:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    path = unquote(parts.path) if parts.path else base_url
    if not path.startswith("/"):
        path = posixpath.join(posixpath.dirname(base_url) + "/", path)
    path = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
    target = out / path.lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    elif not target.exists() and target.with_name(target.name + ".html").is_file():
        target = target.with_name(target.name + ".html")    # /x served by x.html (a permalink without extension)
    return target, parts.fragment


def broken_links(out: Path) -> list[str]:
    """Every internal href/src that points to no file, or to an anchor the page lacks."""
    pages = html_pages(out)
    ids = {url: {e.attrs["id"] for e in doc.iter() if "id" in e.attrs} for url, doc in pages.items()}
    broken = []
    for url, doc in pages.items():
        for element in doc.iter():
            for attr in ("href", "src"):
                value = element.attrs.get(attr)
                if not value or value.startswith(("mailto:", "data:", "javascript:")):
                    continue
                target, fragment = resolve(out, url, value)
                if target is None:
                    continue
                if not target.is_file():
                    broken.append(f"{url}: {attr}={value} → missing {target.relative_to(out)}")
                    continue
                if fragment and target.name == "index.html" or fragment and target.suffix == ".html":
                    rel = target.relative_to(out).as_posix()
                    target_url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
                    if fragment not in ids.get(target_url, set()):
                        broken.append(f"{url}: {attr}={value} → no id {fragment!r}")
    return broken


def alternates(doc) -> dict[str, str]:
    return {e.attrs["hreflang"]: urlsplit(e.attrs["href"]).path for e in doc.find_all("link", rel="alternate")
            if "hreflang" in e.attrs and e.attrs.get("type") is None}


def hreflang_problems(out: Path) -> list[str]:
    """Every hreflang link that resolves to no page, or whose target lists other versions."""
    pages = html_pages(out)
    found = []
    for url, doc in pages.items():
        for lang, target in alternates(doc).items():
            if target not in pages:
                found.append(f"{url}: hreflang {lang} → {target} does not exist")
            elif alternates(pages[target]) != alternates(doc):
                found.append(f"{url} ↔ {target}: the two pages list different versions")
    return found


def switcher(doc) -> list[tuple[str, str, str]]:
    nav = doc.find("nav", **{"class": "lang-switch"})
    if nav is None:
        return []
    return [(a.attrs["hreflang"], a.attrs["href"], a.attrs["data-translation"]) for a in nav.find_all("a")]
