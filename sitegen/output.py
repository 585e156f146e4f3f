"""OutputTree: the whole site in memory, then written to disk.

Two producers claiming one path is an error. Writing happens only after every stage
succeeded, so a failed build leaves the previous output untouched; then only files
whose bytes changed are written (each through a temporary file and an atomic rename)
and files no longer produced are removed. Rendering into a fresh directory and
swapping it in would give the same guarantee but costs far more here: creating files
is ~5× slower than overwriting them on this machine (see shared/FACTS.md).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, error


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


def write_tree(tree: OutputTree, out: Path) -> WriteReport:
    """Make `out` hold exactly the tree's files, touching only what differs."""
    out.mkdir(parents=True, exist_ok=True)
    written = unchanged = removed = 0
    # stale files first: a path may turn from a file into a folder or back (fr/x ↔ fr/x/index.html)
    wanted = set(tree.files) | tree.kept
    top = str(out)
    for dirpath, dirnames, filenames in os.walk(top, topdown=False):
        prefix = os.path.relpath(dirpath, top).replace(os.sep, "/") + "/" if dirpath != top else ""
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            if prefix + name not in wanted:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if dirpath != top and not os.listdir(dirpath):
            os.rmdir(dirpath)
    for rel, data in tree.files.items():
        target = out / rel
        try:
            if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                unchanged += 1
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written += 1
    return WriteReport(written, unchanged + len(tree.kept), removed)
