"""From the blocks of posts to checked results: pair translations, plan sessions, consult the
cache, run what changed, compare with expected outputs.

A translated pair of posts runs its blocks once: block k of one language must be block k of
the other once comments are set aside. Blocks of a post share one kernel per `session` name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Problem, error, warning
from ..sources import Post, SiteConfig, slugify
from .blocks import Block, strip_comments
from .cache import ExecCache, Inputs, session_inputs
from .expected import Unreadable, diff, expected_path, matches, normalize, read_expected
from .kernels import BlockResult, SessionPlan, SessionRun, run_sessions, sample_dir

IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_]\w*)|import\s+([A-Za-z_]\w*))", re.M)


@dataclass(frozen=True)
class PostBlocks:
    post: Post
    text: str                    # body with a placeholder per block
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Checked:
    """One block after execution and comparison."""
    block: Block
    result: BlockResult
    status: str                  # passed | new | accepted | mismatch | failed | skipped
    cached: bool


@dataclass
class ExecutionReport:
    checked: dict[tuple[str, int], Checked] = field(default_factory=dict)   # (post path, block index)
    runs_for: dict[str, str] = field(default_factory=dict)   # post path → the translation whose blocks ran
    problems: list[Problem] = field(default_factory=list)
    expected_writes: dict[Path, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    kernels: int = 0


def local_files(codes: list[str], files: list[str], samples: dict[str, str]) -> dict[str, str]:
    """Sample files a session reads: embedded files and the local modules they import, transitively."""
    found: dict[str, str] = {}
    todo = list(files) + [f"{m[0] or m[1]}.py" for code in codes for m in IMPORT.findall(code)]
    while todo:
        name = todo.pop()
        if name in found or name not in samples:
            continue
        found[name] = samples[name]
        todo += [f"{m[0] or m[1]}.py" for m in IMPORT.findall(samples[name])]
    return found


def pair_translations(group: list[PostBlocks]) -> tuple[PostBlocks | None, list[Problem]]:
    """The version whose blocks run for the whole group, after checking the others match it."""
    with_blocks = [pb for pb in group if pb.blocks]
    if not with_blocks:
        return None, []
    ref, problems = with_blocks[0], []
    for other in group:
        if other is ref:
            continue
        if len(other.blocks) != len(ref.blocks):
            problems.append(error(other.post.path, None, f"{len(other.blocks)} executable blocks, but its translation "
                                                         f"{ref.post.path} has {len(ref.blocks)}: translations run the same code"))
            continue
        for mine, theirs in zip(other.blocks, ref.blocks):
            if strip_comments(mine.code) != strip_comments(theirs.code) or mine.options.session != theirs.options.session:
                problems.append(error(other.post.path, mine.line,
                                      f"block {mine.index} ({mine.label}) differs from block {theirs.index} of its "
                                      f"translation {theirs.path}:{theirs.line} (code must match once comments are set aside)"))
    return ref, problems


def plan(ref: PostBlocks, config: SiteConfig, samples: dict[str, str], data_digest: Callable[[str], str | None],
         problems: list[Problem]) -> list[tuple[SessionPlan, list[Block], dict[str, str]]]:
    """One kernel plan per session; `files` maps every input the session reads to its text or hash."""
    group = slugify(ref.post.translation_key) or "post"
    sessions: dict[str, list[Block]] = {}
    for block in ref.blocks:
        sessions.setdefault(block.options.session, []).append(block)
    plans = []
    for name, blocks in sessions.items():
        codes = [b.code for b in blocks]
        files = local_files(codes, [b.options.file for b in blocks if b.options.file], samples)
        everything = "\n".join(codes + list(files.values()))
        for block in blocks:
            for data in block.options.data:
                found = data_digest(data)
                if found is None:
                    problems.append(error(block.path, block.line, f"block {block.index}: data file "
                                                                  f"code_samples/{data} does not exist"))
                files[f"data {data}"] = found or "missing"
        plans.append((SessionPlan(
            id=f"{group}/{slugify(name) or 'main'}", codes=tuple(codes),
            timeouts=tuple(b.options.timeout or config.execution.timeout for b in blocks), cwd=sample_dir(config.root),
            labels=tuple(f"block {b.index} ({b.label})" for b in blocks),
            uses_torch=bool(re.search(r"\btorch\b", everything)),
            uses_matplotlib=bool(re.search(r"\bmatplotlib\b", everything)), env=config.execution.env,
        ), blocks, files))
    return plans


def _failure(block: Block, result: BlockResult, timeout: float) -> str | None:
    error_text = "\n".join(o.text for o in result.outputs if o.kind == "error").strip()
    if result.status == "timeout":
        return f"timed out after {timeout:g} s (kernel stopped); raise `timeout=` on the block or in site.yaml"
    if result.status == "died":
        return "the kernel died while running it (a crash such as a segfault or os._exit)" + (f": {error_text}" if error_text else "")
    if result.status == "error" and not block.options.expect_error:
        return f"raised an exception:\n{error_text}"
    if result.status == "ok" and block.options.expect_error:
        return "was expected to raise an error (expect_error) but ran without one"
    return None


def execute_all(config: SiteConfig, groups: list[list[PostBlocks]], samples: dict[str, str],
                data_digest: Callable[[str], str | None], *, jobs: int, use_cache: bool, accept: bool,
                progress=None) -> ExecutionReport:
    report = ExecutionReport()
    cache = ExecCache(config.root / ".cache" / "exec")
    todo: list[tuple[SessionPlan, list[Block], Inputs]] = []
    ready: list[tuple[SessionRun, list[Block]]] = []
    claimed: dict[str, Block] = {}
    for group in groups:
        ref, problems = pair_translations(group)
        report.problems += problems
        if ref is None or problems:
            continue
        report.runs_for.update({pb.post.path: ref.post.path for pb in group})
        for session, blocks, files in plan(ref, config, samples, data_digest, report.problems):
            first = claimed.setdefault(session.id, blocks[0])
            if first is not blocks[0]:   # they would share expected outputs and cache history
                report.problems.append(error(blocks[0].path, blocks[0].line, (
                    f"block {blocks[0].index}: its session is named {session.id}, like the session of "
                    f"{first.path}:{first.line}; give one of them another `session` or `translation_key`")))
                continue
            inputs = session_inputs(session, files)
            cached = cache.load(session, inputs) if use_cache else None
            if cached is not None:
                ready.append((cached, blocks))
                continue
            why = "forced (--rerun or check)" if not use_cache else ", ".join(inputs.changed_since(cache.previous_inputs(session.id)))
            report.log.append(f"run {session.id}: {why}")
            todo.append((session, blocks, inputs))

    by_id = {s.id: (blocks, inputs) for s, blocks, inputs in todo}

    def done(run: SessionRun) -> None:
        """As each session ends: a complete one is cached at once, so an interrupted build keeps it."""
        if all(r.status in ("ok", "error") for r in run.results):
            inputs = by_id[run.plan.id][1]
            cache.store(run, inputs)
            cache.remember({run.plan.id: inputs})
        if progress:
            progress(f"executed {run.plan.id} in {run.seconds:.1f}s")

    for run in run_sessions([s for s, _, _ in todo], jobs, config.execution.output_limit, done):
        report.kernels += 1
        ready.append((run, by_id[run.plan.id][0]))

    for run, blocks in ready:
        for block, result, timeout in zip(blocks, run.results, run.plan.timeouts):
            report.checked[(block.path, block.index)] = _check(block, result, run, timeout, config, accept, report)
    return report


def result_for(report: ExecutionReport, block: Block) -> Checked | None:
    return report.checked.get((report.runs_for.get(block.path, block.path), block.index))


def _check(block: Block, result: BlockResult, run: SessionRun, timeout: float, config: SiteConfig, accept: bool,
           report: ExecutionReport) -> Checked:
    cached = not run.kernel_started
    where = f"block {block.index} ({block.label})"
    if result.status == "skipped":
        return Checked(block, result, "skipped", cached)
    failure = _failure(block, result, timeout)
    if failure:
        report.problems.append(error(block.path, block.line, f"{where}: {failure}"))
        return Checked(block, result, "failed", cached)
    group, session = run.plan.id.split("/", 1)
    path = expected_path(config.root, group, session, block.name)
    actual = normalize(result)
    rel = path.relative_to(config.root)
    expected = read_expected(path)
    if expected is None:
        report.expected_writes[path] = actual
        report.problems.append(warning(block.path, block.line, f"{where}: new output, recorded in {rel} "
                                                               f"if the build succeeds (commit the file)"))
        return Checked(block, result, "new", cached)
    if isinstance(expected, Unreadable):
        if accept and not path.is_dir():
            report.expected_writes[path] = actual
            return Checked(block, result, "accepted", cached)
        report.problems.append(error(block.path, block.line, f"{where}: cannot read {rel} ({expected.why}); "
                                                             f"`build --accept` records the output again"))
        return Checked(block, result, "mismatch", cached)
    if matches(expected, actual, config.execution.tolerance):
        return Checked(block, result, "passed", cached)
    if accept:
        report.expected_writes[path] = actual
        return Checked(block, result, "accepted", cached)
    report.problems.append(error(block.path, block.line, f"{where}: output differs from {rel} "
                                                         f"(run `build --accept` if the change is intended):\n"
                                                         + diff(expected, actual, block.name)))
    return Checked(block, result, "mismatch", cached)
