"""Jinja2: the environment, its filters, and Page → bytes.

Templates get view objects (`site`, `page`, `post`, `t`, `lang`), never internal records.
Undefined variables are errors (StrictUndefined), autoescape is on, and every UI string a
template asks for with `t("key")` is checked against each language when the site loads.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ..errors import Problem, SiteError, error
from ..site import BODIES_READ, DATES, Page, absolute_html, citation, format_date, json_ld, page_title
from ..sources import SiteConfig, Strings, decode_text
from .parallel import pool_map

T_CALL = re.compile(r"""\bt\(\s*["']([\w.-]+)["']""")


@dataclass(frozen=True)
class SiteView:
    title: dict[str, str]
    description: dict[str, str]
    author: str
    url: str
    baseurl: str
    languages: tuple[str, ...]
    default_language: str
    menus: dict[str, tuple[tuple[str, str], ...]]   # lang → (title, url) of its pages, for the navigation
    live_reload: bool = False
    image: str = ""                                  # default social-card image


def site_view(config: SiteConfig, menus: dict[str, tuple[tuple[str, str], ...]], live_reload: bool = False) -> SiteView:
    return SiteView(config.title, config.description, config.author, config.url, config.baseurl,
                    config.languages, config.default_language, menus, live_reload, config.image)


@lru_cache(maxsize=16384)   # each date is shown on its post, in lists, feeds and the sitemap
def _iso(when: datetime | None) -> str:
    # no clock time in the output: two builds of the same content give the same bytes
    when = when or datetime(1970, 1, 1, tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def template_name(template: str) -> str:
    return template if "." in template else f"{template}.html"


class Renderer:
    """A Jinja2 environment over `templates/` bound to one site."""

    def __init__(self, templates_dir: Path, config: SiteConfig, strings: dict[str, Strings], site: SiteView):
        import jinja2  # after config and content have loaded: a broken site.yaml fails before this cost

        self.config, self.strings, self.site = config, strings, site
        # Compiled templates are cached (Jinja checks each source's checksum). Jinja folds filters
        # of constants at compile time (`'/css/site.css' | relative_url`), so the filters that read
        # the configuration take the run-time context, which Jinja never folds.
        cache_dir = templates_dir.parent / ".cache" / "jinja"
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir), encoding="utf-8-sig"),   # a leading BOM dropped
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache_dir)),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            # a Renderer lives as long as the templates' bytes are unchanged (RenderCache.renderer), so
            # Jinja need not stat each template again on every page
            auto_reload=False,
        )
        self.env.filters.update(
            date=self._date, iso=_iso,
            relative_url=jinja2.pass_context(lambda ctx, url: config.baseurl + url),
            absolute_url=jinja2.pass_context(lambda ctx, url: config.absolute(url)),
            # a feed's HTML: links and images absolute, no <!--more-->
            absolute_html=jinja2.pass_context(lambda ctx, fragment, url: absolute_html(fragment, config.absolute(url))),
        )
        self.env.globals.update(
            page_title=page_title, citation=citation,
            json_ld=lambda page, lang, description, image: json_ld(page, site, lang, description, image, config.absolute),
        )
        self.templates_dir = templates_dir

    @staticmethod
    def _date(when: datetime | None, lang: str, fmt: str = "long") -> str:
        return format_date(when, lang, fmt) if when else ""

    def check(self, names: set[str]) -> list[Problem]:
        """Templates that are missing or fail to compile, and UI strings they use that a language lacks."""
        import jinja2

        problems = []
        for name in sorted(names):
            path = self.templates_dir / name
            rel = f"templates/{name}"
            if not path.is_file():
                problems.append(error(rel, None, "template not found (a layout in front matter or a built-in page needs it)"))
                continue
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(error(f"templates/{exc.name or name}", exc.lineno, f"template syntax error: {exc.message}"))
            except UnicodeDecodeError:
                pass   # reported below, with the other templates
        for path in sorted(self.templates_dir.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(self.templates_dir.parent).as_posix()
            text, problem = decode_text(rel, path.read_bytes())
            if problem is not None:
                problems.append(problem)
                continue
            for m in T_CALL.finditer(text):
                for lang, table in self.strings.items():
                    if m.group(1) not in table.table:
                        problems.append(error(rel, text.count("\n", 0, m.start()) + 1,
                                              f"UI string `{m.group(1)}` is not defined in i18n/{lang}.yaml"))
        return problems

    def render(self, page: Page) -> tuple[bytes, tuple[str, ...]]:
        """The page's bytes, and the URLs of the posts whose body (HTML or table of contents) its
        templates read. A template failing at run time is a SiteError located in the template."""
        import jinja2

        lang = page.lang or self.config.default_language
        context: dict[str, Any] = {
            "site": self.site, "page": page, "post": page.post, "lang": lang, "t": self.strings[lang],
            "strings": self.strings,
        }
        BODIES_READ.clear()
        try:
            data = self.env.get_template(template_name(page.template)).render(context).encode("utf-8")
        except (jinja2.TemplateError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SiteError(self._locate(exc, page)) from None
        return data, tuple(sorted(BODIES_READ))

    def _locate(self, exc: Exception, page: Page) -> Problem:
        """The innermost template frame of the failure (Jinja maps frames to template lines)."""
        where, line = f"templates/{template_name(page.template)}", None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(str(self.templates_dir)):
                where, line = Path(filename).relative_to(self.templates_dir.parent).as_posix(), tb.tb_lineno
            tb = tb.tb_next
        message = getattr(exc, "message", None) or str(exc)
        return error(where, line, f"{type(exc).__name__}: {message} (while rendering {page.url})")


def _render_page(inherited: tuple[Renderer, list[Page], Callable | None],
                 index: int) -> tuple[tuple[bytes, tuple[str, ...]] | Problem, Any, list]:
    renderer, pages, then = inherited
    try:
        data, reads = renderer.render(pages[index])
    except SiteError as failure:
        return failure.problems[0], None, DATES.take_fresh()
    return (data, reads), then(index, data) if then else None, DATES.take_fresh()


def render_all(renderer: Renderer, pages: list[Page], jobs: int = 0,
               then: Callable[[int, bytes], Any] | None = None) -> list[tuple[tuple[bytes, tuple[str, ...]] | Problem, Any]]:
    """Each page's bytes and the bodies it read (or the problem that stopped it), over the cores
    when there are many, with what `then(index, bytes)` returned: it runs where the page was rendered. Dates the
    workers formatted join this process's memo (i18n.DATES), which the build keeps."""
    results = []
    for result, after, dates in pool_map(_render_page, range(len(pages)), jobs, inherited=(renderer, pages, then)):
        DATES.table.update(dates)
        results.append((result, after))
    return results
