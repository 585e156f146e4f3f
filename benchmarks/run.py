"""Build-time benchmark on a synthetic bilingual corpus, with peers when they are installed.

    python benchmarks/run.py                    # 500 posts per language, 3 runs each
    python benchmarks/run.py --posts 100 --runs 5 --scale 5 --serve

Measures, each as the median of --runs whole processes (wall time, peak memory):
  cold      empty cache and output folder
  nothing   rebuild with nothing changed
  edit      rebuild after appending a sentence to one post (a different post each round)
and, with --serve, the edit-to-served latency under `site.py serve` (benchmarks/serve_latency.py);
with --scale K, a cold build of K times the corpus (cost should grow linearly).
When `hugo`, `pelican` or `mkdocs` are on PATH, the same corpus is built by them in the same
run (full build; rebuild with nothing changed; MkDocs `--dirty` after the same edit) and the
table prints our time divided by theirs. The machine is shared and its speed drifts by tens of
percent within minutes, so the tools take turns: each round builds with every tool in a row, and
a ratio is the median over rounds of our time divided by theirs in the same round. Compare
ratios, not absolute seconds across runs.
"""
from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import post_name, write_corpus  # noqa: E402


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one process, its children included."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in samples), max(m for _, m in samples)


def set_aside(folder: Path, trash: Path) -> None:
    """Empty `folder`'s place by moving it into `trash`, deleted once every timing is done. Deleting
    it here would slow whichever tool writes files next: this machine's ext4 runs without a journal,
    and then each new inode is checked against the inodes deleted in the last 1 to 6 minutes
    (fs/ext4/ialloc.c, recently_deleted). After an `rm -rf` of the previous outputs, writing our
    tree over two processes took ~1 s instead of 0.07 s, and the peers paid it too."""
    if folder.exists():
        trash.mkdir(exist_ok=True)
        folder.rename(trash / str(len(list(trash.iterdir()))))


def edit(path: Path, run: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited paragraph number {run}.\n")


@dataclass
class Tool:
    name: str
    site: Path
    build: list[str]                       # a build; cold after `outputs` are removed
    outputs: tuple[str, ...]
    rebuild: list[str] | None = None       # the rebuild with nothing changed (default: `build`)
    posts: Path | None = None              # where the edited French posts are, if it rebuilds after an edit
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {"cold": [], "nothing": [], "edit": []})


def rounds(tools: list[Tool], runs: int, posts: int, trash: Path) -> None:
    """Each measure, round after round, every tool in turn (see the module docstring)."""
    for run in range(runs):
        for tool in tools:
            for folder in tool.outputs:
                set_aside(tool.site / folder, trash)
            tool.samples["cold"].append(timed(tool.build, tool.site))
    for run in range(runs):
        for tool in tools:
            tool.samples["nothing"].append(timed(tool.rebuild or tool.build, tool.site))
    for run in range(runs):
        for tool in tools:
            if tool.posts is not None:
                edit(tool.posts / post_name(run * 7 % posts, "fr"), run)
                tool.samples["edit"].append(timed(tool.rebuild or tool.build, tool.site))


def ratio(ours: list[tuple[float, float]], theirs: list[tuple[float, float]]) -> float:
    """Median over rounds of ours ÷ theirs, each pair measured side by side."""
    return statistics.median(a / b for (a, _), (b, _) in zip(ours, theirs))


def hugo_site(corpus: Path, dest: Path) -> Path:
    """The corpus as a Hugo site with minimal layouts (a page template and a list template)."""
    for lang in ("fr", "en"):
        shutil.copytree(corpus / "content/posts" / lang, dest / "content" / lang / "posts")
    (dest / "layouts/_default").mkdir(parents=True)
    (dest / "layouts/_default/single.html").write_text("<!doctype html><title>{{ .Title }}</title>{{ .Content }}")
    (dest / "layouts/_default/list.html").write_text(
        "<!doctype html><title>{{ .Title }}</title>{{ range .Paginator.Pages }}<h2>{{ .Title }}</h2>{{ .Summary }}{{ end }}")
    (dest / "config.yaml").write_text(
        "baseURL: https://bench.example/\ndefaultContentLanguage: fr\nlanguages:\n"
        "  fr: {contentDir: content/fr, weight: 1}\n  en: {contentDir: content/en, weight: 2}\n"
        "markup:\n  goldmark: {renderer: {unsafe: true}}\n  highlight: {noClasses: false}\n")
    return dest


