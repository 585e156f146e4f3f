"""OutputTree: the whole site in memory, then published to disk in one atomic step.

Every output path is checked once, here, when it is claimed: relative, normalized (no empty,
`.` or `..` segment), a name the filesystem takes, and claimed once (two producers of one path
are an error naming both).

Publishing never changes the output folder file by file. The next site is assembled in a twin
folder beside it (`.<name>.swap`, which holds the previous site between builds) and the two
are exchanged by one `renameat2(RENAME_EXCHANGE)`: whatever signal arrives at whatever moment,
the output folder holds the previous complete site or the new complete site, never a mix.
Assembling the twin costs little: a file whose bytes did not change is a hard link to the
published one (no new inode, no copy), so only changed files are written, each through a
temporary file and a rename. A rebuild after a cold build links the whole site once; after that
the twin differs from the output only by the files the last build changed. Creating files is
the slow part on this machine (~5× overwriting, far more right after many deletions: its ext4
runs without a journal and checks each new inode against those deleted in the last minutes,
fs/ext4/ialloc.c, recently_deleted), which is why nothing is copied and nothing deleted en masse.

Pages rendered in worker processes are staged there: written to their temporary file in the
twin as soon as rendered. Temporary files a killed build left in the twin are removed by the
next one.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
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
        reason = path_problem(path)
        if reason:
            return error(origin, None, f"output path {path!r} {reason}")
        if path in self.origins:
            return error(origin, None, f"output path /{path} is also produced by {self.origins[path]}")
        self.origins[path] = origin
        if key:
            self.keys[path] = key
        return None


NAME_MAX = 255   # bytes in one file name (ext4 and most others)


def path_problem(rel: str) -> str | None:
    """Why `rel` cannot be an output path (relative to the output folder), or None. The one check
    every output path goes through: nothing written can leave the output folder or land twice."""
    if not rel or rel.startswith("/"):
        return "is not a path inside the output folder"
    if "\\" in rel or "\0" in rel:
        return "contains a backslash or a NUL character"
    for segment in rel.split("/"):
        if segment in ("", ".", ".."):
            return f"has a {segment or 'empty'!r} segment: a URL must be normalized (no //, /./ or /../)"
        if len(segment.encode("utf-8", "surrogatepass")) > NAME_MAX:
            return f"has a segment longer than {NAME_MAX} bytes, more than a file name can hold"
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


def swap_of(out: Path) -> Path:
    """The twin folder where the next site is assembled (the previous site between builds)."""
    return out.parent / f".{out.name}.swap"


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False   # absent, or not a file


def _is_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def stage(out: Path, rel: str, data: bytes) -> Staged | None:
    """Prepare `rel` for publishing: Staged(None) when the published file (`out/rel`) already holds
    these bytes (it will be linked into the twin), else the bytes written to a temporary file in
    the twin beside their target. None when a file stands in the twin where a folder goes:
    `write_tree` writes it after clearing the way."""
    if _is_file(os.path.join(out, rel)) and _same_bytes(os.path.join(out, rel), data):
        return Staged(None)
    target = os.path.join(swap_of(out), rel)
    folders, parent = [], os.path.dirname(target)
    while not os.path.isdir(parent) or os.path.islink(parent):
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


def _clear(swap: str, wanted: set[str]) -> None:
    """Leave in the twin only regular files the next site has: stale files, temporary files of a
    killed build, links of any kind and empty folders go."""
    def walk(folder: str, prefix: str) -> int:
        left = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, rel + "/"):
                        left += 1
                        continue
                    os.rmdir(entry.path)
                elif entry.is_file(follow_symlinks=False) and rel in wanted:
                    left += 1
                else:
                    os.unlink(entry.path)
        return left

    walk(swap, "")


def _link(source: str, target: str, folders: set[str]) -> None:
    """Make `target` (in the twin) the same file as `source` (published), unless it already is."""
    try:
        if os.path.samestat(os.lstat(source), os.lstat(target)):
            return
    except OSError:
        pass
    parent = os.path.dirname(target)
    if parent not in folders:
        if os.path.isfile(parent) or os.path.islink(parent):
            os.unlink(parent)   # a stale file of the twin where a folder goes now
        os.makedirs(parent, exist_ok=True)
        folders.add(parent)
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        tmp = os.path.join(parent, f".tmp-link-{os.getpid()}")
        os.link(source, tmp, follow_symlinks=False)
        os.replace(tmp, target)


def _exchange(out: str, swap: str) -> None:
    """Swap the two folders in one step; where the system cannot, two renames (the output folder
    is then missing for an instant, but never holds a mix)."""
    if not os.path.exists(out):
        os.rename(swap, out)
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.renameat2(-100, os.fsencode(out), -100, os.fsencode(swap), 2) == 0:   # AT_FDCWD, RENAME_EXCHANGE
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), out)
    except AttributeError:
        pass   # a C library without renameat2
    aside = f"{swap}.old"
    os.rename(out, aside)
    os.rename(swap, out)
    os.rename(aside, swap)


def write_tree(tree: OutputTree, out: Path, staged: dict[str, Staged | None] | None = None,
               previous: set[str] | None = None) -> WriteReport:
    """Make `out` hold exactly the tree's files, in one atomic exchange with its twin. Files whose
    bytes did not change are hard links to the published ones; staged files are renamed into the
    twin. `previous`: the files `out` holds, when the caller knows (else `out` is listed)."""
    staged = {rel: entry for rel, entry in (staged or {}).items() if entry is not None}
    swap = swap_of(out)
    if swap.is_symlink() or (swap.exists() and not swap.is_dir()):
        raise OSError(f"{swap} is in the way of the build's twin folder; remove it")
    swap.mkdir(parents=True, exist_ok=True)
    top, twin = str(out), str(swap)
    wanted = set(tree.files) | tree.kept
    _clear(twin, wanted | {os.path.relpath(e.tmp, twin).replace(os.sep, "/") for e in staged.values() if e.tmp})
    if previous is None:
        previous = _listing(top)
    written = unchanged = 0
    folders: set[str] = set()
    for rel in tree.kept:
        _link(os.path.join(top, rel), os.path.join(twin, rel), folders)
        unchanged += 1
    for rel, data in tree.files.items():
        entry = staged.pop(rel, None) or stage(out, rel, data)
        if entry is None:   # a stale file of the twin stood where this file's folder goes
            _clear_way(twin, rel)
            entry = stage(out, rel, data)
        if entry.tmp is None:
            _link(os.path.join(top, rel), os.path.join(twin, rel), folders)
            unchanged += 1
            continue
        target = os.path.join(twin, rel)
        try:
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(entry.tmp, target)
        except BaseException:
            discard({rel: entry})
            raise
        written += 1
    discard(staged)   # staged for a path the tree did not take (none in a build that succeeded)
    _exchange(top, twin)
    return WriteReport(written, unchanged, len(previous - wanted))


def _clear_way(twin: str, rel: str) -> None:
    """Remove the twin's files standing where `rel`'s folders go."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        path = os.path.join(twin, *parts[:i])
        if os.path.lexists(path) and not (os.path.isdir(path) and not os.path.islink(path)):
            os.unlink(path)


def _listing(top: str) -> set[str]:
    found = set()
    for dirpath, _dirs, names in os.walk(top):
        prefix = dirpath[len(top) + 1:].replace(os.sep, "/") + "/" if dirpath != top else ""
        found.update(prefix + name for name in names)
    return found
