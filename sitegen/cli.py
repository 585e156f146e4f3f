"""Command line: build | serve | new | check | import | translations. Turns problems into `path:line: message` and exit 1.

Imports stay light here: `--help` must start fast, so each command imports its stage
modules only when it runs.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .errors import SiteError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site.py", description="Build the bilingual blog: Markdown posts in, "
                                     "static site out, code samples executed and checked.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--drafts", action="store_true", help="include drafts and unpublished posts")
        p.add_argument("--future", action="store_true", help="include posts dated in the future")
        p.add_argument("--jobs", type=int, default=0, help="kernels run in parallel (default: number of cores)")

    build = commands.add_parser("build", help="build the site into _site/")
    site_options(build)
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--out", type=Path, help="output folder (default: `output` of site.yaml)")
    build.add_argument("--base-url", help="absolute site URL, overriding `url` of site.yaml")
    build.add_argument("--force", action="store_true", help="allow an output folder outside the project")
    build.add_argument("--accept", action="store_true", help="record changed block outputs as the new expected ones")
    build.add_argument("--rerun", action="store_true", help="execute every block again, ignoring the cache")
    build.add_argument("--explain", action="store_true", help="say why each code session ran again")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")

    check = commands.add_parser("check", help="execute every block fresh and compare with expected outputs")
    site_options(check)

    serve = commands.add_parser("serve", help="build, serve on localhost and rebuild on change")
    site_options(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--public", action="store_true",
                       help="allow a --host other machines can reach (they see drafts and the live-reload channel)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    new = commands.add_parser("new", help="start a new post (and its translation)")
    new.add_argument("title")
    new.add_argument("--lang", help="language of the post (default: the site's default language)")
    new.add_argument("--translation", help="title of the translation, created in the other language")
    new.add_argument("--date", help="YYYY-MM-DD (default: today)")
    new.add_argument("--categories", nargs="*", default=[], help="categories of the post")

    imp = commands.add_parser("import", help="move a Jekyll site into this project, keeping its URLs")
    imp.add_argument("path", type=Path, help="folder of the Jekyll site (only read)")
    imp.add_argument("--lang", help="language of the posts whose language the site does not say (fr or en); "
                     "a site in several languages side by side: the ones to import, e.g. en,fr (the first is the default)")
    imp.add_argument("--dry-run", action="store_true", help="report what would be converted; write nothing")

    translations = commands.add_parser(
        "translations", help="status of every translation; exit 1 if one is stale or orphaned",
        description="Without options: a table of every translation group (languages present and missing; each "
                    "translation up to date, stale with the sections changed, or orphaned), then the drift and "
                    "parity warnings. Exit 1 when a translation is stale or orphaned.")
    action = translations.add_mutually_exclusive_group()
    action.add_argument("--diff", metavar="POST", help="show what changed in the source of translation POST since it was made")
    action.add_argument("--sync", metavar="POST", help="record that translation POST is now up to date with its source")
    return parser


def _progress(quiet: bool):
    tty = sys.stderr.isatty() and not quiet

    def show(message: str) -> None:
        if tty:
            sys.stderr.write(f"\r\x1b[K  {message}")
            sys.stderr.flush()
        elif not quiet and not message.endswith("…"):
            print(f"  {message}", file=sys.stderr)

    def clear() -> None:
        if tty:
            sys.stderr.write("\r\x1b[K")
    show.clear = clear
    return show


def print_problems(problems, stream=None) -> None:
    stream = stream or sys.stderr
    ordered = sorted(problems, key=lambda p: (p.warning, p.path, p.line or 0))
    for problem in ordered:
        print(problem, file=stream)


def cmd_build(args) -> int:
    from .build import BuildOptions, build

    progress = _progress(args.quiet)
    options = BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict, out=args.out,
                           base_url=args.base_url, force=args.force, accept=args.accept, rerun=args.rerun,
                           jobs=args.jobs, explain=args.explain)
    try:
        report = build(args.root.resolve(), options, progress)
    finally:
        progress.clear()
    print_problems(report.warnings)
    w = report.written
    executed = report.execution.kernels if report.execution else 0
    print(f"Built {report.pages} pages in {report.seconds:.2f}s into {report.out} "
          f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed; {executed} code sessions executed)")
    return 0


def cmd_check(args) -> int:
    from .build import BuildOptions, build

    progress = _progress(False)
    try:
        report = build(args.root.resolve(), BuildOptions(drafts=args.drafts, future=args.future, rerun=True,
                                                         jobs=args.jobs, write=False), progress)
        failed, exc = False, None
    except SiteError as caught:
        exc = caught
        report, failed = None, True
        progress.clear()
        print_problems(caught.problems)
    progress.clear()
    execution = report.execution if report else getattr(exc, "execution", None)
    if execution is not None:
        rows = [(c.block.path, f"{c.block.index} {c.block.label}", c.status, f"{c.result.seconds:.2f}")
                for c in sorted(execution.checked.values(), key=lambda c: (c.block.path, c.block.index))]
        widths = [max(len(r[i]) for r in rows + [("post", "block", "status", "seconds")]) for i in range(4)]
        for row in [("post", "block", "status", "seconds")] + rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
        ok = sum(1 for c in execution.checked.values() if c.status in ("passed", "accepted"))
        bad = sum(1 for c in execution.checked.values() if c.status in ("failed", "mismatch", "skipped", "new"))
        print(f"{ok} passed, {bad} failed")
        failed = failed or bad > 0
    return 1 if failed else 0


def cmd_serve(args) -> int:
    from .serve import serve

    return serve(args)


def cmd_new(args) -> int:
    from .scaffold import new_post

    for path in new_post(args.root.resolve(), args.title, lang=args.lang, translation=args.translation,
                         day=args.date, categories=args.categories):
        print(path)
    return 0


def cmd_import(args) -> int:
    from .jekyll_import import import_site

    report = import_site(args.path.resolve(), args.root.resolve(), lang=args.lang, dry_run=args.dry_run)
    for line in report.lines(args.dry_run):
        print(line)
    return 1 if report.conflicts else 0


def cmd_translations(args) -> int:
    from .translate import diff, status, sync

    root = args.root.resolve()
    if args.sync:
        for line in sync(root, args.sync):
            print(line)
        return 0
    if args.diff:
        lines, code = diff(root, args.diff)
    else:
        lines, problems, code = status(root)
        print_problems(problems)
    for line in lines:
        print(line)
    return code


def _terminate(signum, frame) -> None:
    """SIGTERM (a service manager, `timeout`, `kill`) unwinds like Ctrl-C, so kernels, workers and
    temporary files are cleaned up by the same `finally` blocks."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)   # site.py let Ctrl-C kill the imports
        signal.signal(signal.SIGTERM, _terminate)
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        return {"build": cmd_build, "check": cmd_check, "serve": cmd_serve, "new": cmd_new, "import": cmd_import,
                "translations": cmd_translations}[args.command](args)
    except SiteError as exc:
        print_problems(exc.problems)
        if args.command == "build":
            errors = sum(1 for p in exc.problems if not p.warning)
            print(f"Build failed: {errors} error(s); the previous output was left as it was.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130
