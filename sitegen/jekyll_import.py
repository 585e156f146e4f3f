"""`import PATH`: a Jekyll site moved into this project's layout, every URL kept.

`_config.yml` → site.yaml; `_posts/` and `_drafts/` → content/posts/<lang>/; Markdown and HTML
pages → content/pages/<lang>/ (pages that list the posts → redirects to sitegen's lists); `_data/`
→ data/; files without front matter (assets/, images/…) → static/; the includes the posts use →
templates/_includes/. The language of a file comes from its `lang:`, from a language folder
(`_posts/en/`, `fr/about.md`: the polyglot conventions; `en/`, `fr/`, `de/` side by side, of which
--lang en,fr keeps two) or from --lang.

Each post's URL is computed as Jekyll computes it (its permalink style or pattern, categories from
folders, dates in the site's time zone, jekyll-polyglot's /<lang> prefix) and compared with the
URL this project gives the converted file; where they differ, the converted front matter gets an
explicit `permalink:`. Pages always get one. Everything is planned first; then, if a file to
write exists with other bytes, nothing is written and every conflict is reported. The report says
what was converted, what was not and why.
"""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from .errors import SiteError, error
from .site import expand_permalink, output_path, redirect_html, url_of
from .sources import (
    CONFIG_KEYS,
    MARKDOWN_EXTENSIONS,
    POST_NAME,
    JekyllSite,
    Source,
    author_name,
    config_notes,
    defaults_for,
    edit_front_matter,
    front_data,
    has_front_matter,
    jekyll_page_url,
    jekyll_site,
    list_page_for,
    own_urls,
    parse_config,
    parse_source,
    quote_unknown_tags,
    read_config,
    site_yaml,
    split_front_matter,
)

THEME = Path(__file__).resolve().parent.parent       # the repository's theme, when sitegen runs from it
SKIPPED_DIRS = {"_site", ".jekyll-cache", ".sass-cache", ".git", "node_modules", "vendor", ".bundle", ".github"}
SKIPPED_FILES = {"Gemfile", "Gemfile.lock", ".gitignore", ".DS_Store"}
FOLDER_REASONS = {
    "_layouts": "layouts are Jekyll's theme; sitegen's templates/ take their place",
    "_sass": "Sass is not compiled; sitegen's theme has its own CSS",
    "_plugins": "Ruby plugins do not run here",
    "_notebooks": "notebooks that fastpages' GitHub Action turns into _posts/ (not posts of the site itself: "
                  "convert them with fastpages first, or write them as posts with executed code here)",
    "_word": "Word documents that fastpages' GitHub Action turns into _posts/ (not posts of the site itself)",
}
INCLUDE = re.compile(r"\{%-?\s*include\s+([\w/.\-()+~#@]+)")
KNOWN_TAGS = {"raw", "endraw", "comment", "endcomment", "highlight", "endhighlight", "post_url", "link", "include",
              "assign", "capture", "endcapture", "if", "elsif", "else", "endif", "unless", "endunless", "for",
              "endfor", "break", "continue", "case", "when", "endcase", "cycle", "increment", "decrement",
              "tablerow", "endtablerow"}
LISTS_POSTS = re.compile(r"\b(?:site\.(?:posts|categories|tags|pages)|paginator)\b")
# Jekyll 3 (GitHub Pages) wanted `{{ site.baseurl }}{% post_url x %}`; post_url and link include it here, as in Jekyll 4
BASEURL_TAG = re.compile(r"\{\{-?\s*site\.baseurl\s*-?\}\}(?=\{%-?\s*(?:post_url|link)\b)")
SITE_KEY = re.compile(r"\bsite\.(\w+)")
DATA_SUFFIXES = {".yml", ".yaml", ".json", ".csv", ".tsv"}
LANG_DIR = re.compile(r"^[a-z]{2}(?:[_-][a-z]{2,4})?$")
LINK = re.compile(r"(\{%-?\s*link\s+)(\S+?)(\s*-?%\})")
STATIC_OWN = {"index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", "atom.xml"}
OWN_PAGES = {"404.html", "404.md", "feed.xml", "atom.xml", "sitemap.xml", "robots.txt"}


