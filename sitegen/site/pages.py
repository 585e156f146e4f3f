"""Page records: what the site contains and at which URL.

Pure functions from rendered posts to `Page`s — posts and pages, paginated homes,
categories, tags, yearly archive, feeds, sitemap, 404s and the bilingual root —
with the translation links (switcher, hreflang) each page carries.
"""
from __future__ import annotations

import html as entities
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable

from ..errors import Problem, warning
from ..markup import Rendered, french
from ..sources import Post, SiteConfig
from .urls import home_url, term_url


@dataclass(frozen=True)
class Download:
    label: str
    url: str


# The posts (by URL) whose body, HTML or table of contents, templates read: Renderer.render empties
# it before each page, and the page's key holds those bodies only (manifest.page_key).
BODIES_READ: set[str] = set()


@dataclass(frozen=True)
class SourceLink:
    """The original a stale translation was made from, for the notice on its page."""
    lang: str
    url: str
    title: str


@dataclass(frozen=True)
class PostView:
    """What templates see of a post or a page."""
    title: str
    url: str
    lang: str
    date: datetime | None
    load_html: Callable[[], str] = field(compare=False, repr=False)   # the body, read when a page shows it
    toc_entries: tuple
    excerpt: str
    reading_minutes: int
    categories: tuple[tuple[str, str], ...]      # (name, url)
    tags: tuple[tuple[str, str], ...]
    description: str
    image: str | None
    layout: str
    is_post: bool
    path: str
    extra: dict[str, Any] = field(default_factory=dict)
    downloads: tuple[Download, ...] = ()
    body_key: str = ""           # the render key of html and toc: page keys use it instead of the html
    previous: "PostView | None" = None
    next: "PostView | None" = None
    stale_source: SourceLink | None = None   # set when this translation's original changed since it was made
    modified: datetime | None = None   # last change (front matter `last_modified_at`, else git), if after `date`
    author: str = ""

    @property
    def updated(self) -> datetime | None:
        """When it last changed: its last modification, else its date."""
        return self.modified or self.date

    @property
    def html(self) -> str:
        BODIES_READ.add(self.url)
        return self.load_html()

    @property
    def toc(self) -> tuple:
        BODIES_READ.add(self.url)
        return self.toc_entries

    def __getitem__(self, key: str) -> Any:
        return self.extra[key]   # Jekyll's page.<any key>; KeyError → undefined in templates


@dataclass(frozen=True)
class SwitchLink:
    lang: str
    url: str
    available: bool   # False: no translation, the link goes to that language's home


@dataclass(frozen=True)
class Paginator:
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    lang: str | None
    title: str
    alternates: tuple[tuple[str, str], ...] = ()     # (lang, url) of every version, this one included
    x_default: str | None = None                     # hreflang x-default; else the default language's version
    switcher: tuple[SwitchLink, ...] = ()
    post: PostView | None = None
    posts: tuple[PostView, ...] = ()
    paginator: Paginator | None = None
    years: tuple[tuple[int, tuple[PostView, ...]], ...] = ()
    terms: tuple[tuple[str, str, int], ...] = ()     # (name, url, count) on taxonomy indexes
    description: str = ""
    source: str | None = None                        # the content file behind the page, if any
    children: tuple["Page", ...] = ()                # the sitemap's entries
    noindex: bool = False                            # 404s and search results: not for search engines
    kind: str = ""                                   # "categories" or "tags" on taxonomy pages

    def default_version(self, default_language: str) -> str | None:
        """hreflang x-default: the page chosen for it, else its version in the default language."""
        if not self.alternates:
            return None
        versions = dict(self.alternates)
        return self.x_default or versions.get(default_language) or self.alternates[0][1]

    @property
    def updated(self) -> datetime | None:
        """The last change of what the page shows (its post, or the newest of its posts)."""
        if self.post is not None:
            return self.post.updated
        dates = [v.updated for v in self.posts if v.updated] + [v.updated for _, views in self.years for v in views if v.updated]
        return max(dates, default=None)

    def __getitem__(self, key: str) -> Any:
        if self.post is None:
            raise KeyError(key)
        return self.post.extra[key]


