"""No process a kernel starts outlives its session, however it detached and however the session or
the build ended (normal end, error, timeout, Ctrl-C, SIGTERM, SIGKILL); no temporary folder is left."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from sites import ROOT
from sitegen.build import BuildOptions, build
from sitegen.errors import SiteError

pytestmark = pytest.mark.kernel

# Starts three processes that leave the kernel's process group and session, then notes every pid
# (the kernel's too) in `folder`: Popen(start_new_session=True), fork + setsid, and a double fork
# whose grandchild is orphaned at once.
SPAWN = """\
import os, subprocess, time
folder = {folder!r}
def note(name, pid=None):
    with open(os.path.join(folder, name + ".tmp"), "w") as f:
        f.write(str(pid or os.getpid()))
    os.rename(os.path.join(folder, name + ".tmp"), os.path.join(folder, name))
note("kernel")
note("popen", subprocess.Popen(["sleep", "600"], start_new_session=True).pid)
if os.fork() == 0:
    os.setsid(); note("setsid"); time.sleep(600); os._exit(0)
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        note("grandchild"); time.sleep(600)
    os._exit(0)
os.waitpid(child, 0)
while len([n for n in os.listdir(folder) if not n.endswith(".tmp")]) < 4:
    time.sleep(0.05)
"""
ENDINGS = {
    "normal": ("", "print('spawned')"),
    "error": ("", "raise RuntimeError('after spawning')"),
    "timeout": ("timeout=3", "time.sleep(600)"),
}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def pids(folder: Path) -> dict[str, int]:
    return {p.name: int(p.read_text()) for p in folder.iterdir() if p.name != "ready" and not p.name.endswith(".tmp")}


def survivors(folders: list[Path], wait: float = 10.0) -> list[str]:
    """Noted processes still alive after `wait` seconds (a SIGKILL takes effect in its own time)."""
    deadline = time.monotonic() + wait
    while True:
        left = [f"{folder.name}/{name} ({pid})" for folder in folders for name, pid in pids(folder).items() if alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def kill_noted(folders: list[Path]) -> None:
    """A failing test must not leave its sleepers behind."""
    for folder in folders:
        for pid in pids(folder).values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def spawning_post(site: Path, name: str, folder: Path, options: str, ending: str) -> None:
    folder.mkdir()
    code = SPAWN.format(folder=str(folder)) + ending
    path = site / "content/posts/en" / f"2021-05-01-{name}.md"
    path.write_text(f"---\ntitle: {name}\n---\n```python exec {options}\n{code}\n```\n", encoding="utf-8")


@pytest.fixture
def site(site_factory):
    return site_factory("exec")


def test_detached_processes_die_with_their_session(site, tmp_path):
    folders = [tmp_path / name for name in ENDINGS]
    try:
        for folder, (name, (options, ending)) in zip(folders, ENDINGS.items()):
            spawning_post(site, name, folder, options, ending)
        with pytest.raises(SiteError) as caught:
            build(site, BuildOptions(jobs=2))
        messages = [p.message for p in caught.value.problems if not p.warning]
        assert any("after spawning" in m for m in messages) and any("timed out after 3 s" in m for m in messages)
        assert all(len(pids(folder)) == 4 for folder in folders)
        assert survivors(folders) == []
    finally:
        kill_noted(folders)


def kernels_of(pid: int) -> list[int]:
    """Kernels started by process `pid`, found without the build's own bookkeeping: jupyter_client
    tells each kernel its parent in JPY_PARENT_PID."""
    found = []
    wanted = f"JPY_PARENT_PID={pid}".encode()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and wanted in (entry / "environ").read_bytes().split(b"\0") and alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def carrying(marker: str) -> list[int]:
    """Processes of this test's build (the build and its guard) by a variable only they carry."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes() and alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_signal_to_the_build_leaves_nothing_behind(site, tmp_path, signum):
    """A real `python site.py build`, signalled while its kernel runs code that detached processes."""
    folder = tmp_path / "pids"
    temp = Path(tempfile.mkdtemp(prefix="sg-", dir="/tmp"))   # short: sockets live there
    marker = f"SITEGEN_TEST_RUN={uuid.uuid4().hex}"
    spawning_post(site, "signalled", folder, "timeout=600",
                  f"open(os.path.join(folder, 'ready'), 'w').close()\ntime.sleep(600)")
    env = dict(os.environ, TMPDIR=str(temp), **dict([marker.split("=")]))
    build_process = subprocess.Popen([sys.executable, str(ROOT / "site.py"), "--root", str(site), "build"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while not (folder / "ready").exists():
            assert build_process.poll() is None, build_process.communicate()
            assert time.monotonic() < deadline, "the block never started"
            time.sleep(0.1)
        kernels = kernels_of(build_process.pid)
        assert pids(folder)["kernel"] in kernels
        build_process.send_signal(signum)
        out, err = build_process.communicate(timeout=60)
        if signum != signal.SIGKILL:
            assert build_process.returncode == 130, err
            assert "Interrupted; the previous output was left as it was." in err.decode()
            assert "Traceback" not in err.decode()
        assert survivors([folder]) == []
        deadline = time.monotonic() + 10
        while (carrying(marker) or [k for k in kernels if alive(k)] or list(temp.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert carrying(marker) == [] and [k for k in kernels if alive(k)] == []
        assert [p.name for p in temp.iterdir()] == []
    finally:
        if build_process.poll() is None:
            build_process.kill()
        kill_noted([folder])
        shutil.rmtree(temp, ignore_errors=True)