@dataclass
class Report:
    converted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # "path: why"
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)    # Jekyll URL of each post → its source path

    def lines(self, dry_run: bool) -> list[str]:
        out = [f"{'Would convert' if dry_run else 'Converted'} {len(self.converted)} file(s):"]
        out += [f"  {line}" for line in self.converted]
        if self.skipped:
            out.append(f"Not converted ({len(self.skipped)}):")
            out += [f"  {line}" for line in self.skipped]
        if self.notes:
            out.append("Notes:")
            out += [f"  {line}" for line in self.notes]
        if self.conflicts:
            out.append(f"Nothing was written: {len(self.conflicts)} file(s) exist with other content:")
            out += [f"  {line}" for line in self.conflicts]
        return out


# --- one file at a time ---------------------------------------------------------------------------

@dataclass
class Plan:
    files: dict[str, bytes] = field(default_factory=dict)   # destination relative to the project → bytes
    report: Report = field(default_factory=Report)
    other_languages: dict[str, list[str]] = field(default_factory=dict)   # a language not imported → its files
    moved: dict[str, str] = field(default_factory=dict)      # Jekyll source path → converted path
    baseurl_dropped: dict[str, int] = field(default_factory=dict)   # source path → `{{ site.baseurl }}`s dropped

    def note_languages(self, languages: tuple[str, ...]) -> None:
        """One line per language left out (a site in sixteen languages is thousands of files)."""
        for lang, rels in sorted(self.other_languages.items()):
            shown = ", ".join(rels[:3]) + (f"… ({len(rels)} files)" if len(rels) > 3 else "")
            self.report.skipped.append(f"language {lang}: not one of {list(languages)}: {shown} (give --lang "
                                       "with the languages to import, each with UI strings in i18n/<lang>.yaml)")


def _target_config(root: Path, site: JekyllSite, new_config: str | None):
    text = new_config if new_config is not None else (root / "site.yaml").read_text(encoding="utf-8")
    config, problems = parse_config(text, root)
    if config is None:
        raise SiteError(problems)
    return config


