"""The search index: Pagefind (its Rust binary, from the `pagefind[extended]` wheel) over the built
posts and pages, one bundle per language at /<lang>/pagefind/, so a French page searches French
pages only and loads only the French index.

Pagefind cannot update an index: it reads every page again. A language whose indexed pages all
kept their page keys keeps its bundle as it is (the build does not run Pagefind for it), so an
edit re-indexes the language of the edited post only, and a rebuild of an unchanged site runs
nothing. The pages are handed to Pagefind in a temporary folder (on tmpfs when there is one), never
read from the output folder, so a failed build still leaves the previous output whole.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Pagefind writes its own UIs too; the theme's script uses its JavaScript API only
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "fragment/", "index/", "filter/")


def bundle_files(rel: str, lang: str) -> bool:
    return rel.startswith(KEPT) or rel.endswith(".pf_meta") or rel == f"wasm.{lang}.pagefind"


def executable() -> str | None:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            return shutil.which("pagefind_extended") or shutil.which("pagefind")
    return str(get_executable())


def index_languages(pages: dict[str, dict[str, bytes]]) -> tuple[dict[str, dict[str, bytes]], list[tuple[bool, str]]]:
    """{lang: {output path: HTML}} → ({lang: {path inside the bundle: bytes}}, [(is a warning, message)]).
    The languages are indexed side by side, one Pagefind process each. Pages with no text to index
    (a theme of the author's own, a language with one empty page) leave that language without
    search, with a warning."""
    binary = executable()
    if binary is None:
        return {}, [(False, "Pagefind is not installed (pip install 'pagefind[extended]'): the search index cannot be built")]
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="sitegen-search-", dir=shm) as tmp:
        runs: dict[str, subprocess.Popen] = {}
        try:
            return _run(runs, pages, binary, tmp)
        finally:
            for run in runs.values():   # interrupted (Ctrl-C, SIGTERM): no indexer outlives the build
                if run.poll() is None:
                    run.kill()
                    run.wait()


def _run(runs: dict, pages: dict[str, dict[str, bytes]], binary: str,
         tmp: str) -> tuple[dict[str, dict[str, bytes]], list[tuple[bool, str]]]:
    """Each language's pages into `tmp`, one Pagefind per language (recorded in `runs` as started),
    and what they wrote."""
    for lang, files in pages.items():
        site, out = Path(tmp, lang, "site"), Path(tmp, lang, "bundle")
        for rel, data in files.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        runs[lang] = subprocess.Popen(
            [binary, "--site", str(site), "--output-path", str(out), "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    bundles, problems = {}, []
    for lang, run in runs.items():
        output, _ = run.communicate()
        if run.returncode != 0:
            empty = "not able to build an index" in output
            problems.append((empty, f"no search in `{lang}`: Pagefind found no text to index in its pages" if empty else
                             f"Pagefind failed on the {lang} pages (exit {run.returncode}): {output.strip()[-800:]}"))
            continue
        out = Path(tmp, lang, "bundle")
        bundles[lang] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                         if p.is_file() and bundle_files(p.relative_to(out).as_posix(), lang)}
    return bundles, problems
