"""Translations that stay in step: the revision of a source post, and the drift of the translations
made from it.

A translation records what it was made from in its front matter, `translated_from: {lang: fr,
revision: 3fa2b1c0de}`. The revision is a short hash of what a translator translates — the title,
description and excerpt, the prose and the code — never the rest of the front matter, and never
whitespace alone (re-wrapping a paragraph changes nothing). It is computed section by section,
headings being the anchors, so when the source's revision moves on, the translation is *stale* and
the build can say which sections changed. Pure: posts in, records out; past revisions come from a
lookup the caller provides (revstore.py: `.cache/translations/`, else the git history).
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable, Iterable, NamedTuple

from ..errors import Problem, warning
from ..sources import Post, split_fences
from .i18n import translation_groups
from .parity import compare_pair, link_problems
from .scan import CHECKED, all_anchors, anchors, fingerprint, split_parts

FRONT_SECTIONS = {"title": "the title", "description": "the description", "excerpt": "the excerpt"}
INTRODUCTION = "the introduction"


class Section(NamedTuple):
    key: str       # "title", "description", "excerpt", "" (the text before the first heading), else "#" + the heading's id
    title: str     # as a person names it: the heading's text
    line: int      # where it starts in the file
    text: str      # as written ("" in revision_of's: see cut)
    digest: str    # of the text with its whitespace normalized

    @property
    def label(self) -> str:
        return FRONT_SECTIONS.get(self.key) or (f'"{self.title}"' if self.key else INTRODUCTION)


class Revision(NamedTuple):
    id: str
    sections: tuple[Section, ...]
    full: bool = True   # False: the sections' texts left out (see revision_of)


class Change(NamedTuple):
    status: str                 # "changed", "new" or "removed"
    old: Section | None
    new: Section | None

    @property
    def section(self) -> Section:
        return self.new or self.old

    @property
    def label(self) -> str:
        return self.section.label + ("" if self.status == "changed" else f" ({self.status})")


def normalized(text: str) -> str:
    """Prose with its whitespace collapsed; code with blank lines and trailing spaces dropped
    (indentation is meaning in code, so it stays)."""
    parts = []
    for code, chunk, _ in split_fences(text):
        if code:
            parts.append("\n".join(line.rstrip() for line in chunk.split("\n") if line.strip()))
        elif chunk.split():
            parts.append(" ".join(chunk.split()))
    return "\n\n".join(parts)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def section(key: str, title: str, line: int, text: str) -> Section:
    return Section(key, title, line, text, _digest(normalized(text))[:16])


def revision_id(sections: Iterable[Section]) -> str:
    return _digest("\n".join(f"{s.key}\0{s.digest}" for s in sections))[:10]


def translatable(post: Post) -> tuple[str, str, str, str]:
    """What a revision is made of: the title, description and excerpt, and the body."""
    front = post.front
    return front.title, front.description or "", front.excerpt or "", post.body


def cut(post: Post) -> Revision:
    """The post's sections and its revision (not memoized: see revision_of)."""
    sections = [section(key, key, post.line_of(key) or 1, value)
                for key, value in zip(FRONT_SECTIONS, translatable(post)[:3]) if value]
    parts = split_parts(post.body, post.body_line)
    keys = anchors([p.heading for p in parts if p.heading is not None])
    headed = iter(keys)
    for part in parts:
        if part.heading is None:
            if part.text.strip():
                sections.append(section("", "", part.line, part.text))
        else:
            sections.append(section("#" + next(headed), part.heading.title, part.line, part.text))
    return Revision(revision_id(sections), tuple(sections))


def revision_of(post: Post, known: str | None = None) -> Revision:
    """The post's revision. Its id is memoized by the post's fingerprint (`known`, when already
    computed); the sections come with it only when it had to be computed (`full`), else `cut`
    gives them: drift needs them only for a translation that is stale."""
    computed = []

    def compute() -> str:
        computed.append(cut(post))
        return computed[0].id

    found = CHECKED.get(("revision", known or fingerprint(post)), compute)
    return computed[0] if computed else Revision(found, (), False)


