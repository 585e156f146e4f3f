"""Past revisions of translated sources: `.cache/translations/<revision>.json`, else the git history.

For each revision a translation names, the store keeps its source's sections as they were then, so
a later build can say which sections changed and `translations --diff` can show how. Only
successful builds and `translations --sync` write it (`save`), and it keeps only the revisions some
translation still names. It is a cache: a missing file is looked up in the git history when the
project is in a git repository, and an unreadable one is ignored with a warning, never a failure.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import Problem, warning
from ..sources import Post, Source, parse_source
from .translations import Revision, Section, Tracked, cut, revision_id

FORMAT = 2   # files of another format are left aside silently, as another version's cache
FOLDER = ".cache/translations"
GIT_TIMEOUT = 30          # seconds; the history is a fallback, never worth a stuck build
GIT_COMMITS = 500         # versions of one file looked at, newest first


class RevisionStore:
    def __init__(self, root: Path):
        self.root, self.folder = root, root / FOLDER
        try:
            self.files = {name[:-5] for name in os.listdir(self.folder) if name.endswith(".json")}
        except OSError:
            self.files = set()
        self.fresh: dict[str, tuple[str, Revision]] = {}   # revision → (source path, sections) to write
        self.unreadable: set[str] = set()
        self.problems: list[Problem] = []
        self.history = GitHistory(root)

    def get(self, revision: str) -> Revision | None:
        if revision in self.fresh:
            return self.fresh[revision][1]
        if revision not in self.files:
            return None
        path = self.folder / f"{revision}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("format") != FORMAT:
                self.files.discard(revision)
                self.unreadable.add(revision)
                return None
            sections = tuple(Section(str(key), str(title), int(line), str(text), str(digest))
                             for key, title, line, text, digest in data["sections"])
            if revision_id(sections) != revision:
                raise ValueError("its sections do not hash to its name")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.problems.append(warning(f"{FOLDER}/{revision}.json", None,
                                         f"unreadable record of a past revision, ignored ({exc})"))
            self.files.discard(revision)
            self.unreadable.add(revision)
            return None
        return Revision(revision, sections)

    def put(self, source: str, revision: Revision) -> None:
        """Keep `revision` of the post at path `source` (written by save(), if still named then)."""
        assert revision.full, "a revision without its texts cannot be stored"
        if revision.id not in self.files:
            self.fresh[revision.id] = (source, revision)

    def lookup(self, source: Post, revision: str) -> Revision | None:
        """The sections of `source` at `revision`: from the store, else from the git history."""
        found = self.get(revision)
        if found is None:
            found = self.history.find(source, revision)
            if found is not None:
                self.put(source.path, found)
        return found

    def remember(self, tracked: list[Tracked]) -> None:
        """Each up-to-date translation's source as it is now: what later drift is measured from."""
        for t in tracked:
            if t.state == "up to date" and t.current.id not in self.files:
                self.put(t.source.path, t.current if t.current.full else cut(t.source))

    def save(self, named: set[str]) -> None:
        """Write the new revisions that some translation names; delete the files none names, and
        the unreadable ones."""
        written = set()
        for revision, (source, found) in sorted(self.fresh.items()):
            if revision in named:
                self._write(revision, {"format": FORMAT, "source": source,
                                       "sections": [list(s) for s in found.sections]})
                written.add(revision)
        self.files |= written
        for revision in sorted((self.files - named) | (self.unreadable - written)):
            try:
                (self.folder / f"{revision}.json").unlink()
            except OSError:
                pass
            self.files.discard(revision)
        self.fresh, self.unreadable = {}, set()

    def _write(self, revision: str, data: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, self.folder / f"{revision}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    import subprocess   # here: only a build that needs the history pays for the import

    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.SubprocessError):
        return None   # no git, or it hung
    return done.stdout if done.returncode == 0 else None


class GitHistory:
    """The versions of the project's files in git: the index, then each commit that touched a file
    (renames followed), newest first. Asked only for what the store lacks; a project outside a git
    repository (or without git) has no history, found out once."""

    def __init__(self, root: Path):
        self.root = root
        self._prefix: str | None | bool = False   # False: not asked yet; None: no repository

    def prefix(self) -> str | None:
        """The project's folder inside the repository ("" at its top), or None outside any."""
        if self._prefix is False:
            top = _git(self.root, "rev-parse", "--show-toplevel")
            self._prefix = None
            if top is not None:
                try:
                    here = self.root.resolve().relative_to(Path(top.decode().strip()).resolve()).as_posix()
                    self._prefix = "" if here == "." else here + "/"
                except ValueError:
                    pass
        return self._prefix

    def find(self, source: Post, revision: str) -> Revision | None:
        """`source` as it was at `revision`, or None when no version of it has that revision."""
        prefix = self.prefix()
        if prefix is None:
            return None
        log = _git(self.root, "log", "--follow", f"-n{GIT_COMMITS}", "--format=%x00%H", "--name-only", "--", source.path)
        names = [f":{prefix}{source.path}"]
        for entry in (log or b"").decode("utf-8", "replace").split("\0")[1:]:
            lines = [line for line in entry.split("\n") if line.strip()]
            if len(lines) >= 2:
                names.append(f"{lines[0]}:{lines[1]}")
        batch = _git(self.root, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in names).encode())
        for text in _blobs(batch or b""):
            old = parse_source(Source(source.path, source.source.kind, source.lang, text.replace("\r\n", "\n")))[0]
            if old is not None:
                found = cut(old)
                if found.id == revision:
                    return found
        return None


def _blobs(output: bytes):
    """The contents in `git cat-file --batch` output, in order (missing objects skipped)."""
    at = 0
    while at < len(output):
        end = output.index(b"\n", at)
        header = output[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            data = output[at:at + size]
            at += size + 1
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                continue
