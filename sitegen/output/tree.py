"""OutputTree: the whole site in memory, then written to disk.

Two producers claiming one path is an error. Only files whose bytes changed are written,
each through a temporary file and an atomic rename, and files no longer produced are
removed. Renames happen only after every stage succeeded, so a failed build leaves the
previous output untouched. Rendering into a fresh directory and swapping it in would give
the same guarantee but costs far more here: creating files is ~5× slower than overwriting
them on this machine (see shared/FACTS.md), and many times more when many files were just
deleted, since its ext4 runs without a journal and then checks each new inode against those
deleted in the last minutes (fs/ext4/ialloc.c, recently_deleted).

Creating files is kernel work that ran on one core after everything else, so pages rendered
in worker processes are staged there: written to their temporary file as soon as rendered.
`write_tree` then only renames them, and a failed build discards them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, error


@dataclass
class OutputTree:
    files: dict[str, bytes] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)          # files proven identical on disk: not rendered again
    keys: dict[str, str] = field(default_factory=dict)   # page keys, recorded in the manifest

    def add(self, path: str, data: bytes, origin: str, key: str = "") -> Problem | None:
        """Add one file; a second claim on a path is reported, naming both claimants."""
        claim = self._claim(path, origin, key)
        if claim is None:
            self.files[path] = data
        return claim

    def keep(self, path: str, origin: str, key: str) -> Problem | None:
        """Claim a path whose bytes on disk are already right."""
        claim = self._claim(path, origin, key)
        if claim is None:
            self.kept.add(path)
        return claim

    def _claim(self, path: str, origin: str, key: str) -> Problem | None:
        if path in self.origins:
            return error(origin, None, f"output path /{path} is also produced by {self.origins[path]}")
        self.origins[path] = origin
        if key:
            self.keys[path] = key
        return None


@dataclass(frozen=True)
class Staged:
    """A file written beside its target, waiting for the rename that publishes it."""
    tmp: str | None                   # None: the target already holds these bytes
    folders: tuple[str, ...] = ()     # folders created for it, removed again if the build fails


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


# the author's folders: writing the site there would delete their files
SOURCE_FOLDERS = ("content", "templates", "static", "i18n", "code_samples", "tests", "benchmarks", "sitegen", ".git")


def check_output_dir(out: Path, root: Path, force: bool) -> str | None:
    """Why writing to `out` would be dangerous, or None. `force` only allows folders outside the project."""
    out, root = out.resolve(), root.resolve()
    if out == root:
        return f"refusing to write the site into the project folder itself ({out})"
    if out in root.parents:
        return f"refusing to write into {out}: it contains the project"
    for folder in SOURCE_FOLDERS:
        if out == root / folder or (root / folder) in out.parents:
            return f"refusing to write into {out}: it is inside the project's {folder}/ folder"
    if (out / "content").exists() or (out / "site.yaml").exists():
        return f"refusing to write into {out}: it holds a content/ folder or a site.yaml (a project, not an output)"
    if root in out.parents or force:
        return None
    return f"refusing to write outside the project: {out} (use --force if you mean it)"


def stage(out: Path, rel: str, data: bytes) -> Staged | None:
    """Write `data` to a temporary file beside `out/rel`; None when it cannot be staged there
    (a file stands where a folder goes): `write_tree` then writes it after removing stale files."""
    target = os.path.join(out, rel)
    try:
        if os.path.getsize(target) == len(data):
            with open(target, "rb") as handle:
                if handle.read() == data:
                    return Staged(None)
    except OSError:
        pass   # absent, or not a file
    folders, parent = [], os.path.dirname(target)
    while not os.path.isdir(parent):
        folders.append(parent)
        parent = os.path.dirname(parent)
    try:
        for folder in reversed(folders):
            os.mkdir(folder)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
    except OSError:
        _remove_folders(folders)
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        _remove_folders(folders)
        raise
    return Staged(tmp, tuple(folders))


def discard(staged: dict[str, Staged | None]) -> None:
    """Undo staging: the temporary files and the folders made for them."""
    for entry in staged.values():
        if entry is not None and entry.tmp is not None:
            Path(entry.tmp).unlink(missing_ok=True)
    _remove_folders(sorted({f for e in staged.values() if e is not None for f in e.folders}, reverse=True))


def _remove_folders(folders) -> None:
    for folder in folders:   # deepest first
        try:
            os.rmdir(folder)
        except OSError:
            pass   # not empty: something else is there now


def write_tree(tree: OutputTree, out: Path, staged: dict[str, Staged | None] | None = None) -> WriteReport:
    """Make `out` hold exactly the tree's files, touching only what differs; staged files are
    renamed into place."""
    staged = {rel: entry for rel, entry in (staged or {}).items() if entry is not None}
    out.mkdir(parents=True, exist_ok=True)
    written = unchanged = removed = 0
    # stale files first: a path may turn from a file into a folder or back (fr/x ↔ fr/x/index.html)
    wanted = set(tree.files) | tree.kept | {os.path.relpath(e.tmp, out).replace(os.sep, "/") for e in staged.values() if e.tmp}
    top = str(out)
    emptied: set[str] = set()   # folders removed: no need to list a folder to know it is empty
    for dirpath, dirnames, filenames in os.walk(top, topdown=False):
        prefix = dirpath[len(top) + 1:].replace(os.sep, "/") + "/" if dirpath != top else ""
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        left = sum(1 for d in dirnames if d not in links and os.path.join(dirpath, d) not in emptied)
        for name in filenames + links:
            if prefix + name not in wanted:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
            else:
                left += 1
        if dirpath != top and left == 0:
            os.rmdir(dirpath)
            emptied.add(dirpath)
    for rel, data in tree.files.items():
        # the same way whether a worker staged the file or not: a temporary file, then a rename
        entry = staged.pop(rel, None) or stage(out, rel, data)
        if entry is None:
            raise OSError(f"cannot write {out / rel}: a file stands where its folder goes")
        if entry.tmp is None:
            unchanged += 1
            continue
        target = out / rel
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(entry.tmp, target)
        except BaseException:
            discard({rel: entry})
            raise
        written += 1
    discard(staged)   # staged for a path the tree did not take (none in a build that succeeded)
    return WriteReport(written, unchanged + len(tree.kept), removed)