def compare(old: Revision, new: Revision) -> tuple[Change, ...]:
    """What changed from `old` to `new`, section by section (a renamed heading: removed and new)."""
    before = {s.key: s for s in old.sections}
    now = {s.key for s in new.sections}
    changes = [Change("new" if s.key not in before else "changed", before.get(s.key), s)
               for s in new.sections if s.key not in before or before[s.key].digest != s.digest]
    changes += [Change("removed", s, None) for s in old.sections if s.key not in now]
    return tuple(changes)


class Tracked(NamedTuple):
    """A translation that names what it was made from, and where that stands now."""
    translation: Post
    source: Post | None                       # None: `translated_from` names no post (orphaned)
    named: str | None                         # the revision it records (None: not recorded yet)
    current: Revision | None                  # the source's revision now
    changes: tuple[Change, ...] | None = None # when stale: what changed since (None: unknown)

    @property
    def state(self) -> str:
        if self.source is None:
            return "orphaned"
        if self.named is None:
            return "unrecorded"
        return "up to date" if self.named == self.current.id else "stale"


def track(groups: dict[str, dict[str, Post]], past: Callable[[Post, str], Revision | None],
          fingerprints: dict[str, str] | None = None) -> list[Tracked]:
    """Every post with `translated_from`, against its source's current revision. `past(source,
    revision)` gives an earlier revision of a source, or None when it is known nowhere."""
    fingerprints = fingerprints or {}
    tracked = []
    for group in groups.values():
        for post in group.values():
            origin = post.front.translated_from
            if origin is None:
                continue
            source = group.get(origin.lang) if origin.lang != post.lang else None
            if source is None:
                tracked.append(Tracked(post, None, origin.revision, None))
                continue
            current = revision_of(source, fingerprints.get(source.path))
            changes = None
            if origin.revision is not None and origin.revision != current.id:
                current = current if current.full else cut(source)
                old = past(source, origin.revision)
                changes = compare(old, current) if old is not None else None
            tracked.append(Tracked(post, source, origin.revision, current, changes))
    return sorted(tracked, key=lambda t: t.translation.path)


def sync_hint(path: str) -> str:
    return f"`python site.py translations --sync {path}`"


def summary(t: Tracked) -> str:
    """One line on a tracked translation that is not up to date (the warning, without its location)."""
    post, origin = t.translation, t.translation.front.translated_from
    if t.state == "orphaned":
        if origin.lang == post.lang:
            return f"`translated_from` names this post's own language `{origin.lang}`"
        return (f"`translated_from` names `{origin.lang}`, but no `{origin.lang}` post has this post's translation_key "
                f"`{post.translation_key}` (the translation is orphaned)")
    if t.state == "unrecorded":
        return (f"translated from {t.source.path}, with no revision recorded: once it is up to date, run "
                f"{sync_hint(post.path)}")
    head = f"translation of {t.source.path} is stale"
    if t.changes is None:
        return (f"{head}: its source changed since revision {t.named} (which sections is unknown: that version "
                f"is neither in .cache/translations/ nor in the git history)")
    if not t.changes:
        return f"{head}: its revision moved from {t.named} to {t.current.id}"
    count = len(t.changes)
    return (f"{head}: {count} section{'s' if count > 1 else ''} changed since it was made: "
            f"{', '.join(c.label for c in t.changes)} (see `python site.py translations --diff {post.path}`)")


def drift_problems(tracked: list[Tracked]) -> list[Problem]:
    return [warning(t.translation.path, t.translation.line_of("translated_from"), summary(t))
            for t in tracked if t.state != "up to date"]


class TranslationReport(NamedTuple):
    tracked: tuple[Tracked, ...]
    problems: tuple[Problem, ...]

    @property
    def stale(self) -> dict[str, str]:
        """translation path → source path, for every stale translation."""
        return {t.translation.path: t.source.path for t in self.tracked if t.state == "stale"}

    @property
    def named(self) -> set[str]:
        """The revisions translations name: what the store keeps."""
        return {t.named for t in self.tracked if t.named}