def plan_post(plan: Plan, site: JekyllSite, target, rel: str, data: bytes, fallback: str | None,
              templates: set[str], draft: bool, mtime: float) -> None:
    """One file of _posts/ or _drafts/ → its converted text at content/posts/<lang>/…, its URL kept."""
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        plan.report.skipped.append(f"{rel}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    front = _front(plan, text, rel)
    if front is None:
        return
    lang = site.lang_of(rel, front, fallback)
    if lang is None or lang not in target.languages:
        plan.other_languages.setdefault(lang or "unknown", []).append(rel)
        return
    parts = rel.split("/")
    magic = "_drafts" if draft else "_posts"
    at = parts.index(magic)
    superdirs = parts[:at]                          # Jekyll: folders above _posts/ are categories
    below = [p for p in parts[at + 1:-1] if not (p == lang and site.polyglot or p in site.languages)]
    name = parts[-1]
    values: dict[str, Any] = {k: v for k, v in defaults_for(site.config, rel, "drafts" if draft else "posts").items()
                              if k not in front and k != "permalink"}
    if draft:
        stem = name.rsplit(".", 1)[0]
        if not POST_NAME.match(stem):
            when = front.get("date") or datetime.fromtimestamp(mtime, timezone.utc)
            name = f"{when:%Y-%m-%d}-{name}"
        values["draft"] = True
    if superdirs:
        own = front.get("categories") or []
        own = own.split() if isinstance(own, str) else [str(c) for c in own] if isinstance(own, list) else []
        values["categories"] = list(dict.fromkeys(superdirs + own))
    values.update(site.translation_key(front))
    if site.config.get("excerpt_separator") and "excerpt_separator" not in front:
        values["excerpt_separator"] = site.config["excerpt_separator"]
    layout = front.get("layout", values.get("layout"))
    drop: tuple[str, ...] = ()
    if isinstance(layout, str) and f"{layout}.html" not in templates:
        values.pop("layout", None)
        drop = ("layout",)
        plan.report.notes.append(f"{rel}: layout `{layout}` has no template here: the post layout is used")
    dest = "/".join(["content", "posts", lang, *below, name])
    if Path(dest).suffix not in MARKDOWN_EXTENSIONS:
        plan.report.skipped.append(f"{rel}: not Markdown (sitegen reads posts written in Markdown)")
        return
    converted = _jekyll4(plan, rel, _last_key_wins(plan, rel, author_name(text), front))
    converted = edit_front_matter(converted, values, drop) if values or drop else converted
    post = _parsed(plan, rel, dest, converted, lang)
    if post is None:
        return
    pattern, styles = (front["permalink"], False) if isinstance(front.get("permalink"), str) else \
        (str(values.get("permalink") or site.config.get("permalink") or "date"), True)
    local = replace(post, date=post.date.astimezone(site.tz)) if post.date else post
    old = site.url(expand_permalink(pattern, local, styles=styles), lang)
    if url_of(post, target) != old:
        converted = edit_front_matter(converted, {"permalink": old})
        post = _parsed(plan, rel, dest, converted, lang)
        if post is None:
            return
    if url_of(post, target) != old:
        plan.report.skipped.append(f"{rel}: its URL {old} cannot be kept (it would be {url_of(post, target)})")
        return
    if not draft:
        plan.report.urls[old] = rel
    plan.files[dest] = converted.encode("utf-8")
    plan.moved[rel] = dest
    plan.report.converted.append(f"{rel} → {dest} ({old})")


def _jekyll4(plan: Plan, rel: str, text: str) -> str:
    new, count = BASEURL_TAG.subn("", text)
    if count:
        plan.baseurl_dropped[rel] = count
    return new


def _last_key_wins(plan: Plan, rel: str, text: str, front: dict) -> str:
    """Jekyll's YAML reader takes the last of a key given twice; sitegen refuses the ambiguity, so
    the converted file keeps the value Jekyll used, once."""
    yaml_text = split_front_matter(text)[0] or ""
    keys = re.findall(r"^([^\s#:'\"][^:\n]*?)[ \t]*:", yaml_text, re.M)
    twice = {key: keys.count(key) for key in keys if keys.count(key) > 1 and key in front}
    if not twice:
        return text
    plan.report.notes.append(f"{rel}: {', '.join(f'`{k}`' for k in twice)} given more than once: "
                             "the last value kept, as Jekyll reads it")
    return edit_front_matter(text, {key: front[key] for key in twice},
                             tuple(key for key, count in twice.items() for _ in range(count - 1)))


def _front(plan: Plan, text: str, rel: str) -> dict | None:
    """The front matter, or None when it is broken (said in the report; the other files go on)."""
    try:
        return front_data(text, rel)
    except SiteError as failure:
        plan.report.skipped += [str(p) for p in failure.problems]
        return None


def _parsed(plan: Plan, rel: str, dest: str, text: str, lang: str):
    post, problems = parse_source(Source(dest, "post" if dest.startswith("content/posts/") else "page", lang, text))
    errors = [p for p in problems if not p.warning]
    if post is None or errors:
        plan.report.skipped.append(f"{rel}: " + "; ".join(p.message for p in errors or problems))
        return None
    return post


def plan_page(plan: Plan, site: JekyllSite, target, rel: str, data: bytes, fallback: str | None) -> None:
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    front = _front(plan, text, rel)
    if front is None:
        return
    folder, _, name = rel.rpartition("/")
    lang = site.lang_of(rel, front, fallback)
    if lang is None or lang not in target.languages:
        plan.other_languages.setdefault(lang or "unknown", []).append(rel)
        return
    old = site.url(jekyll_page_url(site, rel, front), lang)
    own = own_urls(target.languages)
    lists = "lists the posts (site.posts, paginator…): " if LISTS_POSTS.search(text) else ""
    if old in own:
        plan.report.skipped.append(f"{rel}: {lists}sitegen makes its own {own[old]} at {old}")
        return
    if lists:
        kind, url = list_page_for(rel, lang)
        plan.files[f"static/{output_path(old)}"] = redirect_html(target.absolute(url))
        plan.report.skipped.append(f"{rel}: lists the posts (site.posts, paginator…): sitegen makes its own "
                                   f"{kind}; {old} redirects to {url}")
        return
    inner = [p for p in folder.split("/") if p and p not in site.languages and not p.startswith("_")]
    stem, suffix = os.path.splitext(name)
    dest = "/".join(["content", "pages", lang, *inner, name if suffix in MARKDOWN_EXTENSIONS else stem + ".md"])
    drop = ("layout",) if isinstance(front.get("layout"), str) else ()
    # pages in several languages side by side (en/about/index.md, fr/about/index.md) are each
    # other's translations; named by their path, two index.md pages are not
    key = site.translation_key(front) or \
        ({"translation_key": "/".join([*inner, stem])} if site.folders or stem == "index" else {})
    converted = edit_front_matter(_jekyll4(plan, rel, _last_key_wins(plan, rel, author_name(text), front)),
                                  {"permalink": old, **key}, drop)
    if _parsed(plan, rel, dest, converted, lang) is None:
        return
    plan.files[dest] = converted.encode("utf-8")
    plan.moved[rel] = dest
    plan.report.converted.append(f"{rel} → {dest} ({old})" + ("" if suffix in MARKDOWN_EXTENSIONS else
                                                             ": its HTML kept as is in a Markdown page"))


# --- the whole site -------------------------------------------------------------------------------

def _walk(source: Path, excluded: list[str]) -> list[tuple[str, Path]]:
    found = []
    for dirpath, dirnames, filenames in os.walk(source):
        rel_dir = Path(dirpath).relative_to(source).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")
                             and not any(fnmatch.fnmatch(rel_dir + d, pattern.strip("/")) for pattern in excluded))
        for name in sorted(filenames):
            rel = rel_dir + name
            if name in SKIPPED_FILES or name.startswith(".") or any(fnmatch.fnmatch(rel, p.strip("/")) for p in excluded):
                continue
            found.append((rel, Path(dirpath) / name))
    return found


