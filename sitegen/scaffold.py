"""`new`: start a post, and optionally its translation, with complete front matter.

The translation records what it is made from (`translated_from`: the first post's language and
revision), so the build can tell when the first post changes and the translation falls behind.

Everything is checked before anything is written: the language, the titles, the date, and
that neither file exists yet (nothing is ever overwritten). Front matter values go through
`yaml.safe_dump`, so a title with `: # ' "` reads back exactly as typed.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import yaml

from .errors import SiteError, error
from .site import revision_of
from .sources import Source, discover, load_config, parse_source, slugify

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_MAX = 60   # characters of the slug in the file name (and URL); the title itself is kept whole
BODY = {
    "fr": "Le premier paragraphe sert d'extrait dans les listes.\n\n<!--more-->\n\nLa suite du billet.\n",
    "en": "The first paragraph is the excerpt shown in lists.\n\n<!--more-->\n\nThe rest of the post.\n",
}


def front_matter(values: dict) -> str:
    text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10_000)
    return f"---\n{text}---\n"


def parse_day(day: str | None, now: datetime, local: bool = True) -> datetime:
    """`YYYY-MM-DD` (default: today) at the current time of day, with the UTC offset in force that
    day in the local time zone (or `now`'s own offset when `local` is False, as tests pass it)."""
    if day is None:
        return now
    try:
        if not DAY.match(day.strip()):
            raise ValueError("expected YYYY-MM-DD")
        chosen = date.fromisoformat(day.strip())
    except ValueError as exc:
        raise SiteError(error("--date", None, f"expected a date YYYY-MM-DD, got {day!r} ({exc})")) from None
    when = datetime.combine(chosen, now.time())
    return when.astimezone() if local else when.replace(tzinfo=now.tzinfo)


def short_slug(slug: str, limit: int = SLUG_MAX) -> str:
    """The slug cut at a word boundary to at most `limit` characters (a whole first word cut if it is longer)."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0]
    return cut if cut and len(cut) <= limit else slug[:limit].rstrip("-")


def used_keys(root: Path, languages: tuple[str, ...]) -> set[str]:
    sources, _ = discover(root, languages)
    keys = set()
    for source in sources:
        post, _ = parse_source(source)
        if post is not None:
            keys.add(post.translation_key)
    return keys


def new_post(root: Path, title: str, lang: str | None = None, translation: str | None = None,
             day: str | None = None, categories: list[str] | tuple[str, ...] = (),
             now: datetime | None = None) -> list[Path]:
    """Write the new post (and its translation, linked by translation_key); → the paths written."""
    config, _ = load_config(root)
    languages = config.languages
    lang = lang or config.default_language
    if lang not in languages:
        raise SiteError(error("site.yaml", None, f"--lang {lang}: not one of the site's languages {list(languages)}"))
    local = now is None
    now = (now or datetime.now().astimezone()).replace(microsecond=0)
    when = parse_day(day, now, local)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S %z")
    prefix = when.strftime("%Y-%m-%d")

    wanted: list[tuple[str, str]] = [(lang, title)]
    if translation is not None:
        others = [other for other in languages if other != lang]
        if not others:
            raise SiteError(error("site.yaml", None, "--translation: the site has a single language"))
        wanted.append((others[0], translation))

    planned = []
    for post_lang, post_title in wanted:
        where = f"content/posts/{post_lang}"
        if not isinstance(post_title, str) or not post_title.strip():
            raise SiteError(error(where, None, "the title is empty: give the post a title, e.g. new \"Mon billet\""))
        post_title = " ".join(post_title.split())
        slug = short_slug(slugify(post_title))
        if not slug:
            raise SiteError(error(where, None, f"the title {post_title!r} has no letter or digit to make a file name from"))
        planned.append((post_lang, post_title, Path(root) / where / f"{prefix}-{slug}.md", slug))

    for _lang, _title, path, _slug in planned:
        try:
            exists = path.exists()
        except OSError as exc:
            raise _cannot(exc, root) from None
        if exists:
            raise SiteError(error(path.relative_to(root).as_posix(), None,
                                  "already exists: not overwritten (choose another title or --date)"))

    key = planned[0][3]
    taken = used_keys(root, languages)
    if key in taken:
        key = f"{key}-{prefix}"
        n = 2
        while key in taken:
            key, n = f"{planned[0][3]}-{prefix}-{n}", n + 1

    written: list[Path] = []
    origin = None   # (lang, revision) of the first post, which its translation is made from
    try:
        for post_lang, post_title, path, _slug in planned:
            values = {"title": post_title, "date": stamp, "lang": post_lang, "translation_key": key,
                      "categories": [str(c) for c in categories], "draft": True}
            if origin is not None:
                values["translated_from"] = {"lang": origin[0], "revision": origin[1]}
            text = front_matter(values) + BODY.get(post_lang, BODY["en"])
            if origin is None:
                rel = path.relative_to(root).as_posix()
                post, _ = parse_source(Source(rel, "post", post_lang, text))
                origin = (post_lang, revision_of(post).id)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _cannot(exc, root, "cannot create this folder") from None
            try:
                with open(path, "x", encoding="utf-8") as handle:    # "x": never overwrite, even in a race
                    written.append(path)                             # ours from now on: removed on failure
                    handle.write(text)
            except FileExistsError:
                raise SiteError(error(path.relative_to(root).as_posix(), None, "already exists: not overwritten")) from None
            except OSError as exc:
                raise _cannot(exc, root, "cannot write the post") from None
    except BaseException:   # a refusal, or Ctrl-C: no half-written post stays behind
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _cannot(exc: OSError, root: Path, what: str = "cannot be read") -> SiteError:
    """A file system refusal (a name too long, permissions, a full disk) as a located error."""
    where = Path(exc.filename or root)
    where_text = where.relative_to(root).as_posix() if where.is_relative_to(root) else where.as_posix()
    return SiteError(error(where_text, None, f"{what}: {exc.strerror or exc}"))
