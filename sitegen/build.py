"""build(): the pipeline, one timed stage per line — read it as a table of contents.

config → sources → posts → links (URLs, translations, Liquid) → blocks → execution →
Markdown → pages → templates → output tree → write. Everything is loaded, executed and
rendered in memory before anything is written; problems are collected per stage and
reported together, and a build with errors writes nothing.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import Problem, SiteError, error, errors_only, warning
from .execution import ExecutionReport, PostBlocks, digest, execute_all, installed_versions, parse_blocks
from .markup import HIGHLIGHTED, MATHML, pygments_css, render
from .memo import PersistentMemo
from .output import (
    CUTS,
    Manifest,
    OutputTree,
    Staged,
    WriteReport,
    build_lock,
    check_output_dir,
    cut_math_fonts,
    cuts_version,
    discard,
    input_fingerprint,
    page_key,
    path_problem,
    reads_of,
    stage as stage_file,
    write_tree,
)
from .render import RenderCache, Renderer, post_problems, prepare, render_all, site_view, template_name
from .site import (
    DATES,
    build_pages,
    index_shards,
    language_index,
    known_layouts,
    make_view,
    merge_terms,
    modified_dates,
    output_ext,
    output_path,
    plan_shards,
    post_output_ext,
    recorded_shards,
    redirects,
    shard_of_file,
    sitemap_page,
    translation_groups,
    url_of,
    with_stale_notices,
)
from .sources import (
    FRONT_MATTER,
    LIQUID,
    LIQUID_USED,
    LIQUID_VERSION,
    LinkTable,
    Post,
    YAML_VERSION,
    SiteConfig,
    decode_text,
    discover,
    is_visible,
    last_commits,
    link_table,
    liquid_context,
    load_config,
    load_strings,
    parse_remembered,
    read_inputs,
    render_liquid,
    split_front_matter,
)

if TYPE_CHECKING:
    from .site import RevisionStore, TranslationReport


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    strict: bool = False
    out: Path | None = None
    base_url: str | None = None
    force: bool = False
    accept: bool = False
    rerun: bool = False
    jobs: int = 0
    explain: bool = False
    live_reload: bool = False
    write: bool = True
    defer_search: bool = False   # serve: pages first, the search index right after (add_search_index)


# the search index deferred under serve: → (the folders it replaces, their files, problems)
IndexUpdate = Callable[[], tuple[list[str], dict[str, bytes], list[Problem]]]


@dataclass
class BuildReport:
    pages: int = 0
    written: WriteReport | None = None
    seconds: float = 0.0
    stages: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    execution: ExecutionReport | None = None
    out: Path | None = None
    # The whole site in memory when built with write=False (serve, check); when writing, pages
    # proven unchanged on disk are not rendered and appear in tree.kept instead of tree.files.
    tree: OutputTree | None = None
    translations: TranslationReport | None = None   # None when the build had nothing to do
    search_update: IndexUpdate | None = None   # with defer_search: the search index, to make after publishing


class Stages:
    """Times each stage and collects the problems it reports."""

    def __init__(self, progress: Callable[[str], None]):
        self.progress, self.problems, self.timings = progress, [], []
        self.execution: ExecutionReport | None = None   # kept on failure too: `check` prints its table

    @contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        self.progress(f"{name}…")
        yield self.problems
        self.timings.append((name, time.perf_counter() - start))

    def stop_on_errors(self) -> None:
        if errors_only(self.problems):
            failure = SiteError(self.problems)
            failure.execution = self.execution
            raise failure


def build(root: Path, options: BuildOptions = BuildOptions(), progress: Callable[[str], None] = lambda s: None,
          cache: RenderCache | None = None) -> BuildReport:
    with build_lock(root, progress):   # one build of a project at a time: they share caches and output
        return _build(root, options, progress, cache)


def _build(root: Path, options: BuildOptions, progress: Callable[[str], None], cache: RenderCache | None) -> BuildReport:
    started = time.perf_counter()
    stage = Stages(progress)
    cache = cache or RenderCache.load(root)

    with stage("config") as problems:
        config, config_problems = load_config(root)
        problems += config_problems
        if options.base_url is not None:
            config = replace(config, url=options.base_url.rstrip("/"))
        out = (options.out or config.output_dir).resolve()
        danger = check_output_dir(out, root, options.force)
        if danger:
            raise SiteError(error("site.yaml", None, danger))

    with stage("read"):
        inputs = read_inputs(root)   # every input file, once

    now = datetime.now(timezone.utc)
    manifest = Manifest.load(root) if options.write else None
    digests: dict[str, str] = {}   # input path → digest of its bytes (when the fingerprint was taken)
    if manifest is not None:
        with stage("fingerprint"):
            fingerprint = input_fingerprint(root, inputs, options, digests)
            if not (options.rerun or options.accept) and manifest.nothing_to_do(fingerprint, out, now):
                return BuildReport(pages=manifest.pages, written=WriteReport(0, len(manifest.files), 0),
                                   seconds=time.perf_counter() - started, stages=stage.timings,
                                   warnings=manifest.replayed_warnings(), out=out)

    with stage("content") as problems:
        posts, hidden, next_due = read_posts(root, inputs, config, options, now, problems)
        strings, string_problems = load_strings(root, config.languages)
        problems += string_problems
        if set(strings) != set(config.languages):
            stage.stop_on_errors()   # without UI strings nothing can be rendered

    with stage("links") as problems:
        urls = {post.path: url_of(post, config) for post in posts}
        groups, group_problems = translation_groups(posts)
        problems += group_problems + missing_translations(groups, config)
        table = lru_cache(maxsize=1)(lambda: link_table(posts, urls, config.baseurl, inputs))   # when Liquid needs it
        liquid = PersistentMemo(root / ".cache" / "liquid.pickle", f"{LIQUID_VERSION}/{cache.versions}", LIQUID)
        LIQUID_USED.clear()
        texts = {post.path: apply_liquid(post, urls[post.path], table, config, problems) for post in posts}
        if liquid.grew:
            liquid.save(keep=LIQUID_USED.__contains__)   # the file stays the size of the site
        modified, date_problems = modified_dates(posts, last_commits(root))
        problems += date_problems

    with stage("translations") as problems:
        from .site import RevisionStore   # the translation checks load here, never when there is nothing to do

        store = RevisionStore(root)
        translations = check_translation_drift(root, posts + hidden, urls, config, store, digests)
        problems += list(translations.problems) + store.problems

    with stage("blocks") as problems:
        samples = read_samples(inputs, problems)
        parsed: dict[str, PostBlocks] = {}
        for post in posts:
            text, blocks, block_problems = parse_blocks(texts[post.path], post.path, post.body_line, samples)
            parsed[post.path] = PostBlocks(post, text, tuple(blocks))
            problems += block_problems

    with stage("execute") as problems:
        execution = execute_all(
            config, [[parsed[group[lang].path] for lang in config.languages if lang in group] for group in groups.values()],
            samples, lambda name: file_digest(root / "code_samples" / name),
            jobs=options.jobs or config.execution.jobs, use_cache=not options.rerun, accept=options.accept,
            progress=progress)
        problems += execution.problems
        stage.execution = execution
        if options.explain:
            for line in execution.log:
                progress(line)

    tree = OutputTree()
    with stage("render") as problems:
        prepared = [prepare(parsed[p.path], execution, config, strings[p.lang], urls[p.path]) for p in posts]
        fragments = [PersistentMemo(root / ".cache" / f"{name}.pickle", cache.versions, memo.table)
                     for name, memo in (("highlighted", HIGHLIGHTED), ("mathml", MATHML))]
        keys, bodies = cache.render_all([p.request for p in prepared], options.jobs)
        for memo in fragments:
            memo.save()
        views = []
        for post, prep, rendered, body_key in zip(posts, prepared, bodies, keys):
            problems += list(prep.problems) + post_problems(post, rendered)
            for path, data in prep.files:
                if path.startswith("assets/figures/") and path in tree.files:
                    continue   # the same figure drawn for both languages
                if path_problem(output_path(urls[post.path])) and not path.startswith("assets/"):
                    continue   # downloads beside a URL the pages stage refuses, at its permalink: line
                problems += [p for p in [tree.add(path, data, post.path)] if p]
            views.append(make_view(post, rendered, urls[post.path], prep.downloads, body_key,
                                   lambda key=body_key: cache.html(key), modified.get(post.path), config.author))
        if config.translations.stale_notice:
            views = with_stale_notices(views, translations.stale)
        math_characters = "".join(sorted(set().union(*(body.math_characters for body in bodies))))

    with stage("pages") as problems:
        versions = {urls[p.path]: {lang: urls[q.path] for lang, q in group.items()}
                    for group in groups.values() for p in group.values()}
        templates = {path.split("/", 1)[1] for path in inputs if path.startswith("templates/")}
        views, layout_problems = known_layouts(views, lambda layout: template_name(layout) in templates,
                                               {p.path: p.line_of("layout") for p in posts})
        views, term_problems = merge_terms(views)
        problems += layout_problems + term_problems
        pages = build_pages(config, views, versions, {lang: strings[lang].table for lang in config.languages})
        for post in posts:   # redirect_from: small pages at the old URLs
            moved, redirect_problems = redirects(post, urls[post.path], config)
            problems += redirect_problems + [p for path, data in moved for p in [tree.add(path, data, post.path)] if p]
        pages.append(sitemap_page(pages))
        exts = {p.path: post_output_ext(p) for p in posts}   # a permalink's own extension, as Jekyll keeps it
        path_of = lambda page: output_path(page.url, exts.get(page.source or "") or output_ext(page.template))  # noqa: E731
        problems += claim_problems(pages, {p.path: p.line_of("permalink") for p in posts}, path_of)

    staged: dict[str, Staged | None] = {}   # pages already written beside their targets
    try:
        with stage("templates") as problems:
            menus = {lang: tuple((v.title, v.url) for v in sorted(views, key=lambda v: v.url) if not v.is_post and v.lang == lang)
                     for lang in config.languages}
            site = site_view(config, menus, options.live_reload)
            theme = theme_key(root, config, strings, site)
            renderer = cache.renderer(theme, lambda: Renderer(root / "templates", config, strings, site))
            problems += renderer.check({template_name(p.template) for p in pages})
            stage.stop_on_errors()
            dates = PersistentMemo(root / ".cache" / "dates.pickle", installed_versions(("Babel",))["Babel"], DATES.table)
            body_keys = {v.url: v.body_key for v in views}
            render_pages(pages, theme, renderer, cache, manifest, out, tree, problems, options.jobs, staged, body_keys,
                         path_of)
            dates.save()

        with stage("search") as problems:
            search_update = add_search_index(pages, tree, manifest, out, cache, problems, path_of, options.jobs,
                                             options.defer_search and not options.write)

        with stage("assets") as problems:
            add_static(inputs, tree, problems, math_fonts(root, inputs, math_characters, problems))
            problems += [p for p in [tree.add("assets/pygments.css", pygments_css(), "the Pygments styles")] if p]

        stage.stop_on_errors()
        if options.strict and stage.problems:
            raise SiteError(stage.problems + [error("site.yaml", None, f"--strict: {len(stage.problems)} warning(s) fail the build")])

        report = BuildReport(pages=len(pages), warnings=stage.problems, execution=execution, out=out, tree=tree,
                             translations=translations, search_update=search_update)
        store.remember(list(translations.tracked))
        store.save(translations.named)   # only a successful build records revisions
        if options.write:
            with stage("write"):
                try:
                    report.written = write_tree(tree, out, staged, set(manifest.files) or None)
                except OSError as exc:
                    raise SiteError(error(str(out), None, f"cannot publish the site: {exc}")) from None
                manifest.save(fingerprint, next_due, len(pages), stage.problems, out, list(tree.files), tree.kept, tree.keys)
    except BaseException:
        discard(staged)   # a failed build leaves the output as it was
        raise
    report.warnings += write_expected(execution, root)   # only now: a failed build records nothing
    report.stages, report.seconds = stage.timings, time.perf_counter() - started
    return report


def render_pages(pages: list, theme: str, renderer: Renderer, cache: RenderCache, manifest: Manifest | None,
                 out: Path, tree: OutputTree, problems: list[Problem], jobs: int, staged: dict[str, Staged | None],
                 body_keys: dict[str, str], path_of: Callable[[Any], str]) -> None:
    """Each page into the tree: kept as it is on disk when its key is unchanged, else rendered (and,
    when writing, staged on disk by whichever process rendered it). A page's key holds the bodies
    its last rendering read (manifest.page_key); `body_keys`: post URL → render key."""
    memo: dict[int, str] = {}
    claims = []   # [page, output path, origin, key]
    for page in pages:
        path = path_of(page)
        recorded = cache.page_keys.get(path) or (manifest.key_of(path) if manifest is not None else "")
        claims.append([page, path, page.source or f"the {page.template} page",
                       page_key(theme, page, memo, reads_of(recorded), body_keys)])
    intact = [manifest is not None and manifest.page_intact(path, key, out) for _, path, _, key in claims]
    todo = [i for i, kept in enumerate(intact) if not kept and not cache.has_page(claims[i][3])]
    paths = [claims[i][1] for i in todo]
    then = (lambda index, data: stage_file(out, paths[index], data)) if manifest is not None else None
    for i, (result, entry) in zip(todo, render_all(renderer, [claims[i][0] for i in todo], jobs, then)):
        if not isinstance(result, Problem):
            result, reads = result
            claims[i][3] = page_key(theme, claims[i][0], memo, reads, body_keys)   # what it read this time
        cache.add_page(claims[i][3], result)
        staged[claims[i][1]] = entry
    for (page, path, origin, key), kept in zip(claims, intact):
        if kept:
            claim = tree.keep(path, origin, key)
        else:
            result = cache.page(key)
            if isinstance(result, Problem):   # one report per template line, not one per page
                if any((p.path, p.line) == (result.path, result.line) for p in problems):
                    continue
                claim = result
            else:
                claim = tree.add(path, result, origin, key)
        if claim:
            problems.append(claim)
    cache.end_build({path: key for _, path, _, key in claims})


def add_search_index(pages: list, tree: OutputTree, manifest: Manifest | None, out: Path, cache: RenderCache,
                     problems: list[Problem], path_of: Callable, jobs: int = 0, defer: bool = False) -> IndexUpdate | None:
    """Each language's Pagefind shards under /<lang>/pagefind/ (site/search.py): a shard is kept as
    it is when every page it indexes kept its key, else made again from the pages' bytes.

    `defer` (serve): a language whose shards must be made again keeps serving its last complete
    index in this build, and the returned update makes the new one, for the caller to publish once
    the pages are: live reload does not wait for Pagefind, and the index served is always whole."""
    indexed: dict[str, list[str]] = {}
    for page in pages:
        path = path_of(page)
        if page.post is not None and page.lang and not page.noindex and path.endswith(".html"):
            indexed.setdefault(page.lang, []).append(path)
    plan = plan_shards(indexed, tree.keys, installed_versions(("pagefind-bin-extended",))["pagefind-bin-extended"])
    recorded = recorded_shards(manifest.files if manifest is not None else (), plan)
    kept = {s.name for shards in plan.values() for s in shards
            if recorded.get(s.name) and all(manifest.page_intact(rel, s.key, out) for rel in recorded[s.name])}
    todo = {s.name: {p: tree.files[p] if p in tree.files else (out / p).read_bytes() for p in s.pages}
            for shards in plan.values() for s in shards if s.name not in kept and s.key not in cache.bundles}
    current = {s.key for shards in plan.values() for s in shards}
    for key in set(cache.bundles) - current:   # serve holds the shards of its last build only
        del cache.bundles[key]
    later = {lang for lang, _ in todo if defer and lang in cache.indexes}

    def make(langs: set[str]) -> list[Problem]:
        bundles, failures = index_shards({name: files for name, files in todo.items() if name[0] in langs}, jobs)
        keys = {s.name: s.key for shards in plan.values() for s in shards}
        cache.bundles.update((keys[name], files) for name, files in bundles.items())
        return [(warning if soft else error)("the search index", None, message) for soft, message in failures]

    problems += make(set(plan) - later)
    for lang, shards in plan.items():
        files = cache.indexes[lang] if lang in later else language_index(shards, cache.bundles, kept)
        keys = {} if lang in later else {s.number: s.key for s in shards}
        problems += [p for s in shards if s.name in kept for p in (tree.keep(rel, "the search index", s.key)
                                                                    for rel in recorded[s.name]) if p]
        problems += [p for p in (tree.add(rel, data, "the search index", keys.get(shard_of_file(rel, lang), ""))
                                 for rel, data in files.items()) if p]
        if defer:
            cache.indexes[lang] = files   # the index served, until a deferred update replaces it

    def update() -> tuple[list[str], dict[str, bytes], list[Problem]]:
        failures = make(later)
        for lang in later:
            cache.indexes[lang] = language_index(plan[lang], cache.bundles, set())
        return [f"{lang}/pagefind/" for lang in sorted(later)], {
            rel: data for lang in sorted(later) for rel, data in cache.indexes[lang].items()}, failures
    return update if later else None


def theme_key(root: Path, config: SiteConfig, strings: dict, site) -> str:
    """Everything every page depends on besides its own record: templates, UI strings, configuration."""
    templates = sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in (root / "templates").rglob("*") if p.is_file())
    return digest(repr((templates, sorted((lang, sorted(s.table.items())) for lang, s in strings.items()), config, site)))


def read_posts(root: Path, inputs: dict[str, bytes], config: SiteConfig, options: BuildOptions, now: datetime,
               problems: list[Problem]) -> tuple[list[Post], list[Post], datetime | None]:
    """Visible posts, the others (drafts, future posts: translations may still be made from them),
    and when the next future-dated one comes due (the build's output changes then)."""
    sources, found = discover(root, config.languages, inputs)
    problems += found
    memo = PersistentMemo(root / ".cache" / "front-matter.pickle", YAML_VERSION, FRONT_MATTER)
    posts, hidden, due = [], [], []
    for source in sources:
        post, post_problems = parse_remembered(source)
        problems += post_problems
        if post is not None and is_visible(post, now, options.drafts, options.future):
            posts.append(post)
        elif post is not None:
            hidden.append(post)
            if post.is_post and post.date and post.date > now:
                due.append(post.date)
    if memo.grew:
        current = {split_front_matter(s.text)[0] for s in sources}
        memo.save(keep=current.__contains__)   # the file stays the size of the site
    return posts, hidden, min(due, default=None)


def check_translation_drift(root: Path, posts: list[Post], urls: dict[str, str], config: SiteConfig,
                            store: RevisionStore, digests: dict[str, str] | None = None) -> TranslationReport:
    """Drift and parity of every translation (drafts too), past revisions from `store` or git. The
    revisions and comparisons are memoized in .cache by the digests of the posts' files (`digests`,
    when the build took them), so a rebuild redoes only the posts edited."""
    from .site import CHECKED, check_translations, checks_version, link_targets

    memo = PersistentMemo(root / ".cache" / "translations.pickle", checks_version(), CHECKED.table)
    CHECKED.used.clear()
    everywhere = {**{p.path: url_of(p, config) for p in posts if p.path not in urls}, **urls}
    report = check_translations(posts, config.languages, config.default_language,
                                link_targets(posts, everywhere, config.url, config.baseurl, config.languages),
                                store.lookup, parity=config.translations.parity, digests=digests or {})
    if memo.grew:   # the file keeps what this build used: the size of the site
        memo.save(keep=CHECKED.used.__contains__)
    return report


def claim_problems(pages: list, permalink_lines: dict[str, int | None], path_of: Callable[[Any], str]) -> list[Problem]:
    """Every page's output path checked where the author can fix it (at a post's `permalink:`
    line): a path that would leave the output folder or is not normalized, and every path two
    pages claim. The output tree checks again whatever reaches it (output.path_problem)."""
    claimed: dict[str, str] = {}
    found = []
    for page in pages:
        origin = page.source or f"the {page.template} page"
        rel = path_of(page)
        reason = path_problem(rel)
        if reason:
            found.append(error(origin, permalink_lines.get(origin), f"URL {page.url}: its output path {reason}"))
            continue
        first = claimed.setdefault(rel, origin)
        if first != origin:   # at the author's file (the later one when both are), naming the other
            sourced = sorted(o for o in (first, origin) if o in permalink_lines)
            at = sourced[-1] if sourced else origin
            other = first if at == origin else origin
            found.append(error(at, permalink_lines.get(at), f"URL {page.url} is also claimed by {other}"))
    return found


def missing_translations(groups: dict[str, dict[str, Post]], config: SiteConfig) -> list[Problem]:
    return [warning(post.path, None, f"no translation in `{lang}` (the switcher links to the {lang} home)")
            for group in groups.values() for post in group.values() for lang in config.languages if lang not in group]


def apply_liquid(post: Post, url: str, table: Callable[[], LinkTable], config: SiteConfig, problems: list[Problem]) -> str:
    if "{%" not in post.body and "{{" not in post.body:
        return post.body
    ctx = liquid_context(post, url, config, table(), lambda text: render(text, post.lang).html)
    text, liquid_problems = render_liquid(post.body, ctx, post.path, post.body_line)
    problems += liquid_problems
    return text


def read_samples(inputs: dict[str, bytes], problems: list[Problem]) -> dict[str, str]:
    """The text of every Python sample, by path under code_samples/ (the recorded outputs aside)."""
    samples = {}
    for rel, data in inputs.items():
        name = rel.removeprefix("code_samples/")
        if name != rel and name.endswith(".py") and "expected" not in name.split("/"):
            text, problem = decode_text(rel, data)
            if problem is not None:
                problems.append(problem)
            else:
                samples[name] = text
    return samples


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


def write_expected(execution: ExecutionReport, root: Path) -> list[Problem]:
    """Record new (or --accept'ed) outputs next to the samples, once the build succeeded: they are
    the author's to commit. Returns a warning for each file that could not be written."""
    problems = []
    for path, text in execution.expected_writes.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            problems.append(warning(path.relative_to(root).as_posix(), None,
                                    f"cannot record the expected output: {exc.strerror or exc}"))
    return problems


def math_fonts(root: Path, inputs: dict[str, bytes], characters: str, problems: list[Problem]) -> dict[str, bytes]:
    """The math fonts of static/ cut to the characters of the site's formulas (output/fonts.py),
    remembered in .cache: cut again only when that set of characters (or a font) changes."""
    memo = PersistentMemo(root / ".cache" / "math-fonts.pickle", cuts_version(), CUTS.table)
    CUTS.used.clear()
    cut, failures = cut_math_fonts({path: data for path, data in inputs.items() if path.startswith("static/")}, characters)
    problems += [warning(path, None, message) for path, message in failures]
    if memo.grew:
        memo.save(keep=CUTS.used.__contains__)   # the file keeps only the cuts of this site as it is
    return cut


def add_static(inputs: dict[str, bytes], tree: OutputTree, problems: list[Problem],
               replaced: dict[str, bytes] | None = None) -> None:
    """static/ as read with the other inputs (so checked like them), hidden files aside; `replaced`:
    the bytes to write instead of some of them (source path → bytes)."""
    for source, data in inputs.items():
        rel = source.removeprefix("static/")
        if rel != source and not any(part.startswith(".") for part in rel.split("/")):
            claim = tree.add(rel, (replaced or {}).get(source, data), source)
            if claim:
                problems.append(claim)