def plan_import(source: Path, root: Path, lang: str | None = None) -> Plan:
    """Pure but for reading `source` and the project's site.yaml: what `import` would write."""
    if not source.is_dir():
        raise SiteError(error(str(source), None, "not a folder (give the folder of a Jekyll site)"))
    config = read_config(source)
    langs = [part.strip() for part in lang.split(",")] if lang else []
    if any(part not in ("fr", "en") for part in langs) or len(set(langs)) != len(langs):
        raise SiteError(error("--lang", None, f"expected fr, en, or both (en,fr: the first is the default), got {lang!r}"))
    site = jekyll_site(config, tuple(langs))
    if not site.polyglot and any((source / lg).is_dir() for lg in site.languages):
        # languages side by side in top folders (ruby-lang.org's en/, fr/, de/…): each such folder is one
        site = replace(site, folders=tuple(sorted(p.name for p in source.iterdir() if p.is_dir() and LANG_DIR.match(p.name))))
    plan = Plan()
    new_config = None if (root / "site.yaml").exists() else site_yaml(site)
    if new_config is not None:
        plan.files["site.yaml"] = new_config.encode("utf-8")
        plan.report.converted.append("_config.yml → site.yaml")
        plan.report.notes += config_notes(config)
    else:
        plan.report.notes.append("site.yaml exists and was kept: the settings of _config.yml are not applied "
                                 "(each post keeps its URL through an explicit `permalink:` where needed)")
    target = _target_config(root, site, new_config)
    missing = [lg for lg in target.languages if not (root / "i18n" / f"{lg}.yaml").exists()
               and not (THEME / "i18n" / f"{lg}.yaml").exists()]
    if missing:
        raise SiteError(error("site.yaml", None, f"no UI strings for {', '.join(missing)}: sitegen's theme has "
                                                  "i18n/fr.yaml and i18n/en.yaml (translate one into i18n/<lang>.yaml)"))
    templates = {p.relative_to(root / "templates").as_posix() for p in (root / "templates").rglob("*.html")} \
        if (root / "templates").is_dir() else \
        {p.relative_to(THEME / "templates").as_posix() for p in (THEME / "templates").rglob("*.html")}
    fallback = langs[0] if langs else site.default
    excluded = [str(p) for p in (config.get("exclude") or []) if isinstance(p, str)]
    included = {str(p).strip("/") for p in (config.get("include") or []) if isinstance(p, str)}
    includes: dict[str, bytes] = {}
    for rel, path in _walk(source, excluded):
        parts = rel.split("/")
        try:
            data = path.read_bytes()
        except OSError as exc:
            plan.report.skipped.append(f"{rel}: cannot be read ({exc.strerror})")
            continue
        if parts[0].startswith("_config"):
            continue
        if parts[0] in site.folders and parts[0] not in target.languages and len(parts) > 1:
            plan.other_languages.setdefault(parts[0], []).append(rel)     # a language left out, whole
            continue
        if "_posts" in parts[:-1] or parts[0] == "_drafts":
            plan_post(plan, site, target, rel, data, fallback, templates, parts[0] == "_drafts", path.stat().st_mtime)
        elif parts[0] == "_data" and path.suffix in DATA_SUFFIXES:
            plan.files["data/" + rel[len("_data/"):]] = data
            plan.report.converted.append(f"{rel} → data/{rel[len('_data/'):]} (site.data)")
        elif parts[0] == "_includes":
            includes[rel[len("_includes/"):]] = data
        elif parts[0].startswith("_") and parts[0] not in included:
            reason = FOLDER_REASONS.get(parts[0], "a Jekyll folder (collections are not imported)")
            if not any(line.startswith(f"{parts[0]}/: ") for line in plan.report.skipped):
                plan.report.skipped.append(f"{parts[0]}/: {reason}")
        elif parts[-1] in OWN_PAGES and has_front_matter(data):
            plan.report.skipped.append(f"{rel}: sitegen makes its own {parts[-1].split('.')[0]} page")
        elif has_front_matter(data) and (path.suffix in MARKDOWN_EXTENSIONS or path.suffix in (".html", ".htm")):
            plan_page(plan, site, target, rel, data, fallback)
        elif has_front_matter(data):
            plan.report.skipped.append(f"{rel}: {_why_not(rel, data)}")
        elif rel in STATIC_OWN or rel.split("/", 1)[-1] == "index.html" and parts[0] in target.languages:
            plan.report.skipped.append(f"{rel}: sitegen makes its own (root page, home pages, robots.txt, sitemap, feeds)")
        else:
            plan.files[f"static/{rel}"] = data
            plan.report.converted.append(f"{rel} → static/{rel}")
    plan.note_languages(target.languages)
    _relink(plan)
    _plan_includes(plan, includes)
    _plan_theme(plan, root, target.languages)
    _quote_liquid(plan)
    _note_settings_read(plan, config)
    if plan.baseurl_dropped:
        files = sorted(plan.baseurl_dropped)
        plan.report.notes.append(f"`{{{{ site.baseurl }}}}` before post_url/link dropped {sum(plan.baseurl_dropped.values())}× "
                                 f"in {len(files)} file(s) ({', '.join(files[:2])}{'…' if len(files) > 2 else ''}): "
                                 "they give the base URL themselves, as in Jekyll 4 (Jekyll 3 needed it)")
    return plan


