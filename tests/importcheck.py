"""Does `import` keep a real Jekyll site's URLs? Jekyll lists them; sitegen imports, builds, answers.

    python tests/importcheck.py SITE [--lang en] [--keep DIR] [--verbose]

1. Jekyll 4 builds a copy of SITE with its own `permalink`, `baseurl`, collections, front matter
   and files, but without what cannot run offline here (theme gem, plugins, layouts, Sass, Liquid
   in pages): a page it renders lists `site.posts` and `site.pages` with their URLs and titles.
2. `python site.py import SITE` into a fresh project, in one command, then `python site.py build`.
3. Every Jekyll post URL (of the languages the project has) must answer in sitegen's `_site`: a
   page whose title is the post's, directly or through a redirect page. Jekyll's pages are
   counted the same way, and every local `src`/`href` of the built posts must resolve (a reference
   Jekyll cannot resolve either is counted apart, as the site's own breakage).

SITE is only read. The result is a `Result` (for tests) and a short report (for people).
"""
from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from htmltools import parse

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns("_site", ".jekyll-cache", ".sass-cache", ".git", "node_modules", "vendor")
LISTING = """---
layout: null
render_with_liquid: true
permalink: /importcheck-listing.yaml
---
{% for p in site.posts %}- {kind: post, url: {{ p.url | jsonify }}, path: {{ p.path | jsonify }}, lang: {{ p.lang | jsonify }}, title: {{ p.title | jsonify }}}
{% endfor %}{% for p in site.pages %}{% if p.url contains "importcheck-listing" %}{% else %}- {kind: page, url: {{ p.url | jsonify }}, path: {{ p.path | jsonify }}, lang: {{ p.lang | jsonify }}, title: {{ p.title | jsonify }}}
{% endif %}{% endfor %}
"""
NOT_OFFLINE = ("plugins", "gems", "whitelist", "theme", "remote_theme", "sass", "paginate", "paginate_path")


@dataclass(frozen=True)
class Entry:
    kind: str       # post or page
    url: str
    path: str
    lang: str | None
    title: str | None


@dataclass
class Result:
    entries: list[Entry] = field(default_factory=list)        # Jekyll's posts and pages in the imported languages
    missing: dict[str, str] = field(default_factory=dict)      # Jekyll URL → why it does not answer
    references: int = 0
    broken: list[str] = field(default_factory=list)            # local references of the posts sitegen breaks
    broken_in_jekyll: list[str] = field(default_factory=list)  # … that Jekyll breaks too
    import_output: str = ""
    build_output: str = ""
    build_ok: bool = False
    refused: dict[str, str] = field(default_factory=dict)     # content path → the build's error, set aside

    def count(self, kind: str) -> tuple[int, int]:
        urls = [e.url for e in self.entries if e.kind == kind]
        return sum(url not in self.missing for url in urls), len(urls)

    def lines(self) -> list[str]:
        posts, pages = self.count("post"), self.count("page")
        out = [f"build: {'ok' if self.build_ok else 'FAILED'}",
               f"posts: {posts[0]}/{posts[1]} URLs answer", f"pages: {pages[0]}/{pages[1]} URLs answer",
               f"post references: {self.references - len(self.broken) - len(self.broken_in_jekyll)}/{self.references} "
               f"resolve ({len(self.broken)} broken by sitegen, {len(self.broken_in_jekyll)} broken in Jekyll too)"]
        if self.refused:
            out.append(f"set aside, refused by the build: {len(self.refused)}")
            out += [f"  {message}" for message in self.refused.values()]
        out += [f"  missing {url}: {why}" for url, why in sorted(self.missing.items())]
        out += [f"  broken {ref}" for ref in self.broken]
        return out


# --- Jekyll's side ---------------------------------------------------------------------------------

