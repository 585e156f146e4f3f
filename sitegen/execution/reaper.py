"""No process started by a kernel outlives its session, even one that detached.

Each kernel's environment carries a token (`SITEGEN_SESSION`) that its descendants inherit
however they leave the kernel's process group (`setsid`, a double fork,
`start_new_session=True`). When a session ends, every process whose environment holds the
token is stopped (so it forks no more), the search is repeated until it finds nothing new, and
all are killed. This needs /proc, not cgroups; a process that removes the variable from its own
environment before detaching escapes it.

If the build dies without cleaning up (SIGKILL), a guard does it: a small process in its own
session, started with the first kernel of a run and told each kernel's token and temporary
folder on a pipe. When the pipe closes — the build ended, however it ended — it kills what
still carries those tokens and removes those folders. The guard is this file run as a script.
A folder left anyway (the guard was killed too) names its build's process and its token: the
next run that starts a kernel removes it, and kills what carries its token, once that build is gone.

Only the standard library here: the guard runs it with `python -I -S`.
"""
from __future__ import annotations

import os
import signal
import sys

VARIABLE = "SITEGEN_SESSION"
PREFIX = "sitegen-kernel-"


def new_token() -> str:
    return os.urandom(6).hex()


def folder_name(token: str) -> str:
    """A kernel's temporary folder: this process, then the token (short: it holds the kernel's
    sockets, and a socket's path may not exceed 107 bytes)."""
    return f"{PREFIX}{os.getpid()}-{token}"


def carriers(tokens: set[str]) -> set[int]:
    """Processes whose environment holds one of the tokens (others' environments are unreadable)."""
    wanted = {f"{VARIABLE}={token}".encode() for token in tokens}
    found: set[int] = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                environ = handle.read()
        except OSError:
            continue
        if b"SITEGEN_SESSION=" in environ and not wanted.isdisjoint(environ.split(b"\0")):
            found.add(int(name))
    found.discard(os.getpid())
    return found


def kill_carriers(tokens: set[str], rounds: int = 100) -> int:
    """Stop every carrier, look again until no new one shows up (one may have forked meanwhile:
    a pending stop also stops a fork), then kill them all. Returns how many were killed."""
    stopped: set[int] = set()
    for _ in range(rounds):
        new = carriers(tokens) - stopped
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        stopped |= new
    for pid in stopped:
        _signal(pid, signal.SIGKILL)
    return len(stopped)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except OSError:   # gone already, or not ours
        pass


def remove_folder(path: str) -> None:
    """Remove a kernel's temporary folder, and nothing else."""
    import shutil

    if os.path.isabs(path) and os.path.basename(path).startswith(PREFIX):
        shutil.rmtree(path, ignore_errors=True)


def remove_stale(tmp: str) -> None:
    """Folders left by builds that are gone (see the module's docstring), and their processes."""
    try:
        names = os.listdir(tmp)
    except OSError:
        return
    for name in names:
        pid, _, token = name[len(PREFIX):].partition("-")
        if not (name.startswith(PREFIX) and pid.isdigit() and len(token) == 12):
            continue
        try:
            os.kill(int(pid), 0)
            continue                  # its build is still running
        except PermissionError:
            continue                  # another user's
        except OSError:
            pass
        kill_carriers({token})
        remove_folder(os.path.join(tmp, name))


class Guard:
    """The guard process of one run (see the module's docstring); started by the first `watch`."""

    def __init__(self):
        import threading

        self._lock = threading.Lock()
        self._process = None

    def watch(self, token: str, folder: str) -> None:
        import subprocess

        line = f"{token}\t{folder}\n".encode()
        with self._lock:
            for _ in range(2):    # the guard may have been killed: start another once
                if self._process is None:
                    self._process = subprocess.Popen(
                        [sys.executable, "-I", "-S", os.path.abspath(__file__)], stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", start_new_session=True)
                try:
                    self._process.stdin.write(line)
                    self._process.stdin.flush()
                    return
                except OSError:
                    self._process = None

    def close(self) -> None:
        """The run is over and cleaned up: the guard checks once more and exits. Not waited for
        (its start-up would delay the build by a tenth of a second): a thread reaps it."""
        import threading

        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            try:
                process.stdin.close()
            except OSError:
                pass
            threading.Thread(target=process.wait, name="sitegen-guard", daemon=True).start()


def _guard() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tokens, folders = set(), set()
    for line in sys.stdin.buffer:
        token, _, folder = line.decode("utf-8", "replace").rstrip("\n").partition("\t")
        tokens.add(token)
        folders.add(folder)
    kill_carriers(tokens)
    for folder in folders:
        remove_folder(folder)


if __name__ == "__main__":
    _guard()
