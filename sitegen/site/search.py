"""The search index: Pagefind (its Rust binary, from the `pagefind[extended]` wheel) over the built
posts and pages, per language at /<lang>/pagefind/, so a French page searches French pages only
and loads only the French index.

Pagefind cannot update an index: it reads every page again, at ~2 ms of CPU a page, so one bundle
of 500 pages made a one-post edit rebuild cost ~3× a rebuild without search. A language's pages are
therefore split into shards of about `SHARD_PAGES` pages, each its own Pagefind bundle: shard 0 at
/<lang>/pagefind/ (with Pagefind's scripts and WebAssembly), shard i at /<lang>/pagefind/i/, and
/<lang>/pagefind/shards.json listing the others for the search page, which merges them into one
search with Pagefind's `mergeIndex` (a merged bundle reuses the first one's WebAssembly, so a shard
costs the reader two small requests when the search loads and one index chunk per searched word).
A page's shard comes from a hash of its output path, so adding, editing or removing a post
changes one shard, the shards stay alike (each a random sample of the language, so their scores
compare), and a cold build makes the very same bundles. Only the shard count depends on the number
of pages; when it changes, every shard of that language is made again.

A shard whose pages all kept their page keys keeps its bundle as it is (the build does not run
Pagefind for it), so an edit re-indexes one shard of one language, and a rebuild of an unchanged
site runs nothing. The pages are handed to Pagefind in a temporary folder (on tmpfs when there is
one): it never runs on the output folder, so a failed build still leaves the previous output whole.
Pagefind's own Python API (`pagefind.index`, its `--service` mode, pages sent in memory) was
measured on a 50-page shard: no faster than the command (the per-page indexing is the cost, not the
process or the files, ~5 ms of the ~140), and its wrapper polls each answer after a 0.1 s sleep.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# pages per shard, about: what an edit re-indexes (~0.1 s of CPU at 50), against what a search loads
# (at 500 pages, 10 shards: 27 requests more than one bundle on the first search, of ~0.5 KB each
# plus an index chunk per shard)
SHARD_PAGES = 50

# Pagefind writes its own UIs too; the theme's script uses its JavaScript API only, and a merged
# shard needs its index alone (the first shard's scripts and WebAssembly serve them all)
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "fragment/", "index/", "filter/")
MERGED = ("pagefind-entry.json", "fragment/", "index/", "filter/")
LISTING = "shards.json"


def bundle_files(rel: str, lang: str, first: bool = True) -> bool:
    if rel.endswith(".pf_meta"):
        return True
    if not first:
        return rel.startswith(MERGED)
    return rel.startswith(KEPT) or rel == f"wasm.{lang}.pagefind"


def shard_count(pages: int) -> int:
    return max(1, -(-pages // SHARD_PAGES))


def shard_of(path: str, shards: int) -> int:
    """The shard of the page at output path `path`: stable while the count is (see the module doc)."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "big") % shards


def shard_folder(lang: str, shard: int) -> str:
    """The output folder of a shard's bundle."""
    return f"{lang}/pagefind/" + (f"{shard}/" if shard else "")


def shard_of_file(rel: str, lang: str) -> int | None:
    """Which shard of `lang` an output file belongs to: None for the listing and other files."""
    prefix = f"{lang}/pagefind/"
    if not rel.startswith(prefix) or rel == prefix + LISTING:
        return None
    head, sep, _ = rel[len(prefix):].partition("/")
    return int(head) if sep and head.isdigit() and head == str(int(head)) and int(head) > 0 else 0


