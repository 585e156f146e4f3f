"""A Jekyll site's settings and files as this project reads them (for `import`): _config.yml (its
languages, polyglot or not, time zone, front matter defaults) → site.yaml, front matter edited as
text (keys set or dropped, the rest as the author wrote it), and Jekyll's page URLs.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import SiteError, error
from .content import split_front_matter
from .jekyll import permalink_pattern

CONFIG_KEYS = {"title", "description", "author", "url", "baseurl", "permalink", "paginate", "languages",
               "default_lang", "lang", "timezone", "excerpt_separator", "exclude", "include", "markdown",
               "kramdown", "highlighter", "defaults", "future", "show_drafts", "encoding"}


@dataclass(frozen=True)
class JekyllSite:
    """The settings of the Jekyll site that decide where its files go and at which URL."""
    config: dict[str, Any]
    languages: tuple[str, ...]
    default: str
    polyglot: bool
    tz: Any
    folders: tuple[str, ...] = ()     # top folders that are languages, when languages sit side by side

    def lang_of(self, rel: str, data: dict, fallback: str | None) -> str | None:
        """`lang:` in front matter (one not imported too: it is left out), else a language folder in
        the path, else the fallback."""
        lang = data.get("lang")
        if isinstance(lang, str) and lang.strip():
            lang = lang.strip()
            return lang[:2] if lang not in self.languages and lang[:2] in self.languages and lang[2:3] in "-_" else lang
        for part in rel.split("/")[:-1]:
            if part in self.languages:
                return part
        if rel.split("/")[0] in self.folders and "/" in rel:
            return rel.split("/")[0]
        return fallback

    def translation_key(self, front: dict) -> dict:
        """jekyll-polyglot links the versions of a page by their shared permalink (or `page_id`,
        `lang_ref`, `ref`); here that becomes `translation_key`."""
        if not self.polyglot or "translation_key" in front:
            return {}
        for key in ("page_id", "lang_ref", "ref", "permalink"):
            if isinstance(front.get(key), (str, int)) and not isinstance(front.get(key), bool):
                return {"translation_key": str(front[key])}
        return {}

    def url(self, url: str, lang: str) -> str:
        """jekyll-polyglot serves a language other than the default under /<lang>."""
        return f"/{lang}{url}" if self.polyglot and lang != self.default else url


def _key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    for i, line in enumerate(lines):
        if re.match(rf"^{re.escape(key)}[ \t]*:", line):
            j = i + 1
            while j < len(lines) and (lines[j][:1] in (" ", "\t") or lines[j].startswith("- ") or not lines[j].strip()):
                j += 1
            return i, j
    return None


def edit_front_matter(text: str, values: dict[str, Any], drop: tuple[str, ...] = ()) -> str:
    """Pure: the file text with top-level keys set to `values` (replacing theirs) and `drop` removed."""
    yaml_text, body, _, _ = split_front_matter(text)
    if not values and not drop:
        return text
    lines = (yaml_text or "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for key in (*drop, *values):
        span = _key_span(lines, key)
        if span:
            del lines[span[0]:span[1]]
    for key, value in values.items():
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10_000, sort_keys=False)
        lines += dumped.rstrip("\n").split("\n")
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


def author_name(text: str) -> str:
    """site.yaml's `author` is the name: `site.author.name` (Jekyll's author mapping) reads it."""
    return re.sub(r"\bsite\.author\.name\b", "site.author", text)


def front_data(text: str, path: str) -> dict:
    yaml_text, _, yaml_line, _ = split_front_matter(text)
    if not yaml_text:
        return {}
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        # where the broken construct starts (an unclosed quote or bracket), as the build says it
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        raise SiteError(error(path, yaml_line + mark.line if mark else yaml_line,
                              f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})")) from None
    return data if isinstance(data, dict) else {}


def has_front_matter(data: bytes) -> bool:
    return data.startswith(b"---\n") or data.startswith(b"---\r\n")


# --- _config.yml ----------------------------------------------------------------------------------

def read_config(source: Path) -> dict:
    for name in ("_config.yml", "_config.yaml"):
        path = source / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                raise SiteError(error(path, mark.line + 1 if mark else None,
                                      f"not valid YAML ({getattr(exc, 'problem', exc)})")) from None
            if not isinstance(data, dict):
                raise SiteError(error(path, 1, "expected a mapping of settings"))
            return data
    return {}


def jekyll_site(config: dict, langs: tuple[str, ...] = ()) -> JekyllSite:
    """`langs` (from --lang; the first is the default) say which languages a site that is not
    polyglot is written in: one, or several side by side (`en/news/_posts`, `fr/news/_posts`)."""
    languages = config.get("languages")
    if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
        default = config.get("default_lang") if config.get("default_lang") in languages else languages[0]
        polyglot = True
    else:
        guess = config.get("lang") or str(config.get("locale") or "")[:2] or None
        default = langs[0] if langs else guess
        if not isinstance(default, str) or not default:
            raise SiteError(error("--lang", None, "the language of this Jekyll site is unknown (no `lang:` or polyglot "
                                                  "`languages:` in _config.yml): give --lang fr or --lang en"))
        languages, polyglot = list(langs) or [default], False
    try:
        tz = ZoneInfo(str(config["timezone"])) if config.get("timezone") else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(error("_config.yml", None, f"`timezone`: unknown time zone {config['timezone']!r}")) from None
    return JekyllSite(config, tuple(str(x) for x in languages), str(default), polyglot, tz)


def site_yaml(site: JekyllSite) -> str:
    config = site.config
    author = config.get("author")
    if isinstance(author, dict):
        author = author.get("name", "")
    settings: dict[str, Any] = {
        "title": str(config.get("title") or ""), "description": str(config.get("description") or ""),
        "author": str(author or ""), "url": str(config.get("url") or "http://localhost:8000").rstrip("/"),
        "baseurl": str(config.get("baseurl") or "").rstrip("/"),
        "languages": list(site.languages), "default_language": site.default,
        "permalink": str(config.get("permalink") or "date"),
        # pages get an explicit permalink each; this is for pages written later
        "page_permalink": "/:lang/:slug/",
        "heading_ids": "kramdown",     # Jekyll's heading ids, so deep links into old posts keep working
    }
    if isinstance(config.get("paginate"), int) and config["paginate"] > 0:
        settings["paginate"] = config["paginate"]
    return "# Imported from a Jekyll site's _config.yml by `python site.py import`.\n" + \
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)


def config_notes(config: dict) -> list[str]:
    notes = [f"_config.yml `{key}` not converted: "
             + ("collections are not imported" if key == "collections" else
                "sitegen has its own theme" if key in ("theme", "remote_theme", "sass") else
                "plugins do not run here (redirect_from, polyglot and the Liquid posts use are built in)"
                if key in ("plugins", "gems", "whitelist") else "no equivalent setting")
             for key in sorted(config) if key not in CONFIG_KEYS]
    return notes


def defaults_for(config: dict, rel: str, kind: str) -> dict:
    """Jekyll's front matter `defaults` that apply to the file at `rel` (a post, draft or page)."""
    values: dict = {}
    for entry in config.get("defaults") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        path = str(scope.get("path") or "").strip("/")
        kinds = scope.get("type")
        if kinds and kinds != kind:
            continue
        if path and not (fnmatch.fnmatch(rel, path) or rel == path or rel.startswith(path + "/")):
            continue
        values.update(entry["values"])
    return values


