"""`translations`: where every translation stands, what changed in its source, and marking it done.

- `status()`: a table of every translation group — languages present and missing, each tracked
  translation up to date, stale (with the sections changed), orphaned or with no revision
  recorded — then the drift and parity warnings, as a build prints them. Exit 1 when anything is
  stale or orphaned, so CI can use it.
- `diff()`: the source's changes since the revision a translation names, section by section.
- `sync()`: after the author has updated a translation, record the source's current revision in
  its `translated_from` (that line only: the rest of the author's file is kept byte for byte) and
  keep that revision in `.cache/translations/`.
Drafts and future posts count: a translation is often made before either version is published.
"""
from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from .build import BuildOptions, check_translation_drift, read_posts
from .errors import Problem, SiteError, error
from .site import RevisionStore, TranslationReport, Tracked, compare, cut, summary, sync_hint, translation_groups, url_of
from .sources import Post, SiteConfig, load_config, read_inputs, split_front_matter

KEY_LINE = re.compile(r"^translated_from[ \t]*:(?P<value>[^\n]*?)(?P<comment>[ \t]+#[^\n]*)?$")
SUB_KEY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>lang|revision)[ \t]*:")


@dataclass
class Loaded:
    config: SiteConfig
    posts: list[Post]
    report: TranslationReport
    store: RevisionStore
    problems: list[Problem]


def load(root: Path) -> Loaded:
    """Every post (drafts and future ones too), and where each translation stands."""
    config, problems = load_config(root)
    inputs = read_inputs(root, ("content",))
    found: list[Problem] = []
    posts, hidden, _ = read_posts(root, inputs, config, BuildOptions(drafts=True, future=True),
                                  datetime.now(timezone.utc), found)
    if any(not p.warning for p in found):
        raise SiteError(found)
    store = RevisionStore(root)
    urls = {p.path: url_of(p, config) for p in posts + hidden}
    report = check_translation_drift(root, posts + hidden, urls, config, store)
    return Loaded(config, posts + hidden, report, store, problems + found + list(report.problems) + store.problems)


def _state(t: Tracked) -> str:
    origin = t.translation.front.translated_from.lang
    if t.state != "stale":
        return f"{t.translation.lang} ← {origin}: {t.state}"
    if t.changes is None:
        return f"{t.translation.lang} ← {origin}: stale since {t.named} (sections unknown)"
    labels = ", ".join(c.label for c in t.changes)
    return f"{t.translation.lang} ← {origin}: stale since {t.named} ({len(t.changes)} changed: {labels})"


