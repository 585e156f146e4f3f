"""Sources → Posts: reading the inputs, Jekyll file-naming rules, front matter split and typed.

`read_inputs()` is the only function here that touches the filesystem: every input file is
read once per build, and its bytes serve both the build's fingerprint and `discover()`.
`parse_source()` turns the text of one file into a typed `Post` or a list of located problems.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any


from ..errors import Problem, error
from .inputs import BOM, decode_text, read_inputs
from .jekyll import MARKDOWN_EXTENSIONS, jekyll_slugify, transliterate, unknown_tokens
from .yamltext import YamlFault, load_yaml

POST_EXTENSIONS = MARKDOWN_EXTENSIONS
# Jekyll's rule: YYYY-MM-DD-title.ext (month and day may have one digit).
POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
DATE_ONLY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-?$")
KNOWN_KEYS = {
    "layout", "title", "date", "categories", "category", "tags", "tag", "permalink", "published",
    "excerpt", "excerpt_separator", "description", "image", "lang", "translation_key", "draft", "slug",
    "translated_from", "parity_ignore",
}
# what `parity_ignore` may name (the parity checks of sitegen/site/parity.py); numbers and links may
# also name the values to ignore: `- numbers: [0.5, 3000]`, `- links: https://…`
PARITY_KINDS = ("headings", "figures", "equations", "tables", "code", "numbers", "links")
REVISION = re.compile(r"^[0-9a-f]{6,64}$")
NUMBER = re.compile(r"^[-+\u2212]?\d[\d \u00a0\u202f,.]*(?:[eE][-+]?\d+)?$")
TOP_KEY = re.compile(r"""^([^\s#:'"-][^:]*?)[ \t]*:(?:[ \t]|$)""")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class Source:
    path: str          # relative to the project root, with forward slashes
    kind: str          # "post" or "page"
    lang: str          # from the folder
    text: str


@dataclass(frozen=True)
class FrontMatter:
    title: str
    date: datetime | None
    layout: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    permalink: str | None = None
    published: bool = True
    draft: bool = False
    excerpt: str | None = None
    excerpt_separator: str = "<!--more-->"
    description: str | None = None
    image: str | None = None
    lang: str | None = None
    translation_key: str | None = None
    slug: str | None = None
    translated_from: "TranslatedFrom | None" = None
    parity_ignore: tuple[tuple[str, str | None], ...] = ()   # (kind, value or None: every one)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TranslatedFrom:
    """`translated_from: {lang: fr, revision: 3fa2b1c0de}`: the version of this post's source (its
    translation in `lang`) that this translation was last brought up to date with."""
    lang: str
    revision: str | None = None   # None: not recorded yet (`site.py translations --sync` records it)


@dataclass(frozen=True)
class Post:
    """A post or a page, parsed but not rendered."""
    source: Source
    front: FrontMatter
    body: str
    body_line: int      # line of the file where the body starts (1-based)
    slug: str
    date: datetime | None
    lang: str
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def is_post(self) -> bool:
        return self.source.kind == "post"

    @property
    def stem(self) -> str:
        return self.source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def translation_key(self) -> str:
        return self.front.translation_key or f"{self.source.kind}:{self.stem}"


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """ASCII slug with accents transliterated: « Phase d'entraînement » → phase-d-entrainement."""
    return re.sub(r"[^a-z0-9]+", "-", transliterate(text, "").lower()).strip("-")


def name_slug(text: str) -> str:
    """The slug of a file name: transliterated to ASCII, else in its own script as Jekyll keeps it
    (한국어 글 → 한국어-글)."""
    return slugify(text) or jekyll_slugify(text)


def discover(root: Path, languages: tuple[str, ...], files: dict[str, bytes] | None = None) -> tuple[list[Source], list[Problem]]:
    """Every Markdown file under content/posts/<lang>/ and content/pages/<lang>/ (of `files`, the
    inputs already read, when given)."""
    sources, problems = [], []
    if files is None:
        files = read_inputs(root, ("content",))
    for rel, data in files.items():
        kind, folder = ("post", "posts") if rel.startswith("content/posts/") else ("page", "pages")
        if not rel.startswith(f"content/{folder}/"):
            continue
        parts = rel.split("/")[2:]
        name = parts[-1]
        if name.startswith((".", "_", "#")) or name.endswith("~") or not name.endswith(POST_EXTENSIONS):
            continue
        lang = parts[0] if len(parts) > 1 else None
        if lang not in languages:
            problems.append(error(rel, None, f"{folder} live in content/{folder}/<lang>/ with lang one of {list(languages)}"))
            continue
        text, problem = decode_text(rel, data)
        if problem is not None:
            problems.append(problem)
            continue
        sources.append(Source(rel, kind, lang, text))
    return sources, problems


def parse_post_name(stem: str) -> tuple[date, str] | str:
    """`2021-04-05-slug` → (date, slug), or a message saying which rule is broken."""
    rule = "post file names follow Jekyll's rule YYYY-MM-DD-slug.md"
    if DATE_ONLY.match(stem):
        return f"{rule}: this name has a date but no slug"
    m = POST_NAME.match(stem)
    if not m:
        return f"{rule}: no date at the start of the name"
    year, month, day, rest = int(m[1]), int(m[2]), int(m[3]), m[4]
    try:
        when = date(year, month, day)
    except ValueError as exc:
        return f"{rule}: {m[1]}-{m[2]}-{m[3]} is not a date ({exc})"
    slug = name_slug(rest)
    if not slug:
        return f"{rule}: the slug {rest!r} has no letter or digit"
    return when, slug


def split_front_matter(text: str) -> tuple[str | None, str, int, int]:
    """→ (yaml text or None, body, line where yaml starts, line where body starts); -1 if unclosed."""
    text = text.removeprefix(BOM)   # read_inputs drops it too: this is for texts from elsewhere
    if not text.startswith("---"):
        return None, text, 0, 1
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return None, text, 0, 1
    m = re.search(r"^(---|\.\.\.)[ \t]*$", text[first_nl + 1:], re.M)
    if not m:
        return None, text, -1, 1
    yaml_text = text[first_nl + 1:first_nl + 1 + m.start()]
    body_start = first_nl + 1 + m.end() + 1
    return yaml_text, text[body_start:], 2, yaml_text.count("\n") + 3


def parse_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(), timezone.utc)
    if isinstance(value, str):
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _words(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    return None


# YAML front matter already parsed, by its text: the build keeps it in .cache between runs (sitegen/memo.py),
# as YAML is more than half of parsing a post. Values are only read, never changed, so they are shared.
FRONT_MATTER: dict[str, Any] = {}


def load_front_matter(text: str, first_line: int = 2) -> Any:
    """Parsed YAML of a front matter starting at line `first_line`; raise YamlFault (not remembered).
    A memo entry is valid whatever the line, as only a fault depends on it."""
    if text not in FRONT_MATTER:
        FRONT_MATTER[text] = load_yaml(text, first_line)
    return FRONT_MATTER[text]


def parse_source(source: Source) -> tuple[Post | None, list[Problem]]:
    """Pure: one source file → Post, or the problems that prevent it."""
    path, problems = source.path, []
    stem = Path(path).stem
    file_date: datetime | None = None
    if source.kind == "post":
        named = parse_post_name(stem)
        if isinstance(named, str):
            return None, [error(path, None, named)]
        file_day, slug = named
        file_date = datetime.combine(file_day, time(), timezone.utc)
    else:
        slug = name_slug(stem)

    yaml_text, body, yaml_line, body_line = split_front_matter(source.text)
    if yaml_line == -1:
        return None, [error(path, 1, "front matter opened with `---` is never closed (did you forget the closing `---`?)")]
    data: Any = {}
    if yaml_text is not None:
        try:
            data = load_front_matter(yaml_text, yaml_line) or {}
        except YamlFault as fault:
            return None, [fault.problem(path, "front matter is not valid YAML ({})", yaml_line)]
        if not isinstance(data, dict):
            return None, [error(path, yaml_line, f"front matter must be a mapping of keys, got {type(data).__name__}")]

    key_lines: dict[str, int] = {}
    for i, text_line in enumerate((yaml_text or "").split("\n")):
        m = TOP_KEY.match(text_line)
        if m:
            key_lines.setdefault(m.group(1), yaml_line + i)

    def line_of(key: str) -> int:
        return key_lines.get(key, max(yaml_line, 1))

    def typed(key: str, types: tuple[type, ...], label: str) -> Any:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            problems.append(error(path, line_of(key), f"`{key}`: expected {label}, got {type(value).__name__} {value!r}"))
            return None
        return value

    title = typed("title", (str, int, float), "a string")
    when = file_date
    if "date" in data:
        when = parse_date(data["date"])
        if when is None:
            problems.append(error(path, line_of("date"),
                                  f"`date`: expected YYYY-MM-DD [HH:MM[:SS] [+HHMM]], got {data['date']!r}"))
    categories = _words(data.get("categories"))
    if categories is None:
        problems.append(error(path, line_of("categories"), "`categories`: expected a space-separated string or a list of strings"))
    # Jekyll: the singular `category` is one category, spaces included
    category = data.get("category")
    if category is not None and not isinstance(category, (str, int, float)):
        problems.append(error(path, line_of("category"), f"`category`: expected a string, got {type(category).__name__}"))
    elif category is not None and categories is not None:
        categories = tuple(dict.fromkeys(categories + (str(category),)))
    tags = _words(data.get("tags"))
    if tags is None:
        problems.append(error(path, line_of("tags"), "`tags`: expected a space-separated string or a list of strings"))
    # Jekyll: the singular `tag` is one tag, spaces included, and wins over `tags`
    tag = data.get("tag")
    if isinstance(tag, (str, int, float)) and not isinstance(tag, bool):
        tags = (str(tag),)
    elif tag is not None:
        problems.append(error(path, line_of("tag"), f"`tag`: expected a string, got {type(tag).__name__}"))
    lang = typed("lang", (str,), "a language code") or source.lang
    if lang != source.lang:
        problems.append(error(path, line_of("lang"), f"`lang: {lang}` contradicts the folder content/…/{source.lang}/"))
    permalink = typed("permalink", (str,), "a URL path such as /notes/:title/")
    if permalink is not None and unknown_tokens(permalink):
        problems.append(error(path, line_of("permalink"), f"`permalink`: unknown {', '.join(unknown_tokens(permalink))} "
                                                          f"in {permalink!r} (the README lists the permalink tokens)"))
    published = typed("published", (bool,), "true or false")
    draft = typed("draft", (bool,), "true or false")
    front_slug = typed("slug", (str,), "a string")
    strings = {k: typed(k, (str,), "a string") for k in
               ("layout", "excerpt", "excerpt_separator", "description", "image", "translation_key")}
    translated_from = _translated_from(data.get("translated_from"), path, line_of("translated_from"), problems)
    parity_ignore = _parity_ignore(data.get("parity_ignore"), path, line_of("parity_ignore"), problems)
    if title is None:
        title = slug.replace("-", " ").capitalize()
    if problems:
        return None, problems

    front = FrontMatter(
        title=str(title), date=when, layout=strings["layout"], categories=categories or (), tags=tags or (),
        permalink=permalink, published=published is not False, draft=bool(draft),
        excerpt=strings["excerpt"], excerpt_separator=strings["excerpt_separator"] or "<!--more-->",
        description=strings["description"], image=strings["image"], lang=lang,
        translation_key=strings["translation_key"], slug=front_slug,
        translated_from=translated_from, parity_ignore=parity_ignore,
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )
    return Post(source, front, body, body_line, name_slug(front_slug) if front_slug else slug, when, lang, key_lines), []


def _translated_from(value: Any, path: str, line: int, problems: list[Problem]) -> TranslatedFrom | None:
    """`fr` (the language only, until `translations --sync` records the revision) or `{lang, revision}`."""
    expected = "`translated_from`: expected {lang: fr, revision: \"…\"} or a language code"
    if value is None:
        return None
    if isinstance(value, str):
        value = {"lang": value}
    if not isinstance(value, dict):
        problems.append(error(path, line, f"{expected}, got {type(value).__name__} {value!r}"))
        return None
    unknown = sorted(str(k) for k in value if k not in ("lang", "revision"))
    lang, revision = value.get("lang"), value.get("revision")
    if isinstance(revision, int) and not isinstance(revision, bool):
        revision = str(revision)   # an all-digit hash reads as a number
    if unknown:
        problems.append(error(path, line, f"`translated_from`: unknown key(s) {', '.join(unknown)} (expected lang and revision)"))
    elif not isinstance(lang, str) or not lang:
        problems.append(error(path, line, f"{expected}: `lang` is missing or not a string"))
    elif revision is not None and not (isinstance(revision, str) and REVISION.match(revision)):
        problems.append(error(path, line, f"`translated_from`: the revision must be the hexadecimal hash written by "
                                          f"`site.py translations --sync` (in quotes), got {revision!r}"))
    else:
        return TranslatedFrom(lang, revision)
    return None


def _parity_ignore(value: Any, path: str, line: int, problems: list[Problem]) -> tuple[tuple[str, str | None], ...]:
    """`[numbers, figures]`, or `- numbers: [0.5, "3 000"]` / `- links: https://…` for some values only."""
    if value is None:
        return ()
    kinds = ", ".join(PARITY_KINDS)
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        problems.append(error(path, line, f"`parity_ignore`: expected a list of checks ({kinds}), got {type(value).__name__}"))
        return ()
    entries: list[tuple[str, str | None]] = []
    for item in value:
        pairs = list(item.items()) if isinstance(item, dict) else [(item, None)]
        for kind, values in pairs:
            if kind not in PARITY_KINDS:
                problems.append(error(path, line, f"`parity_ignore`: unknown check {kind!r} (expected one of {kinds})"))
                continue
            if values is None:
                entries.append((kind, None))
                continue
            if kind not in ("numbers", "links"):
                problems.append(error(path, line, f"`parity_ignore`: `{kind}` takes no values (only numbers and links do)"))
                continue
            for one in values if isinstance(values, list) else [values]:
                text = str(one)
                if isinstance(one, bool) or not isinstance(one, (str, int, float)) or \
                        (kind == "numbers" and not NUMBER.match(text)):
                    problems.append(error(path, line, f"`parity_ignore`: {one!r} is not a {kind[:-1]}"))
                else:
                    entries.append((kind, text))
    return tuple(entries)


@lru_cache(maxsize=16384)
def parse_remembered(source: Source) -> tuple[Post | None, tuple[Problem, ...]]:
    """parse_source, memoized on the source (path and text): `serve` reads every file again on each
    rebuild but parses only those that changed."""
    post, problems = parse_source(source)
    return post, tuple(problems)


def is_visible(post: Post, now: datetime, drafts: bool, future: bool) -> bool:
    if (post.front.draft or not post.front.published) and not drafts:
        return False
    if post.is_post and post.date and post.date > now + timedelta(seconds=1) and not future:
        return False
    return True
