"""Build-time benchmark on a synthetic bilingual corpus, with peers when they are installed.

    python benchmarks/run.py                    # 500 posts per language, 3 runs each
    python benchmarks/run.py --posts 100 --runs 5 --scale 5 --serve

Measures, each as the median of --runs whole processes (wall time, peak memory):
  cold      empty cache and output folder
  nothing   rebuild with nothing changed
  edit      rebuild after appending a sentence to one post (a different post each run)
and, with --serve, the edit-to-served latency under `site.py serve` (benchmarks/serve_latency.py);
with --scale K, a cold build of K times the corpus (cost should grow linearly).
When `hugo`, `pelican` or `mkdocs` are on PATH, the same corpus is built by them in the same
run (full build; rebuild with nothing changed; MkDocs `--dirty` after the same edit) and the
table prints our time divided by theirs. The machine is shared and noisy: compare ratios
measured in one run, not absolute seconds across runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


def edit(path: Path, run: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited paragraph number {run}.\n")


def ours(site: Path, runs: int, posts: int) -> dict[str, tuple[float, float]]:
    build = [sys.executable, str(REPO / "site.py"), "--root", str(site), "build", "-q"]
    results = {"cold": cold(build, site, ("_site", ".cache"), runs)}
    results["nothing"] = median([timed(build, site) for _ in range(runs)])
    samples = []
    for run in range(runs):
        edit(site / "content/posts/fr" / post_name(run * 7 % posts, "fr"), run)
        samples.append(timed(build, site))
    results["edit"] = median(samples)
    return results


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


def cold(command: list[str], site: Path, outputs: tuple[str, ...], runs: int) -> tuple[float, float]:
    """Median of builds from scratch: the output and cache folders removed before each."""
    samples = []
    for _ in range(runs):
        for folder in outputs:
            shutil.rmtree(site / folder, ignore_errors=True)
        samples.append(timed(command, site))
    return median(samples)


def peers(corpus: Path, work: Path, runs: int, posts: int) -> dict[str, dict[str, tuple[float, float]]]:
    found: dict[str, dict[str, tuple[float, float]]] = {}
    if shutil.which("hugo"):
        site = hugo_site(corpus, work / "hugo")
        cmd = ["hugo", "--quiet", "--destination", "public"]
        found["hugo"] = {"cold": cold(cmd, site, ("public",), runs),
                         "nothing": median([timed(cmd, site) for _ in range(runs)])}
    if shutil.which("pelican"):
        site = pelican_site(corpus, work / "pelican")
        cmd = ["pelican", "-q", "content", "-o", "output", "-s", "pelicanconf.py"]
        found["pelican"] = {"cold": cold(cmd, site, ("output", "cache"), runs),
                            "nothing": median([timed(cmd, site) for _ in range(runs)])}
    if shutil.which("mkdocs"):
        site = mkdocs_site(corpus, work / "mkdocs")
        full = cold(["mkdocs", "build", "-q"], site, ("site",), runs)
        dirty = ["mkdocs", "build", "-q", "--dirty"]
        nothing = median([timed(dirty, site) for _ in range(runs)])
        samples = []
        for run in range(runs):
            edit(site / "docs/fr" / post_name(run * 7 % posts, "fr"), run)
            samples.append(timed(dirty, site))
        found["mkdocs"] = {"cold": full, "nothing": nothing, "edit": median(samples)}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark sitegen against peers on a synthetic corpus.")
    parser.add_argument("--posts", type=int, default=500, help="posts per language (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure; medians are printed")
    parser.add_argument("--scale", type=int, default=0, help="also build K× the corpus cold, to check linear cost")
    parser.add_argument("--serve", action="store_true", help="also measure edit-to-served latency under serve")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo, Pelican and MkDocs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        work = Path(tmp)
        corpus = write_corpus(work / "corpus", args.posts)
        print(f"corpus: {2 * args.posts} posts ({args.posts} per language), {args.runs} runs per measure")
        mine = ours(corpus, args.runs, args.posts)
        others = {} if args.no_peers else peers(write_corpus(work / "pristine", args.posts), work, args.runs, args.posts)
        print(f"\n{'':10}{'sitegen':>18}" + "".join(f"{name:>18}" for name in others))
        for measure in ("cold", "nothing", "edit"):
            row = f"{measure:10}{mine[measure][0]:>9.2f}s {mine[measure][1]:>5.0f}MiB"
            for name, results in others.items():
                if measure in results:
                    theirs = results[measure]
                    row += f"{theirs[0]:>8.2f}s ×{mine[measure][0] / theirs[0]:<6.2f}  "
                else:
                    row += f"{'—':>18}"
            print(row)
        if others:
            print("(×: sitegen's time divided by the peer's; below 1 is faster. MkDocs rebuilds use --dirty.)")
        if args.scale:
            big = write_corpus(work / "big", args.posts * args.scale)
            seconds, memory = timed([sys.executable, str(REPO / "site.py"), "--root", str(big), "build", "-q"], big)
            ratio = seconds / mine["cold"][0]
            print(f"\nscale ×{args.scale}: cold build {seconds:.2f}s ({memory:.0f} MiB) = {ratio:.2f}× the base corpus")
        if args.serve:
            subprocess.run([sys.executable, str(HERE / "serve_latency.py"), "--site", str(corpus), "-n", "15"], check=True)


if __name__ == "__main__":
    main()
