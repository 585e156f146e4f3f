"""The differential measurement on real Jekyll blogs, from bare git mirrors.

    python tests/jekyll/realblogs.py [--mirrors /work/.mirror] [--out /tmp/realblogs] [--recent N]
                                     [--only NAME ...] [--quiet]

Each blog's files are taken from its mirror (`<owner>+<name>/repo`, a bare clone; blobs the mirror
lacks, large images, are skipped) into OUT/<name>, then `differential.py` builds its posts with
Jekyll and with sitegen and compares them. A multilingual site keeping posts in `<lang>/news/_posts`
(ruby-lang.org) becomes one Jekyll site per language measured, holding that language's folder and the
site's shared files (`_config.yml`, `_data`, `_includes`…). `--recent N` keeps the N newest posts
of each site (the older ones are removed, so links to them fail in both builds alike).
Differences listed in allowed.yaml under `site: <name>` are reported as kept on purpose but still
count as differences in the figure. The mirrors are only read.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import differential  # noqa: E402

# name → (mirror folder, commit or HEAD, language folder for a multilingual site or None)
SITES = {
    "karpathy.github.io": ("karpathy+karpathy.github.io", "HEAD", None),
    # since 2022 the blog's posts are redirects to its new home: the last commit before that
    "lil-log": ("lilianweng+lil-log", "06f45ea^", None),
    "rdkit-blog-fastpages": ("greglandrum+rdkit-blog-fastpages", "HEAD", None),
    "fastpages": ("fastai+fastpages", "HEAD", None),
    "ruby-lang-en": ("ruby+www.ruby-lang.org", "HEAD", "en"),
    "ruby-lang-fr": ("ruby+www.ruby-lang.org", "HEAD", "fr"),
}


def extract(repo: Path, commit: str, dest: Path) -> int:
    """The tree at `commit` into dest; returns how many blobs the mirror lacks (skipped)."""
    tree = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "-z", commit],
                          capture_output=True, check=True).stdout
    cat = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    missing = 0
    for entry in filter(None, tree.split(b"\0")):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind != b"blob":
            continue
        cat.stdin.write(sha + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if header[1] == b"missing":
            missing += 1
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        out = dest / path.decode()
        out.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            os.symlink(data.decode(), out)
        else:
            out.write_bytes(data)
    cat.stdin.close()
    cat.wait()
    return missing


def one_language(site: Path, lang: str) -> None:
    """Keep the shared files and `lang`'s folder; drop the other languages' folders."""
    for child in site.iterdir():
        if child.is_dir() and child.name != lang and (child / "news" / "_posts").is_dir():
            shutil.rmtree(child)


def keep_recent(site: Path, count: int) -> None:
    posts = sorted(differential._posts(site).values(), key=lambda p: p.name)
    for path in posts[:-count]:
        path.unlink()


def prepare(name: str, mirrors: Path, out: Path, recent: int | None) -> Path:
    mirror, commit, lang = SITES[name]
    site = out / name
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    extract(mirrors / mirror / "repo", commit, site)
    if lang:
        one_language(site, lang)
    if recent:
        keep_recent(site, recent)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/realblogs"))
    parser.add_argument("--recent", type=int, default=None, help="keep the N newest posts of each site")
    parser.add_argument("--only", nargs="*", choices=sorted(SITES), help="measure only these sites")
    parser.add_argument("--quiet", action="store_true", help="the figures only, no differences")
    args = parser.parse_args(argv)
    figures = []
    for name in args.only or SITES:
        if not (args.mirrors / SITES[name][0] / "repo").is_dir():
            print(f"{name}: no mirror at {args.mirrors / SITES[name][0]}, skipped", file=sys.stderr)
            continue
        site = prepare(name, args.mirrors, args.out, args.recent)
        not_compared: dict[str, str] = {}
        try:
            posts, differences = differential.run(site, not_compared=not_compared)
        except RuntimeError as exc:
            print(f"== {name}: {exc}")
            continue
        text = differential.report(posts, differences, verbose=False, not_compared=not_compared)
        print(f"== {name}\n{text if not args.quiet else text.splitlines()[0]}", flush=True)
        allowed = sum(1 for d in differences if d.allowed)
        figures.append((name, len(posts), len(posts) - len(differences), allowed, len(not_compared)))
    print("\nsite                   posts  equal      %  kept on purpose  not built by Jekyll")
    for name, posts, equal, allowed, skipped in figures:
        print(f"{name:22} {posts:5} {equal:6} {equal / max(posts, 1):6.1%} {allowed:16} {skipped:20}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