def _why_not(rel: str, data: bytes) -> str:
    """Why a file Jekyll processes (it has front matter) but is no Markdown page is not converted."""
    name = rel.rsplit("/", 1)[-1]
    if LISTS_POSTS.search(data.decode("utf-8", errors="replace")):
        return "lists the posts (site.posts, paginator…): sitegen makes its own home, archive, category and tag pages"
    if name.endswith((".scss", ".sass")):
        return "Sass is not compiled; sitegen's theme has its own CSS"
    if name in ("feed.xml", "atom.xml", "sitemap.xml", "robots.txt"):
        return f"sitegen makes its own {name}"
    if name.endswith((".rss", ".atom")) or name.endswith(".xml") and b"<rss" in data[:2000] + data[-2000:]:
        return "a feed: sitegen makes its own, /<lang>/feed.xml"
    return "a page that is not Markdown (sitegen's pages are Markdown files)"


def _relink(plan: Plan) -> None:
    """`{% link en/news/_posts/x.md %}` names the Jekyll source: here it names the converted file."""
    for dest, data in list(plan.files.items()):
        if not dest.startswith("content/"):
            continue
        text = data.decode("utf-8")
        new, count = LINK.subn(lambda m: m.group(1) + plan.moved.get(m.group(2).lstrip("/"), m.group(2)) + m.group(3)
                               if m.group(2).lstrip("/") in plan.moved else m.group(0), text)
        if new != text:
            plan.files[dest] = new.encode("utf-8")


