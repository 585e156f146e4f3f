"""Runs inside each kernel, never in the build: its text is sent with the prelude (kernels.prelude).

What ipykernel does not do by itself:

- Output written at the file-descriptor level (`os.write(1, …)`, C extensions, child processes
  such as `subprocess.run(["echo", "x"])`) belongs to the block that wrote it, in the order it
  was written relative to `print`. File descriptors 1 and 2 become pipes that a thread reads and
  forwards to ipykernel's streams; `sys.stdout` and `sys.stderr` write into the same pipes, a
  line at a time as on a terminal, so one ordered byte stream carries everything. A flush (ipykernel flushes before each result, figure
  and error, and at the end of every block) writes a marker into the pipe and waits until the
  thread has forwarded everything written before it. The kernel's own log stays out of it.
- Text JSON cannot carry (a lone surrogate such as "\\ud800") is escaped, shown as `\\ud800`, and
  bytes that are not UTF-8 show as `\\xff`, instead of making ipykernel publish its own traceback.
"""
import codecs
import json
import logging
import os
import threading

MARK = b"\x00\x1b[sitegen flush]\x00"


def _json_surrogates(error):
    """Inside a JSON document a lone surrogate can only stand in a string: write it as the six
    characters \\udxxx (an escaped backslash, so the receiver does not decode it back)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join("\\\\u%04x" % ord(c) for c in error.object[error.start:error.end]), error.end


def escape_messages(session) -> None:
    """The kernel's messages packed as jupyter_client does, surrogates escaped instead of raising."""
    from jupyter_client.jsonutil import json_clean, json_default

    codecs.register_error("sitegen-json", _json_surrogates)

    def pack(obj):
        try:
            text = json.dumps(obj, default=json_default, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            text = json.dumps(json_clean(obj), default=json_default, ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8", "sitegen-json")

    session.pack = pack


class FdPipe:
    """File descriptor `fd` (1 or 2) made a pipe whose bytes reach ipykernel's `stream`."""

    def __init__(self, fd: int, stream):
        self.fd, self.pid = fd, os.getpid()
        self.forward = type(stream).write.__get__(stream)     # ipykernel's own, unpatched
        self.publish = type(stream).flush.__get__(stream)
        self.sent = self.seen = 0
        self.done = threading.Condition()
        self.line, self.line_lock = [], threading.Lock()
        os.register_at_fork(after_in_child=self._forked)
        read, write = os.pipe()
        os.dup2(write, fd)            # inheritable: child processes write into the pipe too
        os.close(write)
        self.read, self.inode = read, os.fstat(fd).st_ino
        self.thread = threading.Thread(target=self._pump, name=f"sitegen-fd{fd}", daemon=True)
        self.thread.start()
        # a subclass, not attributes of the instance: IPython puts its own `write` on the stream
        # for each cell and puts back the one it found (ipykernel's) at the end of the cell;
        # properties that ignore assignment keep this one in place
        ignore = lambda stream, value: None  # noqa: E731
        stream.__class__ = type(f"Captured{type(stream).__name__}", (type(stream),), {
            "write": property(lambda stream: self.write, ignore),
            "flush": property(lambda stream: self.flush, ignore),
            "fileno": lambda stream: fd,
        })
        stream.__dict__.pop("write", None)

    def write(self, text):
        if not isinstance(text, str):
            return self.forward(text)     # ipykernel's TypeError
        with self.line_lock:
            self.line.append(text)
            if "\n" not in text:
                return len(text)
            whole = "".join(self.line)
            cut = whole.rindex("\n") + 1
            self.line = [whole[cut:]] if cut < len(whole) else []
            self._put(whole[:cut])
        return len(text)

    def flush(self):
        with self.line_lock:
            rest, self.line = "".join(self.line), []
            self._put(rest)
        if os.getpid() == self.pid and threading.current_thread() is not self.thread and self._ours():
            with self.done:
                self.sent += 1
                wanted = self.sent
            try:
                os.write(self.fd, MARK)
            except OSError:
                pass
            else:
                with self.done:
                    self.done.wait_for(lambda: self.seen >= wanted, timeout=10)
        self.publish()

    def _put(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:                   # the code closed the descriptor: publish it directly
            self.forward(data.decode("utf-8"))

    def _forked(self) -> None:
        self.line_lock = threading.Lock()   # another thread may have held it at the fork

    def _ours(self) -> bool:
        """Still our pipe (the code may have pointed the descriptor elsewhere: no marker there)."""
        try:
            return os.fstat(self.fd).st_ino == self.inode
        except OSError:
            return False

    def _pump(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("backslashreplace")
        pending = b""
        while True:
            try:
                data = os.read(self.read, 1 << 16)
            except OSError:
                return
            if not data:
                return
            pending += data
            while True:
                at = pending.find(MARK)
                if at < 0:
                    break
                self._emit(decoder.decode(pending[:at], True))     # a block's last bytes stay in it
                pending = pending[at + len(MARK):]
                with self.done:
                    self.seen += 1
                    self.done.notify_all()
            keep = next((k for k in range(min(len(MARK) - 1, len(pending)), 0, -1) if MARK.startswith(pending[-k:])), 0)
            self._emit(decoder.decode(pending[:len(pending) - keep]))
            pending = pending[len(pending) - keep:]

    def _emit(self, text: str) -> None:
        if text:
            self.forward(text)


def keep_logs_out() -> None:
    """The kernel's own log handlers write to descriptors 1 and 2: point them at copies, which go
    where the kernel's output went before (its log file), not into a block's output."""
    loggers = [logging.getLogger()] + [item for item in logging.Logger.manager.loggerDict.values()
                                       if isinstance(item, logging.Logger)]
    copies = {}
    for logger in loggers:
        for handler in logger.handlers:
            try:
                fd = handler.stream.fileno()
            except (AttributeError, OSError, ValueError):
                continue
            if fd in (1, 2):
                if fd not in copies:
                    copies[fd] = open(os.dup(fd), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
                handler.setStream(copies[fd])


def setup(shell) -> None:
    import sys

    escape_messages(shell.kernel.session)
    keep_logs_out()
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        stream.flush()
        FdPipe(fd, stream)