def pelican_site(corpus: Path, dest: Path) -> Path:
    import yaml

    for lang in ("fr", "en"):
        (dest / "content").mkdir(parents=True, exist_ok=True)
        for path in sorted((corpus / "content/posts" / lang).glob("*.md")):
            _, front, body = path.read_text(encoding="utf-8").split("---", 2)
            meta = yaml.safe_load(front)
            header = (f"Title: {meta['title']}\nDate: {path.name[:10]}\nLang: {lang}\n"
                      f"Slug: {meta['translation_key']}\nCategory: {lang} {meta['categories'][0]}\n\n")
            (dest / "content" / f"{lang}-{path.name}").write_text(header + body, encoding="utf-8")
    (dest / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nSITEURL = ''\nPATH = 'content'\nDEFAULT_LANG = 'fr'\nTIMEZONE = 'UTC'\n"
        "MARKDOWN = {'extension_configs': {'markdown.extensions.codehilite': {'css_class': 'highlight'},"
        " 'markdown.extensions.extra': {}, 'markdown.extensions.toc': {}}}\n"
        "LOAD_CONTENT_CACHE = True\nCACHE_CONTENT = True\nDEFAULT_PAGINATION = 10\n"
        "FEED_ALL_ATOM = None\nRELATIVE_URLS = True\n")
    return dest


def mkdocs_site(corpus: Path, dest: Path) -> Path:
    for lang in ("fr", "en"):
        shutil.copytree(corpus / "content/posts" / lang, dest / "docs" / lang)
    (dest / "docs/index.md").write_text("# Bench\n")
    (dest / "mkdocs.yml").write_text("site_name: Bench\nmarkdown_extensions: [tables, footnotes, toc, "
                                     "fenced_code, codehilite, attr_list]\n")
    return dest


def tools(corpus: Path, pristine: Path, work: Path, peers: bool) -> list[Tool]:
    found = [Tool("sitegen", corpus, [sys.executable, str(REPO / "site.py"), "--root", str(corpus), "build", "-q"],
                  ("_site", "._site.swap", ".cache"), posts=corpus / "content/posts/fr")]
    if peers and shutil.which("hugo"):
        found.append(Tool("hugo", hugo_site(pristine, work / "hugo"), ["hugo", "--quiet", "--destination", "public"],
                          ("public",)))
    if peers and shutil.which("pelican"):
        found.append(Tool("pelican", pelican_site(pristine, work / "pelican"),
                          ["pelican", "-q", "content", "-o", "output", "-s", "pelicanconf.py"], ("output", "cache")))
    if peers and shutil.which("mkdocs"):
        site = mkdocs_site(pristine, work / "mkdocs")
        found.append(Tool("mkdocs", site, ["mkdocs", "build", "-q"], ("site",),
                          rebuild=["mkdocs", "build", "-q", "--dirty"], posts=site / "docs/fr"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark sitegen against peers on a synthetic corpus.")
    parser.add_argument("--posts", type=int, default=500, help="posts per language (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure; medians are printed")
    parser.add_argument("--scale", type=int, default=0, help="also build K× the corpus cold, to check linear cost")
    parser.add_argument("--serve", action="store_true", help="also measure edit-to-served latency under serve")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo, Pelican and MkDocs")
    args = parser.parse_args()

    # pip byte-compiled the peers' packages when it installed them; ours is installed editable, and
    # where PYTHONDONTWRITEBYTECODE is set (as on these machines) every run compiled its ~30 modules
    # again, ~70 ms, a fifth of a rebuild with nothing to do
    compileall.compile_dir(REPO / "sitegen", quiet=1)
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        work = Path(tmp)
        corpus = write_corpus(work / "corpus", args.posts)
        print(f"corpus: {2 * args.posts} posts ({args.posts} per language), {args.runs} rounds per measure")
        mine, *others = everyone = tools(corpus, write_corpus(work / "pristine", args.posts), work, not args.no_peers)
        rounds(everyone, args.runs, args.posts, work / "trash")
        print(f"\n{'':10}{'sitegen':>18}" + "".join(f"{tool.name:>18}" for tool in others))
        for measure in ("cold", "nothing", "edit"):
            seconds, memory = median(mine.samples[measure])
            row = f"{measure:10}{seconds:>9.2f}s {memory:>5.0f}MiB"
            for tool in others:
                if tool.samples[measure]:
                    theirs = median(tool.samples[measure])[0]
                    row += f"{theirs:>8.2f}s ×{ratio(mine.samples[measure], tool.samples[measure]):<6.2f}  "
                else:
                    row += f"{'—':>18}"
            print(row)
        if others:
            print("(×: median over rounds of sitegen's time divided by the peer's in the same round; below 1 is\n"
                  " faster. MkDocs rebuilds use --dirty.)")
        if args.scale:
            big = write_corpus(work / "big", args.posts * args.scale)
            for folder in mine.outputs:
                set_aside(corpus / folder, work / "trash")
            base, _ = timed(mine.build, corpus)   # right before the big one: the same machine speed
            seconds, memory = timed([sys.executable, str(REPO / "site.py"), "--root", str(big), "build", "-q"], big)
            print(f"\nscale ×{args.scale}: cold build {seconds:.2f}s ({memory:.0f} MiB) = {seconds / base:.2f}× "
                  f"the base corpus built just before ({base:.2f}s)")
        if args.serve:
            subprocess.run([sys.executable, str(HERE / "serve_latency.py"), "--site", str(corpus), "-n", "15"], check=True)


if __name__ == "__main__":
    main()
