"""Run sessions of code blocks in Jupyter kernels and capture what they produce.

One kernel process per session (jupyter_client + ipykernel), blocks run in order and
share state; sessions run in parallel threads. The generator never imports torch: the
kernel does. Kernels live in a context manager, so none outlives the build, whatever
happens (timeouts, crashes, Ctrl-C, SIGTERM), and neither does any process they started
(reaper.py, which also covers a build killed by SIGKILL). A kernel gets a minimal environment
(`kernel_env`), and its output is captured at the file-descriptor level (inkernel.py).
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

from .reaper import VARIABLE, Guard, folder_name, kill_carriers, new_token, remove_folder, remove_stale

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# control characters that are neither text layout nor valid in a page: shown as \xNN
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PRELUDE_VERSION = 3
INKERNEL = Path(__file__).with_name("inkernel.py")


OUTPUT_KINDS = ("stdout", "stderr", "result", "error", "figure")


@dataclass(frozen=True)
class Output:
    kind: str        # one of OUTPUT_KINDS
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
    env: tuple[str, ...] = ()        # names of the build's environment variables the kernel also gets


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
        # first, so that whatever the prelude prints is captured too
        f"_sitegen = {{}}\nexec(compile({INKERNEL.read_text(encoding='utf-8')!r}, '<sitegen>', 'exec'), _sitegen)",
        "_sitegen['setup'](get_ipython())\ndel _sitegen",
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


# The kernel's whole environment (README, "Determinism"): nothing else of the build's reaches it,
# so a secret in an environment variable cannot end up in a page unless site.yaml lists it.
PASSED = ("PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH")   # when the build has them
FIXED = {"LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
         "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline", "TQDM_DISABLE": "1",
         "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def kernel_env(names: tuple[str, ...], token: str, private: str) -> dict[str, str]:
    """PASSED and the names site.yaml lists (`execution.env`) from the build's environment, FIXED,
    IPython's and Jupyter's configuration folders in the kernel's private folder (no user profile
    or startup file runs), and the token that finds the kernel's descendants (reaper.py)."""
    env = {name: os.environ[name] for name in PASSED if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(FIXED)
    env.update({name: os.environ[name] for name in names if name in os.environ})
    env.update(IPYTHONDIR=os.path.join(private, "ipython"), JUPYTER_CONFIG_DIR=os.path.join(private, "jupyter"))
    env[VARIABLE] = token
    return env


def printable(text: str) -> str:
    """Output as a page can show it: terminal colour codes dropped, other control characters and
    lone surrogates escaped (`\\x00`, `\\ud800`)."""
    text = ANSI.sub("", text)
    if CONTROL.search(text):
        text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class Kernels:
    """The kernels of one `run_sessions` call, so that an interrupt stops them all at once, and
    the guard that cleans up after them if the build is killed (reaper.py)."""

    def __init__(self):
        self.stopping = threading.Event()
        self.guard = Guard()
        self._lock = threading.Lock()
        self._active: dict = {}      # kernel manager → token

    def add(self, km, token: str) -> None:
        with self._lock:
            self._active[km] = token

    def discard(self, km) -> None:
        with self._lock:
            self._active.pop(km, None)

    def stop_all(self) -> None:
        self.stopping.set()
        with self._lock:
            active = list(self._active.items())
        for km, _ in active:
            with suppress(Exception):
                km.shutdown_kernel(now=True)
        kill_carriers({token for _, token in active})


@contextmanager
def kernel(plan: SessionPlan, kernels: Kernels) -> Iterator:
    from jupyter_client.manager import KernelManager  # heavy import: only when something must run

    if kernels.stopping.is_set():
        raise RuntimeError("interrupted before the kernel started")
    token = new_token()
    remove_stale(tempfile.gettempdir())
    # IPC sockets in a private folder: no TCP port, and no unencrypted-TCP warning from the kernel
    with private_folder(token) as private:
        kernels.guard.watch(token, private)
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(private, "k"),
                           connection_file=os.path.join(private, "kernel.json"))
        client = None
        # what the kernel itself prints (not its blocks' output) goes to a file, not the build's terminal
        with open(os.path.join(private, "kernel.log"), "wb") as log:
            try:
                kernels.add(km, token)
                km.start_kernel(cwd=plan.cwd, env=kernel_env(plan.env, token, private), stdout=log, stderr=log,
                                extra_arguments=["--HistoryManager.enabled=False", "--IPKernelApp.capture_fd_output=False"])
                client = km.client()
                client.start_channels()
                if kernels.stopping.is_set():
                    raise RuntimeError("interrupted while the kernel started")
                try:
                    client.wait_for_ready(timeout=60)
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}{_tail(log.name)}") from None
                yield km, client
            finally:
                kernels.discard(km)
                if client is not None:
                    client.stop_channels()
                with suppress(Exception):   # it may already be gone (crashed, or stopped by stop_all)
                    km.shutdown_kernel(now=True)
                kill_carriers({token})      # whatever it started, detached or not
                km.cleanup_resources()


