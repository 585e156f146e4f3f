"""Execution stage of the repository's own site: cold (no cache) vs cached, and what a kernel costs.

    python benchmarks/execution.py [--runs 3]

Builds a copy of the project in memory (nothing written) with an empty execution cache, then
again with the cache, timing the `execute` stage; then times a bare kernel (start, `1+1`,
shutdown) and a kernel importing torch. Medians of --runs.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.build import BuildOptions, build  # noqa: E402
from sitegen.execution.kernels import SessionPlan, run_sessions  # noqa: E402


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in ("site.yaml", "content", "templates", "static", "i18n", "code_samples"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, dest / part)
    return dest


def stage(report, name: str) -> float:
    return dict(report.stages)[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, cached, kernels = [], [], 0
    with tempfile.TemporaryDirectory(prefix="sitegen-exec-") as tmp:
        root = copy_project(Path(tmp) / "site")
        for _ in range(args.runs):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            report = build(root, BuildOptions(write=False))
            cold.append(stage(report, "execute"))
            kernels = report.execution.kernels
            cached.append(stage(build(root, BuildOptions(write=False)), "execute"))
        bare, torch = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            run_sessions([SessionPlan("bare", ("1 + 1",), (60,), tmp)], 1, 1000)
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_sessions([SessionPlan("torch", ("import torch",), (60,), tmp, uses_torch=True)], 1, 1000)
            torch.append(time.perf_counter() - start)
    c, w = statistics.median(cold), statistics.median(cached)
    print(f"execute stage, {kernels} sessions: cold {c:.2f}s, cached {w * 1000:.1f}ms ({c / w:.0f}× faster)")
    print(f"one kernel: start + 1+1 + stop {statistics.median(bare):.2f}s; with the torch prelude {statistics.median(torch):.2f}s")


if __name__ == "__main__":
    main()