def make_view(post: Post, rendered: Rendered, url: str, downloads: tuple[Download, ...] = (),
              body_key: str = "", load_html: Callable[[], str] | None = None, modified: datetime | None = None,
              author: str = "") -> PostView:
    """A post as templates see it; its HTML is `rendered.html`, or what `load_html` returns."""
    front = post.front
    excerpt = front.excerpt if front.excerpt is not None else rendered.excerpt
    title, description = front.title, front.description or ""
    if post.lang == "fr":   # front matter text gets the same typography as the body
        title, description = french(title), french(description)
    return PostView(
        title=title, url=url, lang=post.lang, date=post.date, load_html=load_html or (lambda: rendered.html), toc_entries=rendered.toc,
        excerpt=excerpt, reading_minutes=rendered.reading_minutes,
        categories=tuple((c, term_url(post.lang, "categories", c)) for c in front.categories),
        tags=tuple((t, term_url(post.lang, "tags", t)) for t in front.tags),
        description=description, image=front.image,
        layout=front.layout or ("post" if post.is_post else "page"), is_post=post.is_post, path=post.path,
        extra=dict(front.extra), downloads=downloads, body_key=body_key,
        modified=modified if modified and post.date and modified.date() > post.date.date() else None,
        author=str(front.extra.get("author") or author),
    )


def known_layouts(views: list[PostView], exists: Callable[[str], bool],
                  lines: dict[str, int | None]) -> tuple[list[PostView], list[Problem]]:
    """A layout with no template is a warning, and the post (or page) gets the default layout
    (Jekyll warns too). `lines`: path → line of `layout:`."""
    kept, problems = [], []
    for view in views:
        if exists(view.layout):
            kept.append(view)
            continue
        default = "post" if view.is_post else "page"
        problems.append(warning(view.path, lines.get(view.path),
                                f"layout `{view.layout}` has no template in templates/: the {default} layout is used"))
        kept.append(replace(view, layout=default))
    return kept, problems


def merge_terms(views: list[PostView]) -> tuple[list[PostView], list[Problem]]:
    """Categories or tags whose names differ only by case, spaces, hyphens or accents share a URL:
    they are one term, shown everywhere under its most frequent spelling (a tie goes to the one
    seen first, oldest post first), and a warning lists the spellings."""
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    first_odd: dict[tuple[str, str, str], str] = {}
    never = datetime.min.replace(tzinfo=timezone.utc)
    ordered = sorted(views, key=lambda v: (v.date or never, v.url))
    for view in ordered:
        for kind in ("categories", "tags"):
            for name, url in getattr(view, kind):
                spellings = counts.setdefault((view.lang, kind, url), {})
                spellings[name] = spellings.get(name, 0) + 1
    display = {key: max(spellings, key=spellings.__getitem__) for key, spellings in counts.items()}
    for view in ordered:
        for kind in ("categories", "tags"):
            for name, url in getattr(view, kind):
                if name != display[(view.lang, kind, url)]:
                    first_odd.setdefault((view.lang, kind, url), view.path)
    problems = []
    for key, path in first_odd.items():
        kind, spellings = key[1], counts[key]
        listed = ", ".join(f"« {name} » ({n})" for name, n in spellings.items())
        problems.append(warning(path, None, f"{'category' if kind == 'categories' else 'tag'} spelled {listed}: "
                                            f"one term, shown as « {display[key]} »"))
    if not first_odd:
        return views, problems
    merged = []
    for view in views:
        terms = {kind: tuple(dict.fromkeys((display[(view.lang, kind, url)], url) for _, url in getattr(view, kind)))
                 for kind in ("categories", "tags")}
        changed = any(terms[kind] != getattr(view, kind) for kind in terms)
        merged.append(replace(view, **terms) if changed else view)
    return merged, problems