def jekyll_page_url(site: JekyllSite, rel: str, front: dict) -> str:
    """Jekyll's Page#url: `/:path/:basename:output_ext`, index pages at `/:path/`, the permalink
    style's ending (/ or .html), or the page's own permalink."""
    folder, _, name = rel.rpartition("/")
    basename = name.rsplit(".", 1)[0]
    style = str(site.config.get("permalink") or "date")
    if isinstance(front.get("permalink"), str):
        template = front["permalink"]
    elif basename == "index":
        template = "/:path/"
    else:
        template = "/:path/:basename"
        pattern = permalink_pattern(style)
        if style == "pretty" or (style not in ("date", "ordinal", "none") and pattern.endswith("/")):
            template += "/"
        elif style in ("date", "ordinal", "none") or pattern.endswith(":output_ext"):
            template += ".html"
    url = template.replace(":path", folder).replace(":basename", basename).replace(":output_ext", ".html")
    return re.sub(r"/{2,}", "/", "/" + url)


RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
TAG_CALL = re.compile(r"\{%-?\s*(\w+).*?%\}", re.S)


def quote_unknown_tags(text: str, known: set[str]) -> tuple[str, list[str]]:
    """Pure: each `{% tag … %}` whose tag is not in `known` (a plugin's: twitter, translation_status…)
    wrapped in {% raw %}, so the page builds and shows what the author wrote; and the tags' names."""
    names: list[str] = []

    def quote(m: re.Match) -> str:
        if m.group(1) in known:
            return m.group(0)
        names.append(m.group(1))
        return "{% raw %}" + m.group(0) + "{% endraw %}"

    out, at = [], 0
    for raw in RAW.finditer(text):
        out += [TAG_CALL.sub(quote, text[at:raw.start()]), raw.group(0)]
        at = raw.end()
    out.append(TAG_CALL.sub(quote, text[at:]))
    return "".join(out), sorted(set(names))


def own_urls(languages: tuple[str, ...]) -> dict[str, str]:
    """The URLs sitegen's own pages take (a Jekyll page there gives way to them)."""
    own = {"/": "root page"}
    for lg in languages:
        own.update({f"/{lg}/": "home page", f"/{lg}/archive/": "archive", f"/{lg}/tags/": "tag index",
                    f"/{lg}/categories/": "category index", f"/{lg}/search/": "search page"})
    return own


def list_page_for(rel: str, lang: str) -> tuple[str, str]:
    """Which of sitegen's pages stands for a Jekyll page that lists the posts, by its name."""
    name = rel.lower()
    for word, kind, part in (("archive", "archive", "archive/"), ("tag", "tag index", "tags/"),
                             ("categor", "category index", "categories/")):
        if word in name:
            return kind, f"/{lang}/{part}"
    return "home page", f"/{lang}/"
