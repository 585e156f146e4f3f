"""Run sessions of code blocks in Jupyter kernels and capture what they produce.

One kernel process per session (jupyter_client + ipykernel), blocks run in order and
share state; sessions run in parallel threads. The generator never imports torch: the
kernel does. Kernels live in a context manager, so none outlives the build, whatever
happens (timeouts, crashes, Ctrl-C).
"""
from __future__ import annotations

import os
import queue
import re
import tempfile
import time
import threading
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PRELUDE_VERSION = 2


@dataclass(frozen=True)
class Output:
    kind: str        # "stdout", "stderr", "result", "error", "figure"
    text: str        # text, or SVG/PNG(base64) for figures
    mime: str = "text/plain"


@dataclass(frozen=True)
class BlockResult:
    outputs: tuple[Output, ...]
    seconds: float
    status: str = "ok"          # ok | error | timeout | died | skipped
    truncated: int = 0          # characters dropped from the captured output


@dataclass(frozen=True)
class SessionPlan:
    id: str                          # "<translation key>/<session>"
    codes: tuple[str, ...]
    timeouts: tuple[float, ...]
    cwd: str
    labels: tuple[str, ...] = ()     # shown as file names in tracebacks and warnings
    uses_torch: bool = False
    uses_matplotlib: bool = False


@dataclass(frozen=True)
class SessionRun:
    plan: SessionPlan
    results: tuple[BlockResult, ...]
    seconds: float
    kernel_started: bool = True
    log: tuple[str, ...] = field(default_factory=tuple)


def prelude(plan: SessionPlan) -> str:
    """Determinism for every session (documented in the README)."""
    lines = [
        "import os, random, sys",
        "random.seed(0)",
        "try:\n    import numpy as _np\n    _np.random.seed(0)\n    _np.set_printoptions(precision=4, suppress=True, linewidth=100)\nexcept ImportError:\n    pass",
    ]
    if plan.uses_torch:
        lines += ["import torch as _torch", "_torch.manual_seed(0)", "_torch.use_deterministic_algorithms(True)",
                  "_torch.set_num_threads(1)", "_torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)"]
    if plan.uses_matplotlib:
        lines += [
            "import matplotlib as _mpl",
            "_mpl.rcParams.update({'svg.hashsalt': 'sitegen', 'svg.fonttype': 'none', 'figure.dpi': 100, 'font.size': 11})",
            "get_ipython().run_line_magic('config', \"InlineBackend.figure_formats = ['svg']\")",
            "get_ipython().run_line_magic('config', \"InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Date': None}}\")",
        ]
    # name each block's code after its source, so tracebacks and warnings say where it comes from
    names = {code: f"<{label}>" for code, label in zip(plan.codes, plan.labels)}
    lines += [
        f"_sitegen_names = {names!r}",
        "_sitegen_compile = get_ipython().compile",
        "_sitegen_default_name = _sitegen_compile.get_code_name",
        "_sitegen_compile.get_code_name = lambda raw, transformed, number: "
        "_sitegen_names.get(raw) or _sitegen_default_name(raw, transformed, number)",
        "del os, random, sys",
    ]
    return "\n".join(lines)


def kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "PYDEVD"))}
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="module://matplotlib_inline.backend_inline", TQDM_DISABLE="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


class Kernels:
    """The kernels of one `run_sessions` call, so that an interrupt stops them all at once."""

    def __init__(self):
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._active: set = set()

    def add(self, km) -> None:
        with self._lock:
            self._active.add(km)

    def discard(self, km) -> None:
        with self._lock:
            self._active.discard(km)

    def stop_all(self) -> None:
        self.stopping.set()
        with self._lock:
            active = list(self._active)
        for km in active:
            with suppress(Exception):
                km.shutdown_kernel(now=True)


@contextmanager
def kernel(cwd: str, kernels: Kernels) -> Iterator:
    from jupyter_client.manager import KernelManager  # heavy import: only when something must run

    # IPC sockets in a private folder: no TCP port, and no unencrypted-TCP warning from the kernel
    with tempfile.TemporaryDirectory(prefix="sitegen-kernel-") as sockets:
        if kernels.stopping.is_set():
            raise RuntimeError("interrupted before the kernel started")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"),
                           connection_file=os.path.join(sockets, "kernel.json"))
        km.start_kernel(cwd=cwd, env=kernel_env(), extra_arguments=["--HistoryManager.enabled=False"])
        kernels.add(km)
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            yield km, client
        finally:
            kernels.discard(km)
            client.stop_channels()
            with suppress(Exception):   # it may already be gone (crashed, or stopped by stop_all)
                km.shutdown_kernel(now=True)
            km.cleanup_resources()