def with_stale_notices(views: list[PostView], stale: dict[str, str]) -> list[PostView]:
    """Each view whose path is a key of `stale` (translation path → source path) linked to its
    original, when the original is on the site (a draft original is not)."""
    if not stale:
        return views
    by_path = {v.path: v for v in views}
    out = []
    for view in views:
        source = by_path.get(stale.get(view.path, ""))
        out.append(replace(view, stale_source=SourceLink(source.lang, source.url, source.title)) if source else view)
    return out


def _with_neighbours(posts: list[PostView]) -> list[PostView]:
    """Newest first; previous = older post, next = newer post, in the same language."""
    linked = []
    for i, view in enumerate(posts):
        older = posts[i + 1] if i + 1 < len(posts) else None
        newer = posts[i - 1] if i > 0 else None
        linked.append(replace(view, previous=older, next=newer))
    return linked


def _switcher(config: SiteConfig, lang: str, versions: dict[str, str]) -> tuple[SwitchLink, ...]:
    return tuple(SwitchLink(other, versions.get(other, home_url(other)), other in versions)
                 for other in config.languages if other != lang)


def _same_everywhere(config: SiteConfig, lang: str, url_for_lang) -> dict[str, Any]:
    versions = {lg: url_for_lang(lg) for lg in config.languages}
    return {"alternates": tuple(versions.items()), "switcher": _switcher(config, lang, versions)}


def term_versions(config: SiteConfig, kind: str, names: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, str]]:
    """(lang, term name) → {lang: term page URL} of that term in every language that has posts in
    it. A term is the same across languages when site.yaml's `taxonomy` says so, or when its URL
    segment is the same (`pytorch` and `PyTorch`)."""
    def slug(lang: str, name: str) -> str:
        return term_url(lang, kind, name).rstrip("/").rsplit("/", 1)[-1]

    group_of: dict[tuple[str, str], Any] = {}
    for number, group in enumerate(config.taxonomy.get(kind, ())):
        for lang, name in group.items():
            group_of[(lang, slug(lang, name))] = number
    groups: dict[Any, dict[str, str]] = {}
    for lang, terms in names.items():
        for name in terms:
            groups.setdefault(group_of.get((lang, slug(lang, name)), slug(lang, name)), {})[lang] = term_url(lang, kind, name)
    return {(lang, name): groups[group_of.get((lang, slug(lang, name)), slug(lang, name))]
            for lang, terms in names.items() for name in terms}