def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def jekyll_entries(site: Path, work: Path) -> tuple[list[Entry], Path]:
    """Jekyll's posts and pages (URL without the base URL, source path, lang, title), and its output folder."""
    source, dest = work / "jekyll-src", work / "jekyll-site"
    shutil.copytree(site, source, ignore=SKIP, symlinks=True)
    for folder in ("_layouts", "_plugins"):
        shutil.rmtree(source / folder, ignore_errors=True)
    for sass in [*source.rglob("*.scss"), *source.rglob("*.sass")]:
        if sass.read_bytes().startswith(b"---"):
            sass.unlink()
    config = _load_yaml(source / "_config.yml")
    for key in NOT_OFFLINE:
        config.pop(key, None)
    if isinstance(config.get("kramdown"), dict):
        config["kramdown"].pop("math_engine", None)     # katex is a gem of its own; the URLs do not depend on it
    # Liquid in posts and pages calls the site's plugins and theme: URLs do not depend on it
    config["defaults"] = [{"scope": {"path": ""}, "values": {"render_with_liquid": False}}] + \
        list(config.get("defaults") or [])
    (source / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (source / "importcheck-listing.html").write_text(LISTING, encoding="utf-8")
    run = subprocess.run(["jekyll", "build", "--quiet", "--safe", "--disable-disk-cache", "-s", str(source),
                          "-d", str(dest)], capture_output=True, text=True, cwd=work, env={"TZ": "UTC", "PATH": "/usr/bin:/bin",
                                                                                          "LANG": "C.UTF-8"})
    if run.returncode:
        raise RuntimeError(f"jekyll build failed:\n{run.stdout}{run.stderr}")
    listed = yaml.safe_load((dest / "importcheck-listing.yaml").read_text(encoding="utf-8")) or []
    entries = [Entry(e["kind"], e["url"], e["path"], e.get("lang"), e.get("title")) for e in listed
               if e["kind"] == "post" or _is_html_page(e["url"])]
    return entries, dest


def _is_html_page(url: str) -> bool:
    return url.endswith("/") or url.endswith(".html") or "." not in url.rsplit("/", 1)[-1]


# --- sitegen's side --------------------------------------------------------------------------------

def run_sitegen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "site.py"), "--root", str(project), *args],
                          capture_output=True, text=True, cwd=project.parent)


def build_setting_aside(project: Path) -> tuple[bool, str, dict[str, str]]:
    """`build --future`; a post or page whose body the build refuses at a line (math it cannot
    convert…) keeps its front matter but loses its body (the original goes to set-aside/), and is
    counted apart: URLs are what this checks, and the links of other posts to it still resolve."""
    refused: dict[str, str] = {}
    aside = project.parent / "set-aside"
    while True:
        run = run_sitegen(project, "build", "--future")
        output = run.stdout + run.stderr
        if not run.returncode:
            return True, output, refused
        bad = {m.group(1): m.group(0) for m in re.finditer(r"^(content/[^:\n]+):(?!(?:\d+:)? ?warning:).*$", output, re.M)}
        bad = {path: message for path, message in bad.items() if (project / path).is_file()}
        if not bad or "Traceback" in output:
            return False, output, refused
        for path, message in bad.items():
            text = (project / path).read_text(encoding="utf-8")
            if path in refused or not text.startswith("---"):
                return False, output, refused
            (aside / path).parent.mkdir(parents=True, exist_ok=True)
            (aside / path).write_text(text, encoding="utf-8")
            front = text.split("\n---", 2)
            (project / path).write_text(front[0] + "\n---\nBody set aside by importcheck.\n", encoding="utf-8")
            refused[path] = message


def answer(out: Path, url: str, base: str, seen: int = 0) -> Path | None:
    """The file of `out` that answers `url` as a static host does (/x served by x.html or
    x/index.html), following redirect pages within the site; None when nothing does."""
    path = unquote(urlsplit(url).path)
    target = out / path.lstrip("/")
    for candidate in ([target / "index.html"] if path.endswith("/") else
                      [target, target.with_name(target.name + ".html"), target / "index.html"]):
        if candidate.is_file():
            break
    else:
        return None
    if candidate.suffix == ".html" and seen < 5:
        refresh = [m for m in parse(candidate.read_bytes()).find_all("meta") if m.attrs.get("http-equiv", "").lower() == "refresh"]
        if refresh:
            to = refresh[0].attrs.get("content", "").split("url=", 1)[-1].strip("'\" ")
            parts = urlsplit(to)
            local = parts.path if parts.scheme else posixpath.join(posixpath.dirname(path) + "/", parts.path) \
                if not parts.path.startswith("/") else parts.path
            if base and local.startswith(base + "/"):
                local = local[len(base):]
            return answer(out, local, base, seen + 1)
    return candidate