def pairs(groups: dict[str, dict[str, Post]], languages: tuple[str, ...], default: str) -> list[tuple[Post, Post]]:
    """(source, translation) for each version of a group: compared with what it names in
    `translated_from`, else with the default language's version (else the first one there is)."""
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue
        seen: set[frozenset[str]] = set()
        base = default if default in group else next(lang for lang in languages + tuple(group) if lang in group)
        for post in group.values():
            origin = post.front.translated_from
            lang = origin.lang if origin and origin.lang in group and origin.lang != post.lang else base
            if lang != post.lang and frozenset((lang, post.lang)) not in seen:
                seen.add(frozenset((lang, post.lang)))
                found.append((group[lang], post))
    return found


POST_URL = re.compile(r"^\{%-?\s*post_url\s+(\S+)\s*-?%\}$")
LANG_PREFIX = re.compile(r"^/([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)/")


def link_targets(posts: Iterable[Post], urls: dict[str, str], site_url: str, baseurl: str,
                 languages: tuple[str, ...]) -> Callable[[str, Post], str]:
    """What a link in a post points at, the same for every language: a post or page of the site
    becomes its translation group, a language's own pages (`/fr/archive/`) any language's, an
    anchor of the post its heading's position. `urls`: path → URL of every post."""
    posts = list(posts)
    maps: dict[str, dict] = {}   # built on the first link to map: most pairs have none

    def known(name: str) -> dict:
        if not maps:
            maps["group"] = {urls[p.path]: p.translation_key for p in posts}
            maps["stem"] = {(p.lang, p.stem): p.translation_key for p in posts if p.is_post}
            maps["anchors"] = {}
        return maps[name]

    def canonical(target: str, post: Post) -> str:
        m = POST_URL.match(target.strip())
        if m:
            key = known("stem").get((post.lang, m.group(1)))
            return f"post:{key}" if key else target
        path = target
        for prefix in (site_url + baseurl, baseurl):
            if prefix and path.startswith(prefix) and path[len(prefix):len(prefix) + 1] in ("/", "#", ""):
                path = path[len(prefix):] or "/"
                break
        path, _, fragment = path.partition("#")
        if not path and fragment:
            anchors_of = known("anchors")
            if post.path not in anchors_of:
                anchors_of[post.path] = all_anchors(
                    [p.heading for p in split_parts(post.body, post.body_line) if p.heading is not None])
            return next((f"#{i}" for i, ids in enumerate(anchors_of[post.path]) if fragment in ids), target)
        for candidate in (path, path + "/", path.removesuffix("index.html")):
            if candidate in known("group"):
                return f"post:{known('group')[candidate]}"
        lang = LANG_PREFIX.match(path)
        if lang and lang.group(1) in languages:
            path = "/*/" + path[lang.end():]
        return path + (f"#{fragment}" if fragment else "")

    return canonical


def check_translations(posts: Iterable[Post], languages: tuple[str, ...], default: str,
                       canonical: Callable[[str, Post], str], past: Callable[[Post, str], Revision | None],
                       parity: bool = True, digests: dict[str, str] | None = None) -> TranslationReport:
    """Drift of every tracked translation, then (with `parity`) the parity of every pair of versions.
    `digests`: path → digest of a post's file, when the build has them (else they are computed)."""
    groups, _ = translation_groups(posts)   # two posts of one language in a group: the build's error
    digests = digests or {}
    fingerprints = {post.path: digests.get(post.path) or fingerprint(post)
                    for group in groups.values() if len(group) > 1 for post in group.values()}
    tracked = track(groups, past, fingerprints)
    problems = drift_problems(tracked)
    if parity:
        for source, translation in pairs(groups, languages, default):
            compared = compare_pair(source, translation, fingerprints[source.path], fingerprints[translation.path])
            problems += compared.problems
            if compared.links:
                problems += link_problems(compared, source, translation, canonical)
    return TranslationReport(tuple(tracked), tuple(problems))