def _plan_includes(plan: Plan, includes: dict[str, bytes]) -> None:
    """The includes the converted files use (and those they include), into templates/_includes/."""
    todo = [data.decode("utf-8", errors="replace") for dest, data in plan.files.items() if dest.startswith("content/")]
    used: set[str] = set()
    while todo:
        for name in INCLUDE.findall(todo.pop()):
            if name in used:
                continue
            used.add(name)
            if name in includes:
                plan.files[f"templates/_includes/{name}"] = includes[name]
                plan.report.converted.append(f"_includes/{name} → templates/_includes/{name}")
                todo.append(includes[name].decode("utf-8", errors="replace"))
            else:
                plan.report.skipped.append(f"_includes/{name}: used by a post but not in the Jekyll site")
    for name in sorted(set(includes) - used):
        plan.report.skipped.append(f"_includes/{name}: no imported post uses it")


def _plan_theme(plan: Plan, root: Path, languages: tuple[str, ...]) -> None:
    """A new project gets sitegen's theme: templates/, the UI strings of its languages, its CSS,
    script, math font and icons."""
    wanted = [] if (root / "templates").is_dir() else ["templates"]
    wanted += [f"i18n/{lg}.yaml" for lg in languages if not (root / "i18n" / f"{lg}.yaml").exists()]
    if wanted and not (root / "static" / "css").is_dir():
        wanted += [part for part in ("static/css", "static/js", "static/fonts", "static/favicon.svg", "static/favicon.ico",
                                     "static/apple-touch-icon.png") if not (root / part).exists()]
    for part in wanted:
        base = THEME / part
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(THEME).as_posix()
            plan.files.setdefault(rel, path.read_bytes())
    if wanted:
        plan.report.notes.append(f"sitegen's theme copied: {', '.join(wanted)}")


def _quote_liquid(plan: Plan) -> None:
    """A plugin's Liquid tag would stop the build: it is shown as written instead, and said."""
    for dest, data in sorted(plan.files.items()):
        if dest.startswith(("content/", "templates/_includes/")):
            try:
                text, unknown = quote_unknown_tags(data.decode("utf-8"), KNOWN_TAGS)
            except UnicodeDecodeError:
                continue      # an include that is no text: the build says so where it is used
            if unknown:
                plan.files[dest] = text.encode("utf-8")
                plan.report.notes.append(f"{dest}: Liquid tags of plugins sitegen lacks ({', '.join(unknown)}) "
                                         "are shown as written, in {% raw %}: replace them by hand")


def _note_settings_read(plan: Plan, config: dict) -> None:
    """A setting of _config.yml with no equivalent here that converted files print (`site.svn.stable`)."""
    readers: dict[str, int] = {}
    for dest, data in plan.files.items():
        if dest.startswith(("content/", "templates/_includes/")):
            for key in set(SITE_KEY.findall(data.decode("utf-8", errors="replace"))):
                if key in config and key not in CONFIG_KEYS:
                    readers[key] = readers.get(key, 0) + 1
    for key, count in sorted(readers.items()):
        plan.report.notes.append(f"_config.yml `{key}`: read as site.{key} by {count} converted file(s), where it "
                                 "prints nothing (the build warns at each use; data/ is read as site.data)")


def write_plan(plan: Plan, root: Path, dry_run: bool) -> Report:
    """Every file of the plan, unless one exists with other bytes: then nothing, and each conflict."""
    for dest, data in sorted(plan.files.items()):
        target = root / dest
        if target.exists() and (not target.is_file() or target.read_bytes() != data):
            plan.report.conflicts.append(f"{dest} (exists; remove or rename it, then import again)")
    if plan.report.conflicts or dry_run:
        return plan.report
    for dest, data in sorted(plan.files.items()):
        target = root / dest
        if target.exists():
            continue   # the same bytes: an import run twice changes nothing
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:    # never over a file that appeared meanwhile
            handle.write(data)
    return plan.report


def import_site(source: Path, root: Path, lang: str | None = None, dry_run: bool = False) -> Report:
    return write_plan(plan_import(source, root, lang), root, dry_run)