def status(root: Path) -> tuple[list[str], list[Problem], int]:
    """The status table's lines, the problems to print, and the exit code."""
    loaded = load(root)
    languages = loaded.config.languages
    tracked: dict[str, list[Tracked]] = {}
    for t in loaded.report.tracked:
        tracked.setdefault(t.translation.translation_key, []).append(t)
    rows = [("translation group", "languages", "missing", "status")]
    counts = {"stale": 0, "orphaned": 0, "unrecorded": 0, "missing": 0}
    for key, group in sorted(translation_groups(loaded.posts)[0].items()):
        missing = [lang for lang in languages if lang not in group]
        counts["missing"] += bool(missing)
        states = [_state(t) for t in tracked.get(key, [])]
        for t in tracked.get(key, []):
            if t.state in counts:
                counts[t.state] += 1
        if not states:
            states = ["no translated_from" if len(group) > 1 else "—"]
        present = " ".join(lang for lang in languages if lang in group) + \
            "".join(f" {lang}?" for lang in group if lang not in languages)
        rows.append((key, present, " ".join(missing) or "—", "; ".join(states)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.append(f"{len(rows) - 1} group(s): {counts['stale']} stale, {counts['orphaned']} orphaned, "
                 f"{counts['unrecorded']} with no revision recorded, {counts['missing']} missing a language")
    failing = counts["stale"] + counts["orphaned"] + counts["unrecorded"]
    return lines, loaded.problems, 1 if failing else 0


def find_post(root: Path, posts: list[Post], wanted: str) -> Post:
    """A post named by its path (from the project or the current folder), file name or stem."""
    candidates = {wanted.replace(os.sep, "/").removeprefix("./")}
    try:
        candidates.add(Path(wanted).resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        pass
    found = [p for p in posts if p.path in candidates] or \
            [p for p in posts if wanted in (p.path.rsplit("/", 1)[-1], p.stem)]
    if not found:
        raise SiteError(error(wanted, None, "no such post under content/ (give its path, file name or name without .md)"))
    if len(found) > 1:
        raise SiteError(error(wanted, None, f"names {len(found)} posts ({', '.join(p.path for p in found)}): give its path"))
    return found[0]


def _tracked(loaded: Loaded, root: Path, wanted: str) -> Tracked:
    post = find_post(root, loaded.posts, wanted)
    t = next((t for t in loaded.report.tracked if t.translation.path == post.path), None)
    if t is None:
        raise SiteError(error(post.path, None, "not a translation: it has no `translated_from` in its front matter "
                                               "(add `translated_from: fr`, the language it was translated from, to track it)"))
    if t.state == "orphaned":
        raise SiteError(error(post.path, post.line_of("translated_from"), summary(t)))
    return t


def diff(root: Path, wanted: str) -> tuple[list[str], int]:
    """The source's changes since the translation's revision, section by section; exit 1 when stale."""
    loaded = load(root)
    t = _tracked(loaded, root, wanted)
    source, here = t.source.path, t.translation.path
    if t.state == "up to date":
        return [f"{here} is up to date with {source} (revision {t.named})."], 0
    if t.state == "unrecorded":
        return [f"{here}: no revision of {source} is recorded, so there is nothing to compare with; once the "
                f"translation is up to date, run {sync_hint(here)}"], 1
    if t.changes is None:
        return [f"{here} was translated from revision {t.named} of {source}, which is now {t.current.id}; that version "
                f"is neither in .cache/translations/ nor in the git history, so the changed sections are unknown."], 1
    changes = compare(loaded.store.lookup(t.source, t.named), cut(t.source))   # with the texts, this time
    lines = [f"{here} was translated from revision {t.named} of {source}, now {t.current.id}: "
             f"{len(changes)} section(s) changed.", ""]
    for change in changes:
        lines.append(f"=== {change.label}, {source}:{change.section.line}")
        old = change.old.text.splitlines() if change.old else []
        new = change.new.text.splitlines() if change.new else []
        lines += list(difflib.unified_diff(old, new, f"{source} @ {t.named}", f"{source} now", lineterm=""))
        lines.append("")
    lines.append(f"Once {here} says the same, run {sync_hint(here)}")
    return lines, 1


def with_revision(text: str, lang: str, revision: str) -> str:
    """`text` with its `translated_from` set to (lang, revision): that key's line(s) only, newlines,
    comments and everything else as they were. Raises ValueError when the front matter has no such key."""
    yaml_text, _, _, body_line = split_front_matter(text.replace("\r\n", "\n"))   # the same lines
    lines = text.splitlines(keepends=True)
    if yaml_text is None:
        raise ValueError("no front matter")
    at = next((i for i in range(1, body_line - 2) if KEY_LINE.match(lines[i].rstrip("\r\n"))), None)
    if at is None:
        raise ValueError("no `translated_from` line in the front matter")
    ending = lines[at][len(lines[at].rstrip("\r\n")):]
    m = KEY_LINE.match(lines[at].rstrip("\r\n"))
    block = at + 1   # the lines that continue its value: indented ones
    while block < body_line - 2 and lines[block][:1] in (" ", "\t") and lines[block].strip():
        block += 1
    subs = [i for i in range(at + 1, block) if SUB_KEY.match(lines[i])]
    if m.group("value").strip() or not subs:
        lines[at] = f'translated_from: {{lang: {lang}, revision: "{revision}"}}{m.group("comment") or ""}{ending}'
        del lines[at + 1:block]
    else:
        old = next((i for i in subs if SUB_KEY.match(lines[i]).group("key") == "revision"), None)
        indent = SUB_KEY.match(lines[subs[0]]).group("indent")
        line = f'{indent}revision: "{revision}"'
        if old is not None:
            rest = lines[old].rstrip("\r\n")
            comment = re.search(r"[ \t]+#.*$", rest.split(":", 1)[1]) if '"' not in rest and "'" not in rest else None
            lines[old] = line + (comment.group(0) if comment else "") + lines[old][len(rest):]
        else:
            lines.insert(subs[-1] + 1, line + ending)
    return "".join(lines)


def sync(root: Path, wanted: str) -> list[str]:
    """Record that a translation is up to date with its source as it is now."""
    loaded = load(root)
    t = _tracked(loaded, root, wanted)
    post, current = t.translation, t.current
    if t.named == current.id:
        return [f"{post.path} is already up to date with {t.source.path} (revision {current.id}); nothing written."]
    path = root / post.path
    original = path.read_bytes().decode("utf-8")
    try:
        updated = with_revision(original, post.front.translated_from.lang, current.id)
    except ValueError:
        updated = original   # a form of the key this rewrite does not know: refused just below
    _check_rewrite(original, updated, post, current.id)
    _replace(path, updated)
    loaded.store.put(t.source.path, cut(t.source))
    loaded.store.save(loaded.report.named - ({t.named} if t.named else set()) | {current.id})
    before = f"revision {t.named}" if t.named else "no revision"
    changed = "" if not t.changes else f"; {len(t.changes)} section(s) had changed: " + ", ".join(c.label for c in t.changes)
    return [f"{post.path}: marked as translated from {t.source.path} at revision {current.id} (was {before}{changed})."]


def _check_rewrite(original: str, updated: str, post: Post, revision: str) -> None:
    """The rewrite changed `translated_from` and nothing else, or nothing is written."""
    def parts(text: str):
        front, body, _, _ = split_front_matter(text.replace("\r\n", "\n"))
        return yaml.safe_load(front) or {}, body
    (old, old_body), (new, new_body) = parts(original), parts(updated)
    expected = {**old, "translated_from": {"lang": post.front.translated_from.lang, "revision": revision}}
    if new != expected or new_body != old_body:
        raise SiteError(error(post.path, post.line_of("translated_from"),
                              "could not rewrite `translated_from` alone (unusual formatting?): write it as "
                              f'translated_from: {{lang: {post.front.translated_from.lang}, revision: "{revision}"}}'))


def _replace(path: Path, text: str) -> None:
    """Write `text` over the author's file atomically, keeping its permissions."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

