"""Jekyll's Liquid applied to a post body, with code kept opaque.

Before Liquid runs, code is set aside: fenced blocks and inline code spans are never interpreted
(so PyTorch, Jinja or shell code needs no escaping), `{% raw %}…{% endraw %}` keeps its text as
written, `{% comment %}` disappears, and `{% highlight LANG [linenos] %}…{% endhighlight %}` becomes
a fenced block. `{% raw %}` tags written inside code are dropped, their text shown literally, as
Jekyll shows it. What remains goes to python-liquid with Jekyll's filters and tags
(liquid_jekyll.py), imported only when a body has Liquid left outside code. Every unknown tag or
filter and every Liquid error is a problem at its line; an undefined variable printed is a warning.
Code set aside keeps its line breaks, so lines stay right for later stages.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping

from ..errors import Problem, error, warning
from .liquid_text import put_code_back, set_code_aside

@dataclass(frozen=True)
class LiquidContext:
    """What Liquid in one body can read. URLs already carry the base URL where Jekyll 4 adds it."""
    site_url: str
    baseurl: str
    post_url: Callable[[str], str | None]   # "2021-04-05-slug" or "sub/2021-04-05-slug" → URL, or None
    site: Mapping[str, Any] = field(default_factory=dict)      # site.* (site.yaml, this language's title…)
    page: Mapping[str, Any] = field(default_factory=dict)      # page.* (front matter, url, date…)
    link: Callable[[str], str | None] = lambda path: None      # {% link path %} → URL, or None
    includes: Mapping[str, str] = field(default_factory=dict)  # {% include name %} → text
    include_folder: str = "templates/_includes"
    markdownify: Callable[[str], str] | None = None
    key: str = ""   # digest of everything above (liquid_context makes it); "" → not remembered


# Bodies with Liquid already rendered, by a digest of the text and of everything it can read: the
# build keeps them in .cache (sitegen/memo.py), so an edit rebuild imports python-liquid (~0.2 s)
# only when a body with Liquid, or what it reads, changed. LIQUID_USED: the keys of this build.
LIQUID: dict[str, tuple[str, tuple[Problem, ...]]] = {}
LIQUID_USED: set[str] = set()
LIQUID_VERSION = "1"


def render_liquid(text: str, ctx: LiquidContext, path: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """Pure: body text → body with Liquid applied, and the problems found."""
    if "{%" not in text and "{{" not in text:
        return text, []
    aside, held = set_code_aside(text)
    if "{%" not in aside and "{{" not in aside:
        return put_code_back(aside, held), []
    key = hashlib.sha256("\x00".join((ctx.key, path, str(first_line), aside)).encode()).hexdigest() if ctx.key else ""
    if key in LIQUID:
        LIQUID_USED.add(key)
        out, warnings = LIQUID[key]
        return out, list(warnings)
    from .liquid_jekyll import render_template   # python-liquid costs ~0.2 s to import: only when needed

    out, found = render_template(aside, ctx)
    problems = []
    for where, index, message, is_error in found:
        if where is None:    # the body itself
            line = first_line + aside.count("\n", 0, index)
            problems.append((error if is_error else warning)(path, line, message))
        else:                # an include: (its path, its text)
            name, source = where
            line = 1 + source.count("\n", 0, index)
            problems.append((error if is_error else warning)(name, line, message))
    problems.sort(key=lambda p: (p.path != path, p.path, p.line))
    if any(not p.warning for p in problems):
        return text, problems
    out = put_code_back(out, held)
    if key:
        LIQUID[key] = (out, tuple(problems))
        LIQUID_USED.add(key)
    return out, problems



# --- what `post_url`, `link` and `include` find, and page.* / site.* ---------------------------------

INCLUDES = "templates/_includes/"


@dataclass(frozen=True)
class LinkTable:
    """Every spelling a Jekyll post may use for a source, and its URL (base URL included, as Jekyll 4
    gives it). Keys are (language or "", spelling); the post's own language is tried first."""
    posts: Mapping[tuple[str, str], str]     # (lang, path below content/posts/<lang>/ without extension)
    files: Mapping[tuple[str, str], str]     # (lang, a source path as Jekyll or this project writes it)
    includes: Mapping[str, str]              # name below templates/_includes/ → text
    data: Mapping[str, str] = field(default_factory=dict)   # path below data/ → text: site.data (Jekyll's _data/)

    @cached_property
    def digest(self) -> str:
        """Of all of the above; made when a body with Liquid first needs it."""
        return hashlib.sha256(repr((sorted(self.posts.items()), sorted(self.files.items()),
                                    sorted(self.includes.items()), sorted(self.data.items()))).encode()).hexdigest()

    @cached_property
    def site_data(self) -> dict[str, Any]:
        """site.data: data/releases.yml is site.data.releases, data/a/b.json site.data.a.b (YAML,
        JSON or CSV, as Jekyll reads _data/). A file that does not parse is left out: the
        variables that read it are then undefined, a warning where they are printed."""
        tree: dict[str, Any] = {}
        for rel, text in sorted(self.data.items()):
            value = _data_value(rel, text)
            if value is None:
                continue
            *folders, name = rel.rsplit(".", 1)[0].split("/")
            node = tree
            for folder in folders:
                node = node.setdefault(folder, {}) if isinstance(node.get(folder, {}), dict) else {}
            node[name] = value
        return tree

    def post_url(self, lang: str, target: str) -> str | None:
        target = target.strip().strip("/")
        stem = target.rsplit("/", 1)[-1]
        if (lang, target) in self.posts:
            return self.posts[(lang, target)]
        for (other, rel), url in self.posts.items():
            if f"{other}/{rel}" == target:     # polyglot: _posts/en/2021-…
                return url
        for wanted in (lang, None):
            found = {url for (other, rel), url in self.posts.items()
                     if rel.rsplit("/", 1)[-1] == stem and wanted in (None, other)}
            if len(found) == 1:
                return found.pop()
        return None

    def link(self, lang: str, target: str) -> str | None:
        target = target.strip().lstrip("/")
        return self.files.get((lang, target)) or self.files.get(("", target))


