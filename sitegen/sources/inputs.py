"""Reading the project's input files, once per build: what may be read, and text as the stages see it.

Inputs are regular files inside the project. A symbolic link under an input folder whose target is
outside the project is an error naming the link and its target, and nothing is read through it
(a post linked to /etc/passwd must not be published); a link whose target stays inside the project
is followed, files and folders alike, as if the target were copied there. A dangling link (an
editor's lock file) is skipped like a file that vanished. FIFOs, sockets and devices are errors:
reading one would block the build or read a device.

Text files are UTF-8; a byte-order mark at the start is dropped (as Jekyll does) and CRLF line ends
become LF, so `---` opens front matter and line numbers agree with the editor's.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Problem, SiteError, error

INPUT_FOLDERS = ("content", "templates", "static", "i18n", "code_samples", "data")
SKIPPED_FOLDERS = ("__pycache__",)
BOM = "\ufeff"
KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


def read_inputs(root: Path, names: tuple[str, ...] = INPUT_FOLDERS) -> dict[str, bytes]:
    """The bytes of every file under the input folders (or of the named files), by path relative to
    the project, links followed; raise SiteError naming every link out of the project and every
    file that is not a regular one."""
    project = os.path.realpath(root)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in names:
        path = os.path.join(project, name)
        if os.path.lexists(path):
            _visit(project, name, path, os.path.isdir(path), os.path.isfile(path), files, problems, (project,))
    if problems:
        raise SiteError(problems)
    return dict(sorted(files.items()))


def _visit(project: str, rel: str, path: str, is_dir: bool, is_file: bool, files: dict[str, bytes],
           problems: list[Problem], ancestors: tuple[str, ...], is_link: bool | None = None) -> None:
    """Read the file or folder at `path` (shown as `rel`) into `files`, following links that stay
    inside. `is_dir`, `is_file`: what `path` is, through a link (a directory entry knows, free)."""
    real = None
    if os.path.islink(path) if is_link is None else is_link:
        real = os.path.realpath(path)
        if not os.path.exists(real):
            return                                     # dangling (an editor's lock file): nothing to read
        if not (real == project or real.startswith(project + os.sep)):
            problems.append(error(rel, None, f"symbolic link → {real}, outside the project: inputs must be files "
                                             f"inside {project} (copy the file in, or link to one inside the project)"))
            return
    if not is_dir:
        data = _read_regular(rel, path, is_file, problems)
        if data is not None:
            files[rel] = data
        return
    real = real or os.path.realpath(path)
    if real in ancestors:
        problems.append(error(rel, None, f"symbolic link → {real}, a folder that holds it (a loop)"))
        return
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return                                         # vanished since its parent was listed
    except OSError as exc:
        problems.append(error(rel, None, f"cannot be read: {exc.strerror or exc}"))
        return
    ancestors += (real,)
    for entry in entries:
        is_dir = entry.is_dir()                        # through a link too
        if not (is_dir and entry.name in SKIPPED_FOLDERS):
            _visit(project, f"{rel}/{entry.name}", entry.path, is_dir, not is_dir and entry.is_file(), files,
                   problems, ancestors, entry.is_symlink())


def _read_regular(rel: str, path: str, is_file: bool, problems: list[Problem]) -> bytes | None:
    """The bytes of a regular file; a FIFO, socket or device is reported, never opened (a FIFO
    would wait for a writer)."""
    try:
        if is_file:
            with open(path, "rb") as handle:
                return handle.read()
        kind = KINDS.get(stat.S_IFMT(os.stat(path).st_mode), "not a regular file")
    except FileNotFoundError:
        return None                                    # vanished since the folder was listed
    except OSError as exc:
        problems.append(error(rel, None, f"cannot be read: {exc.strerror or exc}"))
        return None
    problems.append(error(rel, None, f"is {kind}, not a regular file: inputs must be regular files"))
    return None


def decode_text(rel: str, data: bytes) -> tuple[str | None, Problem | None]:
    """The text of an input file (BOM dropped, LF line ends), or why it is not UTF-8 text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, error(rel, None, f"not valid UTF-8 text ({exc.reason} at byte {exc.start})")
    return text.removeprefix(BOM).replace("\r\n", "\n"), None


def read_text(root: Path, rel: str) -> tuple[str | None, Problem | None]:
    """One text input named by the project (site.yaml, i18n/<lang>.yaml): (None, None) if absent."""
    files = read_inputs(root, (rel,))
    if rel not in files:
        return None, None
    return decode_text(rel, files[rel])
