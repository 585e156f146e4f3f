"""What the last successful build read and wrote, so the next one can skip proven work.

- The input fingerprint hashes the bytes of every source file (content, templates, static,
  i18n, code samples, site.yaml), the generator's own code, library versions and the build
  options. If it is unchanged, the output folder still holds exactly the files written last
  time (same names, sizes and modification times), and no future-dated post has come due,
  the build has nothing to do. Hashes decide, never file times of the sources.
- Each page records the key of what it was rendered from; a page whose key is unchanged and
  whose file is intact is neither rendered nor written again.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..execution import digest, environment

FORMAT = 1


def input_fingerprint(root: Path, inputs: dict[str, bytes], options: Any, digests: dict[str, str] | None = None) -> str:
    """Hash of every input of a build (file bytes, not times): `inputs` (content, templates, static,
    UI strings, samples), site.yaml, the generator's own code, library versions and the options.
    Each file is hashed on its own, and `digests` (when given) receives those of `inputs`: later
    stages key their memos by them without hashing the files again."""
    h = hashlib.sha256()
    h.update(repr((FORMAT, sorted(environment().items()), options)).encode())
    package = Path(__file__).resolve().parent.parent   # sitegen/, every stage
    files = dict(inputs)
    for path in [root / "site.yaml"] + sorted(package.rglob("*.py")):
        try:
            files[path.as_posix()] = path.read_bytes()
        except OSError:
            continue
    for name, data in files.items():
        digest = hashlib.sha1(data).hexdigest()
        if digests is not None and name in inputs:
            digests[name] = digest
        h.update(f"{name}\0{len(data)}\0{digest}\0".encode())
    return h.hexdigest()


RECORD_FIELDS = {"previous", "next", "post", "posts", "years", "children"}   # fields holding views or pages
BODY_FIELDS = {"load_html", "toc_entries", "body_key"}   # a post's body: in a page's key only if read


def _signature(value: Any, memo: dict[int, str]) -> str:
    """Digest of a page record (Page or PostView) without the bodies of the posts in it. Each record
    is summarized once, by identity (the sitemap lists every page, and lists repeat post views), so
    the cost stays linear; the records it holds stand in it by their digests. Everything else is a
    value whose repr is deterministic (strings, numbers, dates, tuples, small frozen records, front
    matter dicts)."""
    known = memo.get(id(value))
    if known is None:
        parts = [_records(getattr(value, name), memo) if name in RECORD_FIELDS else getattr(value, name)
                 for name in value.__dataclass_fields__ if name not in BODY_FIELDS]
        known = memo[id(value)] = digest(repr(parts))
    return known


def _records(item: Any, memo: dict[int, str]) -> Any:
    if item is None or isinstance(item, int):
        return item   # years: (year, views)
    if isinstance(item, (tuple, list)):
        return tuple(_records(v, memo) for v in item)
    return _signature(item, memo)


def page_key(theme: str, page: Any, memo: dict[int, str], reads: tuple[str, ...], body_keys: dict[str, str]) -> str:
    """Key of a page's bytes: the theme (templates, strings, config), the page record, and the
    bodies its templates read when it was last rendered (`reads`, URLs; `body_keys`: URL → render key).
    Everything a template could decide on is in the record, so a page renders the same while its
    key is the same: editing a post's text renders again its own page and the feeds showing it,
    not the lists, neighbours and translation that show its title. The URLs read end the key,
    one per line, for the next build to know them."""
    bodies = repr([body_keys.get(url, "") for url in reads])
    return "\n".join([digest(theme + _signature(page, memo) + bodies), *reads])


def reads_of(key: str) -> tuple[str, ...]:
    """The URLs of the bodies a page read, from the key it was recorded with."""
    return tuple(key.split("\n")[1:])


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)   # a link put in place of a page never passes for it; os.path strings: a Path
        # per file costs more than the stat, on 1,000 pages
        return st.st_size, st.st_mtime_ns
    except OSError:
        return None


@dataclass
class Manifest:
    path: Path
    fingerprint: str = ""
    valid_until: str | None = None                  # ISO time at which a future post comes due
    pages: int = 0
    warnings: list[list] = field(default_factory=list)
    files: dict[str, list] = field(default_factory=dict)   # output path → [size, mtime_ns, page key]

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        path = root / ".cache" / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls(path)
            return cls(path, data["fingerprint"], data["valid_until"], data["pages"], data["warnings"], data["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path)

    def output_intact(self, out: Path) -> bool:
        """The output folder holds exactly the recorded files, untouched since."""
        seen, top = 0, str(out)
        for dirpath, _dirs, names in os.walk(top):
            prefix = dirpath[len(top) + 1:].replace(os.sep, "/") + "/" if dirpath != top else ""
            for name in names:
                record = self.files.get(prefix + name)
                if record is None or _stat(os.path.join(dirpath, name)) != (record[0], record[1]):
                    return False
                seen += 1
        return seen == len(self.files) and seen > 0

    def nothing_to_do(self, fingerprint: str, out: Path, now: datetime) -> bool:
        if not self.fingerprint or fingerprint != self.fingerprint:
            return False
        if self.valid_until and now.isoformat() >= self.valid_until:
            return False
        return self.output_intact(out)

    def key_of(self, rel: str) -> str:
        """The key a file was recorded with ("" if none)."""
        record = self.files.get(rel)
        return record[2] if record else ""

    def page_intact(self, rel: str, key: str, out: Path) -> bool:
        record = self.files.get(rel)
        return record is not None and record[2] == key and _stat(os.path.join(out, rel)) == (record[0], record[1])

    def replayed_warnings(self) -> list[Problem]:
        return [Problem(path, line, message, True) for path, line, message in self.warnings]

    def save(self, fingerprint: str, valid_until: datetime | None, pages: int, warnings: list[Problem],
             out: Path, written: list[str], kept: set[str], keys: dict[str, str]) -> None:
        """Record the output: kept files as they were recorded, the others as they are now."""
        files = {rel: self.files[rel] for rel in kept if rel in self.files}
        for rel in written:
            stat = _stat(os.path.join(out, rel))
            if stat:
                files[rel] = [stat[0], stat[1], keys.get(rel, "")]
        data = {"format": FORMAT, "fingerprint": fingerprint, "pages": pages,
                "valid_until": valid_until.isoformat() if valid_until else None,
                "warnings": [[w.path, w.line, w.message] for w in warnings], "files": files}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)