def _run(km, client, code: str, timeout: float, limit: int) -> BlockResult:
    """Execute one block; collect its iopub messages until the kernel is idle again."""
    start = time.monotonic()
    msg_id = client.execute(code, store_history=True, allow_stdin=False, stop_on_error=True)
    outputs: list[Output] = []
    kept = truncated = 0
    status = "ok"

    def keep(kind: str, text: str, mime: str = "text/plain") -> None:
        nonlocal kept, truncated
        if kind in ("stdout", "stderr", "result") and kept + len(text) > limit:
            truncated += len(text) - max(0, limit - kept)
            text = text[:max(0, limit - kept)]
            if not text:
                return
        kept += len(text) if kind != "figure" else 0
        if outputs and outputs[-1].kind == kind and kind in ("stdout", "stderr"):
            outputs[-1] = Output(kind, outputs[-1].text + text)
        else:
            outputs.append(Output(kind, text, mime))

    while True:
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0:
            return BlockResult(tuple(outputs), time.monotonic() - start, "timeout", truncated)
        try:
            msg = client.get_iopub_msg(timeout=min(0.2, remaining))
        except queue.Empty:
            if not km.is_alive():
                return BlockResult(tuple(outputs), time.monotonic() - start, "died", truncated)
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            keep(content["name"], content["text"])
        elif kind in ("execute_result", "display_data"):
            data = content.get("data", {})
            if "image/svg+xml" in data:
                keep("figure", data["image/svg+xml"], "image/svg+xml")
            elif "image/png" in data:
                keep("figure", data["image/png"], "image/png")
            elif "text/plain" in data and kind == "execute_result":
                keep("result", data["text/plain"] + "\n")
        elif kind == "error":
            status = "error"
            trace = ANSI.sub("", "\n".join(content.get("traceback", [])))
            keep("error", trace or f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            return BlockResult(tuple(outputs), time.monotonic() - start, status, truncated)


def _name_cells(result: BlockResult, labels: tuple[str, ...]) -> BlockResult:
    """IPython calls block k "Cell In[k+1]" (the prelude is cell 1): say which block it is instead."""
    if result.status != "error":
        return result

    def label(m: re.Match) -> str:
        k = int(m.group(1)) - 2
        return labels[k] if 0 <= k < len(labels) else m.group(0)

    outputs = tuple(Output(o.kind, re.sub(r"^-{20,}\n", "", re.sub(r"Cell In\[(\d+)\]", label, o.text)), o.mime)
                    if o.kind == "error" else o for o in result.outputs)
    return BlockResult(outputs, result.seconds, result.status, result.truncated)


def run_session(plan: SessionPlan, limit: int, kernels: Kernels | None = None) -> SessionRun:
    """Run one session's blocks in order in a fresh kernel; stop at the first failure."""
    start = time.monotonic()
    results: list[BlockResult] = []
    kernels = kernels or Kernels()
    try:
        with kernel(plan.cwd, kernels) as (km, client):
            setup = _run(km, client, prelude(plan), 120, limit)
            if setup.status != "ok":
                message = "".join(o.text for o in setup.outputs)
                raise RuntimeError(f"the session's set-up failed: {message[-2000:]}")
            for code, timeout in zip(plan.codes, plan.timeouts):
                if kernels.stopping.is_set() or (results and results[-1].status != "ok"):
                    results.append(BlockResult((), 0.0, "skipped"))
                    continue
                results.append(_name_cells(_run(km, client, code, timeout, limit), plan.labels))
    except RuntimeError as exc:
        failed = BlockResult((Output("error", str(exc)),), 0.0, "died")
        results += [failed] + [BlockResult((), 0.0, "skipped")] * (len(plan.codes) - len(results) - 1)
    return SessionRun(plan, tuple(results), time.monotonic() - start)


def run_sessions(plans: list[SessionPlan], jobs: int, limit: int,
                 on_done: Callable[[SessionRun], None] = lambda run: None) -> list[SessionRun]:
    """Run sessions in parallel (`jobs` kernels at a time), in plan order of results."""
    if not plans:
        return []
    from concurrent.futures import ThreadPoolExecutor  # imports logging: only when something runs

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(plans)))
    kernels = Kernels()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="kernel")
    try:
        futures = [pool.submit(run_session, plan, limit, kernels) for plan in plans]
        runs = []
        for future in futures:
            while True:   # short waits: a Ctrl-C is seen at once, not when the session ends
                try:
                    run = future.result(timeout=0.25)
                    break
                except TimeoutError:
                    continue
            on_done(run)
            runs.append(run)
    except BaseException:   # Ctrl-C included: no kernel outlives the build
        kernels.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return runs


def sample_dir(root: Path) -> str:
    """Where kernels start: code_samples/, so samples import their neighbours (the project without one)."""
    folder = root / "code_samples"
    return str((folder if folder.is_dir() else root).resolve())