def _words(text: str) -> str:
    """Only letters and digits: typography (« », thin spaces, curly quotes) and markup differ."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).lower()


def _title_of(path: Path) -> str:
    doc = parse(path.read_bytes())
    return " ".join(e.text for e in doc.iter() if e.tag in ("title", "h1"))


def local_references(out: Path, page: Path, url: str, base: str) -> list[tuple[str, str]]:
    """(as written, site path without the base URL) of each local src/href of a built page's article."""
    doc = parse(page.read_bytes())
    scope = doc.find("article") or doc
    found = []
    for element in scope.iter():
        for attr in ("src", "href"):
            value = element.attrs.get(attr)
            if not value or value.startswith(("#", "mailto:", "data:", "javascript:", "tel:")):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = parts.path if parts.path.startswith("/") else posixpath.join(posixpath.dirname(url) + "/", parts.path)
            path = posixpath.normpath(path) + ("/" if parts.path.endswith("/") else "")
            if base and (path == base or path.startswith(base + "/")):
                path = path[len(base):] or "/"
            found.append((value, path))
    return found


def check(site: Path, work: Path, langs: list[str] | None = None) -> Result:
    """The whole round: Jekyll's URLs, one `import`, one `build`, each URL answered."""
    result = Result()
    entries, jekyll_out = jekyll_entries(site, work)
    project = work / "project"
    project.mkdir()
    run = run_sitegen(project, "import", str(site), *(["--lang", ",".join(langs)] if langs else []))
    result.import_output = run.stdout + run.stderr
    if run.returncode:
        raise RuntimeError(f"import failed:\n{result.import_output}")
    config = _load_yaml(project / "site.yaml")
    languages = set(config.get("languages") or [])
    base = str(config.get("baseurl") or "").rstrip("/")
    result.build_ok, result.build_output, result.refused = build_setting_aside(project)
    out = project / "_site"
    for entry in entries:
        lang = entry.lang if entry.lang in languages else _path_lang(entry.path, languages)
        if lang is None and len(languages) > 1 and _path_lang(entry.path, _all_langs(entries)):
            continue          # a language the project did not import
        result.entries.append(entry)
        found = answer(out, entry.url, base) if result.build_ok else None
        if found is None:
            result.missing[entry.url] = f"no page ({entry.path})"
            continue
        if entry.kind == "post" and entry.title and _words(entry.title) not in _words(_title_of(found)):
            result.missing[entry.url] = f"answers with {found.relative_to(out)}, not the post {entry.title!r}"
            continue
        if entry.kind == "post":
            for written, path in local_references(out, found, entry.url, base):
                result.references += 1
                if answer(out, path, base) is None:
                    where = f"{entry.url}: {written}"
                    (result.broken_in_jekyll if answer(jekyll_out, path, "") is None else result.broken).append(where)
    return result


def _path_lang(path: str, languages: set[str]) -> str | None:
    return next((part for part in path.split("/")[:-1] if part in languages), None)


def _all_langs(entries: list[Entry]) -> set[str]:
    return {e.lang for e in entries if isinstance(e.lang, str)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--lang", help="passed to import (a language or a comma-separated list)")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--verbose", action="store_true", help="print import's and the build's output")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = check(args.site.resolve(), work.resolve(), args.lang.split(",") if args.lang else None)
        if args.verbose:
            print(result.import_output)
            print(result.build_output)
        elif not result.build_ok:
            print(result.build_output[-5000:])
        print("\n".join(result.lines()))
    posts = result.count("post")
    return 0 if result.build_ok and posts[0] == posts[1] else 1


if __name__ == "__main__":
    sys.exit(main())