def shard_listing(lang: str, present: list[int]) -> tuple[str, bytes]:
    """(output path, bytes) of /<lang>/pagefind/shards.json: the folders of the shards the search
    page merges into the first."""
    return f"{lang}/pagefind/{LISTING}", json.dumps([f"{shard}/" for shard in sorted(present) if shard]).encode("utf-8")


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle of a language: the pages it indexes, and its key (the Pagefind version,
    whether it is the first, and the pages' own keys: the bundle is made again when it changes)."""
    lang: str
    number: int
    pages: tuple[str, ...]
    key: str

    @property
    def name(self) -> tuple[str, int]:
        return self.lang, self.number

    @property
    def folder(self) -> str:
        return shard_folder(self.lang, self.number)


def split_shards(paths: list[str]) -> dict[int, list[str]]:
    """A language's indexed output paths → {shard: paths}, every shard holding at least one."""
    count, split = shard_count(len(paths)), {}
    for path in sorted(paths):
        split.setdefault(shard_of(path, count), []).append(path)
    return dict(sorted(split.items()))


def plan_shards(indexed: Mapping[str, list[str]], page_keys: Mapping[str, str], version: str) -> dict[str, list[Shard]]:
    """{lang: indexed output paths} and the pages' keys → {lang: its shards}."""
    def key(number: int, pages: list[str]) -> str:
        record = repr((version, number == 0, [(p, page_keys.get(p, "")) for p in pages]))
        return hashlib.sha256(record.encode("utf-8")).hexdigest()

    return {lang: [Shard(lang, n, tuple(pages), key(n, pages)) for n, pages in split_shards(paths).items()]
            for lang, paths in indexed.items()}


def recorded_shards(files: Iterable[str], langs: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    """The output files of the last build (its manifest) that belong to the shards of `langs`."""
    langs, found = set(langs), {}
    for rel in files:
        lang = rel.split("/", 1)[0]
        number = shard_of_file(rel, lang) if lang in langs else None
        if number is not None:
            found.setdefault((lang, number), []).append(rel)
    return found


def language_index(shards: list[Shard], bundles: Mapping[str, Mapping[str, bytes]],
                   kept: set[tuple[str, int]]) -> dict[str, bytes]:
    """A language's index files to publish: the bundles Pagefind made for its shards (by key; a
    shard kept on disk is not among them, a shard Pagefind failed on is left out), and the
    listing of every shard present."""
    files, present = {}, []
    for shard in shards:
        if shard.name in kept or shard.key in bundles:
            present.append(shard.number)
        if shard.name not in kept and shard.key in bundles:
            files.update((shard.folder + rel, data) for rel, data in bundles[shard.key].items())
    if present:
        path, data = shard_listing(shards[0].lang, present)
        files[path] = data
    return files


def executable() -> str | None:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            return shutil.which("pagefind_extended") or shutil.which("pagefind")
    return str(get_executable())


def index_shards(pages: dict[tuple[str, int], dict[str, bytes]],
                 jobs: int = 0) -> tuple[dict[tuple[str, int], dict[str, bytes]], list[tuple[bool, str]]]:
    """{(lang, shard): {output path: HTML}} → ({(lang, shard): {path inside the bundle: bytes}},
    [(is a warning, message)]). Shards are indexed side by side, one Pagefind process each, at most
    `jobs` (default: the CPU count) at once. Pages with no text to index (a theme of the author's
    own, a language with one empty page) leave that shard without search, with a warning."""
    if not pages:
        return {}, []
    binary = executable()
    if binary is None:
        return {}, [(False, "Pagefind is not installed (pip install 'pagefind[extended]'): the search index cannot be built")]
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="sitegen-search-", dir=shm) as tmp:
        runs: dict[tuple[str, int], subprocess.Popen] = {}
        try:
            return _run(runs, pages, binary, tmp, max(1, jobs or os.cpu_count() or 1))
        finally:
            for run in runs.values():   # interrupted (Ctrl-C, SIGTERM): no indexer outlives the build
                if run.poll() is None:
                    run.kill()
                    run.wait()


def _run(runs: dict, pages: dict[tuple[str, int], dict[str, bytes]], binary: str, tmp: str,
         jobs: int) -> tuple[dict[tuple[str, int], dict[str, bytes]], list[tuple[bool, str]]]:
    """Each shard's pages into `tmp`, one Pagefind per shard (recorded in `runs` as started, at most
    `jobs` running), and what they wrote."""
    bundles, problems, waiting = {}, [], []

    def finish(name: tuple[str, int]) -> None:
        lang, shard = name
        run = runs[name]
        output, _ = run.communicate()
        where = f"`{lang}`" + (f" (shard {shard})" if len(pages) > 1 or shard else "")
        if run.returncode != 0:
            empty = "not able to build an index" in output
            problems.append((empty, f"no search in {where}: Pagefind found no text to index in its pages" if empty else
                             f"Pagefind failed on the {where} pages (exit {run.returncode}): {output.strip()[-800:]}"))
            return
        out = Path(tmp, f"{lang}-{shard}", "bundle")
        bundles[name] = {rel: p.read_bytes() for p in sorted(out.rglob("*"))
                         if p.is_file() and bundle_files(rel := p.relative_to(out).as_posix(), lang, shard == 0)}

    for name, files in pages.items():
        site, out = Path(tmp, f"{name[0]}-{name[1]}", "site"), Path(tmp, f"{name[0]}-{name[1]}", "bundle")
        for rel, data in files.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if len(waiting) >= jobs:
            finish(waiting.pop(0))
        runs[name] = subprocess.Popen(
            [binary, "--site", str(site), "--output-path", str(out), "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        waiting.append(name)
    for name in waiting:
        finish(name)
    return bundles, problems