@contextmanager
def private_folder(token: str) -> Iterator[str]:
    path = os.path.join(tempfile.gettempdir(), folder_name(token))
    if len(path) > 95:
        raise RuntimeError(f"the temporary folder {tempfile.gettempdir()} has too long a path for the kernel's "
                           f"sockets (at most 107 bytes); set TMPDIR to a shorter one")
    os.mkdir(path, 0o700)
    try:
        yield path
    finally:
        remove_folder(path)


def _tail(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            text = handle.read()[-2000:].decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f"; the kernel said:\n{text}" if text else ""


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
            keep(content["name"], printable(content["text"]))
        elif kind in ("execute_result", "display_data"):
            data = content.get("data", {})
            if "image/svg+xml" in data:
                keep("figure", data["image/svg+xml"], "image/svg+xml")
            elif "image/png" in data:
                keep("figure", data["image/png"], "image/png")
            elif "text/plain" in data and kind == "execute_result":
                keep("result", printable(data["text/plain"]) + "\n")
        elif kind == "error":
            status = "error"
            trace = "\n".join(content.get("traceback", [])) or f"{content['ename']}: {content['evalue']}"
            keep("error", printable(trace))
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
    if kernels is None:
        kernels = Kernels()
        try:
            return run_session(plan, limit, kernels)
        finally:
            kernels.guard.close()
    start = time.monotonic()
    results: list[BlockResult] = []
    try:
        with kernel(plan, kernels) as (km, client):
            setup = _run(km, client, prelude(plan), 120, limit)
            if setup.status != "ok":
                message = "".join(o.text for o in setup.outputs)
                raise RuntimeError(f"the session's set-up failed: {message[-2000:]}")
            for code, timeout in zip(plan.codes, plan.timeouts):
                if kernels.stopping.is_set() or (results and results[-1].status != "ok"):
                    results.append(BlockResult((), 0.0, "skipped"))
                    continue
                results.append(_name_cells(_run(km, client, code, timeout, limit), plan.labels))
    except Exception as exc:   # the kernel could not start, or its messages stopped: this session fails, not the build
        message = str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"
        failed = BlockResult((Output("error", message),), 0.0, "died")
        results += [failed] + [BlockResult((), 0.0, "skipped")] * (len(plan.codes) - len(results) - 1)
    return SessionRun(plan, tuple(results), time.monotonic() - start)


def run_sessions(plans: list[SessionPlan], jobs: int, limit: int,
                 on_done: Callable[[SessionRun], None] = lambda run: None) -> list[SessionRun]:
    """Run sessions in parallel (`jobs` kernels at a time); results in plan order. `on_done` sees
    each run as soon as it ends, so what finished before an interrupt can still be kept."""
    if not plans:
        return []
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait  # imports logging: only when something runs

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(plans)))
    kernels = Kernels()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="kernel")
    runs: list[SessionRun | None] = [None] * len(plans)
    try:
        futures = {pool.submit(run_session, plan, limit, kernels): i for i, plan in enumerate(plans)}
        pending = set(futures)
        while pending:   # short waits: a Ctrl-C is seen at once, not when a session ends
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.__getitem__):
                runs[futures[future]] = run = future.result()
                on_done(run)
        pool.shutdown(wait=True)
    except BaseException:   # Ctrl-C and SIGTERM included: no kernel outlives the build
        kernels.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        kernels.guard.close()
    return runs


def sample_dir(root: Path) -> str:
    """Where kernels start: code_samples/, so samples import their neighbours (the project without one)."""
    folder = root / "code_samples"
    return str((folder if folder.is_dir() else root).resolve())