def _data_value(rel: str, text: str) -> Any:
    import csv
    import io
    import json

    import yaml

    try:
        if rel.endswith((".yml", ".yaml")):
            return yaml.safe_load(text)
        if rel.endswith(".json"):
            return json.loads(text)
        if rel.endswith((".csv", ".tsv")):
            return list(csv.DictReader(io.StringIO(text), delimiter="\t" if rel.endswith(".tsv") else ","))
    except (yaml.YAMLError, ValueError, csv.Error):
        return None
    return None


def link_table(posts: list, urls: Mapping[str, str], baseurl: str, inputs: Mapping[str, bytes]) -> LinkTable:
    """Pure: the posts and pages (with their URLs) and the static files and includes of `inputs`."""
    post_urls: dict[tuple[str, str], str] = {}
    files: dict[tuple[str, str], str] = {}
    for post in posts:
        url = baseurl + urls[post.path]
        rel = post.path.split("/", 3)[3]            # content/posts/<lang>/<rel>
        files[("", post.path)] = url
        if post.is_post:
            post_urls[(post.lang, rel.rsplit(".", 1)[0])] = url
            for folder in ("_posts", "_drafts"):
                files.setdefault(("", f"{folder}/{post.lang}/{rel}"), url)
                files[(post.lang, f"{folder}/{rel}")] = url
                files.setdefault(("", f"{folder}/{rel}"), url)
            if "/" in rel:   # Jekyll's spelling of a post kept in a folder: <lang>/news/_posts/x.md
                above, name = rel.rsplit("/", 1)
                files.setdefault(("", f"{post.lang}/{above}/_posts/{name}"), url)
                files.setdefault((post.lang, f"{above}/_posts/{name}"), url)
        else:
            files.setdefault(("", f"{post.lang}/{rel}"), url)
            files[(post.lang, rel)] = url
            files.setdefault(("", rel), url)
    for path in inputs:
        if path.startswith("static/"):
            files[("", path)] = files[("", path[len("static/"):])] = baseurl + path[len("static"):]
    includes, data_files = {}, {}
    for path, data in inputs.items():
        for prefix, found in ((INCLUDES, includes), ("data/", data_files)):
            if path.startswith(prefix):
                try:
                    found[path[len(prefix):]] = data.decode("utf-8").replace("\r\n", "\n")
                except UnicodeDecodeError:
                    continue   # `{% include %}` of it says the file is missing; site.data leaves it out
    return LinkTable(post_urls, files, includes, data_files)


def liquid_context(post, url: str, config, table: LinkTable,
                   markdownify: Callable[[str], str] | None = None) -> LiquidContext:
    """What Liquid in `post` reads: page.* is its front matter (every key) with url, date, slug…;
    site.* is site.yaml (every key) with this language's title and description."""
    front = post.front
    page = {**front.extra, "title": front.title, "url": url, "date": post.date, "categories": list(front.categories),
            "tags": list(front.tags), "lang": post.lang, "slug": post.slug, "path": post.path,
            "layout": front.layout, "permalink": front.permalink, "description": front.description,
            "image": front.image, "excerpt": front.excerpt, "translation_key": front.translation_key}
    page = {key: value for key, value in page.items() if value is not None}
    site = {**config.raw, "title": config.title[post.lang], "description": config.description[post.lang],
            "url": config.url, "baseurl": config.baseurl, "author": config.author, "lang": post.lang,
            "languages": list(config.languages), "default_language": config.default_language}
    key = hashlib.sha256(repr((LIQUID_VERSION, post.lang, sorted(page.items()), sorted(site.items(), key=repr),
                               table.digest, markdownify is not None)).encode()).hexdigest()
    if table.data:     # in the digest through table.digest
        site["data"] = table.site_data
    return LiquidContext(config.url, config.baseurl, lambda target: table.post_url(post.lang, target), site, page,
                         lambda target: table.link(post.lang, target), table.includes, INCLUDES.rstrip("/"),
                         markdownify, key)