def build_pages(config: SiteConfig, views: list[PostView], groups: dict[str, dict[str, str]],
                labels: dict[str, dict[str, str]]) -> list[Page]:
    """All pages of the site. `groups`: url → {lang: url} of its translations; `labels`: lang → UI strings."""
    pages: list[Page] = []
    by_lang = {lang: sorted((v for v in views if v.is_post and v.lang == lang),
                            key=lambda v: (v.date, v.url), reverse=True) for lang in config.languages}
    by_lang = {lang: _with_neighbours(posts) for lang, posts in by_lang.items()}

    for view in [v for posts in by_lang.values() for v in posts] + [v for v in views if not v.is_post]:
        versions = groups.get(view.url, {view.lang: view.url})
        pages.append(Page(url=view.url, template=view.layout, lang=view.lang, title=view.title,
                          alternates=tuple((lg, versions[lg]) for lg in config.languages if lg in versions),
                          switcher=_switcher(config, view.lang, versions), post=view,
                          description=view.description or _text(view.excerpt), source=view.path))

    members = {kind: {lang: _members(by_lang[lang], kind) for lang in config.languages} for kind in ("categories", "tags")}
    translated = {kind: term_versions(config, kind, {lang: set(m) for lang, m in members[kind].items()})
                  for kind in members}
    for lang in config.languages:
        posts = by_lang[lang]
        label = labels[lang]
        chunks = [posts[i:i + config.paginate] for i in range(0, len(posts), config.paginate)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            url = home_url(lang) if number == 1 else f"/{lang}/page/{number}/"
            paginator = Paginator(
                number, len(chunks),
                None if number == 1 else (home_url(lang) if number == 2 else f"/{lang}/page/{number - 1}/"),
                f"/{lang}/page/{number + 1}/" if number < len(chunks) else None)
            # the homes and the bilingual root page form one group; the root is its x-default
            links = {**_same_everywhere(config, lang, home_url), "x_default": "/"} if number == 1 else \
                {"alternates": ((lang, url),), "switcher": _switcher(config, lang, {})}
            description = config.description[lang] if number == 1 else \
                f"{label['page_n'].format(page=number, pages=len(chunks))} · {config.description[lang]}"
            pages.append(Page(url=url, template="home", lang=lang, title=config.title[lang], posts=tuple(chunk),
                              paginator=paginator, description=description, **links))

        for kind in ("categories", "tags"):
            terms = tuple(sorted(((name, term_url(lang, kind, name), len(p)) for name, p in members[kind][lang].items()),
                                 key=lambda t: t[0].lower()))
            index_url = f"/{lang}/{kind}/"
            pages.append(Page(url=index_url, template="terms", lang=lang, title=label[kind], terms=terms, kind=kind,
                              description=label[f"description_{kind}"].format(site=config.title[lang]),
                              **_same_everywhere(config, lang, lambda lg: f"/{lg}/{kind}/")))
            for name, url, _count in terms:
                versions = translated[kind][(lang, name)]
                pages.append(Page(url=url, template="term", lang=lang, title=name, posts=tuple(members[kind][lang][name]),
                                  kind=kind, description=label[f"description_{kind}_term"].format(name=name),
                                  alternates=tuple((lg, versions[lg]) for lg in config.languages if lg in versions),
                                  switcher=_switcher(config, lang, versions)))

        years: dict[int, list[PostView]] = {}
        for view in posts:
            years.setdefault(view.date.year, []).append(view)
        pages.append(Page(url=f"/{lang}/archive/", template="archive", lang=lang, title=label["archive"],
                          years=tuple(sorted(((y, tuple(v)) for y, v in years.items()), reverse=True)),
                          description=label["description_archive"].format(site=config.title[lang]),
                          **_same_everywhere(config, lang, lambda lg: f"/{lg}/archive/")))
        pages.append(Page(url=f"/{lang}/search/", template="search", lang=lang, title=label["search"], noindex=True,
                          description=label["description_search"].format(site=config.title[lang]),
                          **_same_everywhere(config, lang, lambda lg: f"/{lg}/search/")))
        pages.append(Page(url=f"/{lang}/feed.xml", template="feed.xml", lang=lang, title=config.title[lang],
                          posts=tuple(posts[:20])))
        pages.append(Page(url=f"/{lang}/404.html", template="404", lang=lang, title=label["not_found"], noindex=True,
                          description=label["not_found_text"],
                          **_same_everywhere(config, lang, lambda lg: f"/{lg}/404.html")))

    root_links = {"alternates": tuple((lg, home_url(lg)) for lg in config.languages), "x_default": "/"}
    pages.append(Page(url="/", template="root", lang=None, title=" · ".join(dict.fromkeys(config.title.values())),
                      description=" / ".join(dict.fromkeys(config.description.values())), **root_links))
    pages.append(Page(url="/404.html", template="404", lang=None, title="404", noindex=True,
                      description=" / ".join(labels[lg]["not_found_text"] for lg in config.languages)))
    pages.append(Page(url="/robots.txt", template="robots.txt", lang=None, title=""))
    return pages


def _members(posts: list[PostView], kind: str) -> dict[str, list[PostView]]:
    members: dict[str, list[PostView]] = {}
    for view in posts:
        for name, _ in (view.categories if kind == "categories" else view.tags):
            members.setdefault(name, []).append(view)
    return members


def _text(html: str) -> str:
    """The text of an HTML fragment, for a description."""
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def sitemap_page(pages: list[Page]) -> Page:
    """Every HTML page a reader can land on and search engines should list, with its language alternates."""
    listed = tuple(p for p in pages if (p.url.endswith("/") or p.url.endswith(".html"))
                   and "/page/" not in p.url and not p.noindex)
    return Page(url="/sitemap.xml", template="sitemap.xml", lang=None, title="", children=listed)
