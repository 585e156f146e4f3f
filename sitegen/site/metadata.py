"""What a page says about itself to search engines, social cards, feed readers and citers.

Pure functions the templates call: the `<title>`, JSON-LD (schema.org BlogPosting, WebSite,
CollectionPage, WebPage), feed bodies with absolute URLs, a post's citation (text and BibTeX), and
each post's last modification (front matter `last_modified_at`, else the git history).
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from ..errors import Problem, error
from ..sources import Post, parse_date

TITLE_LIMIT = 70          # characters search engines show of a title
URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
MORE = re.compile(r"<!--\s*more\s*-->")


def page_title(title: str, site_title: str) -> str:
    """"Title · Site", or the title alone when both would not fit in a search result."""
    if not title or title == site_title:
        return site_title
    both = f"{title} · {site_title}"
    return both if len(both) <= TITLE_LIMIT else title


def iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def modified_dates(posts: list[Post], history: dict[str, datetime]) -> tuple[dict[str, datetime], list[Problem]]:
    """Path → last modification: front matter `last_modified_at` (alias `modified`), else the last
    commit that touched the file."""
    found, problems = {}, []
    for post in posts:
        key = next((k for k in ("last_modified_at", "modified") if k in post.front.extra), None)
        if key is None:
            if post.path in history:
                found[post.path] = history[post.path]
            continue
        when = parse_date(post.front.extra[key])
        if when is None:
            problems.append(error(post.path, post.line_of(key), f"`{key}`: expected YYYY-MM-DD [HH:MM[:SS] [+HHMM]], "
                                                                f"got {post.front.extra[key]!r}"))
        else:
            found[post.path] = when
    return found, problems


def absolute_html(fragment: str, base: str) -> str:
    """An HTML fragment for a feed: every link and image absolute (readers ignore xml:base), and no
    `<!--more-->` marker."""
    def absolute(m: re.Match) -> str:
        value = html.unescape(m.group(2))
        if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
            return m.group(0)
        return f'{m.group(1)}="{html.escape(urljoin(base, value))}"'

    return URL_ATTRIBUTE.sub(absolute, MORE.sub("", fragment))


def citation(title: str, author: str, site_title: str, date_text: str, url: str, when: datetime | None,
             template: str) -> tuple[str, str]:
    """(the citation as text in the page's language, a BibTeX entry)."""
    text = template.format(author=author, title=title, site=site_title, date=date_text, url=url)
    year = when.year if when else ""
    key = re.sub(r"[^a-z0-9]+", "", (author.split()[-1] if author else "post").lower()) + str(year) + \
        re.sub(r"[^a-z0-9]+", "", (title.split() or ["post"])[0].lower())

    def braced(value: str) -> str:   # BibTeX: braces keep capitals; escape what TeX would read
        return "{" + re.sub(r"([&%$#_])", r"\\\1", value) + "}"

    fields = [("author", braced(author)), ("title", braced(title)), ("howpublished", braced(site_title)),
              ("year", str(year)), ("url", "{" + url + "}")]
    if when:
        fields.append(("urldate", when.strftime("{%Y-%m-%d}")))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields if value not in ("", "{}"))
    return text, f"@misc{{{key},\n{body}\n}}"


def json_ld(page: Any, site: Any, lang: str, description: str, image: str | None, absolute) -> str:
    """The page's schema.org record as the text of a `<script type="application/ld+json">`
    (`absolute`: site path → absolute URL)."""
    data = structured_data(page, site, lang, description, image, absolute)
    if data is None:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # inside <script>: no "</script>" or "<!--" may appear
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def structured_data(page: Any, site: Any, lang: str, description: str, image: str | None, absolute) -> dict | None:
    url = absolute(page.url)
    site_url = absolute(f"/{lang}/") if page.lang else absolute("/")
    blog = {"@type": "Blog", "name": site.title[lang], "url": site_url, "inLanguage": lang}
    post = page.post
    if page.noindex or page.template in ("feed.xml", "robots.txt"):
        return None
    if post is not None and post.is_post:
        author = {"@type": "Person", "name": post.author or site.author} if (post.author or site.author) else None
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "BlogPosting", "@id": url + "#post",
            "headline": post.title[:110], "description": description, "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "inLanguage": lang,
            "datePublished": iso(post.date), "dateModified": iso(post.updated),
            "author": author, "publisher": {"@type": "Organization", "name": site.author or site.title[lang],
                                            "url": absolute("/")},
            "isPartOf": blog, "image": image,
            "articleSection": [name for name, _ in post.categories] or None,
            "keywords": ", ".join(name for name, _ in post.tags) or None,
        }
        others = [(other, absolute(other_url)) for other, other_url in page.alternates if other != lang]
        if others:
            # the version in the default language stands for the original (translations are of it)
            if lang == site.default_language:
                data["workTranslation"] = [{"@type": "BlogPosting", "@id": u + "#post", "url": u, "inLanguage": lg}
                                           for lg, u in others]
            else:
                original = dict(others).get(site.default_language) or others[0][1]
                data["translationOfWork"] = {"@type": "BlogPosting", "@id": original + "#post", "url": original}
        return {k: v for k, v in data.items() if v is not None}
    if page.template in ("home", "root"):
        return {"@context": "https://schema.org", "@type": "WebSite", "name": site.title[lang] if page.lang else page.title,
                "url": url, "description": description, "inLanguage": lang if page.lang else list(site.languages)}
    kind = "CollectionPage" if page.template in ("term", "terms", "archive") else "WebPage"
    return {"@context": "https://schema.org", "@type": kind, "name": page.title, "url": url,
            "description": description, "inLanguage": lang, "isPartOf": blog}
