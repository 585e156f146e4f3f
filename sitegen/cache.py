"""Content-addressed cache of executed sessions, as JSON files under `.cache/exec/`.

The key hashes every input that can change a session's outputs — its code, the sample
files and local modules it reads, the versions of Python and of the numeric libraries,
the prelude — never a file time. `index.json` remembers each session's last inputs so
a build can say why a session ran again. A corrupt entry is ignored, never a crash.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .execute import PRELUDE_VERSION, BlockResult, Output, SessionPlan, SessionRun

FORMAT = 1


def digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """Versions that change numerical results, read from package metadata (no import of torch)."""
    from importlib import metadata

    versions = {"python": sys.version.split()[0], "prelude": str(PRELUDE_VERSION), "format": str(FORMAT)}
    for name in ("numpy", "torch", "matplotlib", "scikit-learn", "ipykernel"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


@dataclass(frozen=True)
class Inputs:
    """Named hashes of everything a session depends on."""
    parts: dict[str, str]

    @property
    def key(self) -> str:
        return digest(json.dumps(self.parts, sort_keys=True))

    def changed_since(self, old: dict[str, str] | None) -> list[str]:
        if old is None:
            return ["never run before"]
        names = sorted(set(self.parts) | set(old))
        return [name for name in names if self.parts.get(name) != old.get(name)]


def session_inputs(plan: SessionPlan, files: dict[str, str]) -> Inputs:
    parts = {f"block {i + 1} code": digest(code) for i, code in enumerate(plan.codes)}
    parts["timeouts"] = digest(json.dumps(plan.timeouts))
    parts.update({f"file {name}": digest(text) for name, text in sorted(files.items())})
    parts.update({f"version {k}": v for k, v in environment().items()})
    return Inputs(parts)


class ExecCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, plan: SessionPlan, inputs: Inputs) -> SessionRun | None:
        try:
            data = json.loads(self._entry(inputs.key).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("key") != inputs.key or len(data["results"]) != len(plan.codes):
                return None
            results = tuple(
                BlockResult(tuple(Output(*o) for o in r["outputs"]), float(r["seconds"]), r["status"], int(r["truncated"]))
                for r in data["results"])
            return SessionRun(plan, results, float(data["seconds"]), kernel_started=False)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, run: SessionRun, inputs: Inputs) -> None:
        data = {"format": FORMAT, "key": inputs.key, "session": run.plan.id, "seconds": run.seconds,
                "results": [{"status": r.status, "seconds": r.seconds, "truncated": r.truncated,
                             "outputs": [[o.kind, o.text, o.mime] for o in r.outputs]} for r in run.results]}
        _atomic_write(self._entry(inputs.key), json.dumps(data))

    def previous_inputs(self, session_id: str) -> dict[str, str] | None:
        return self._index().get(session_id)

    def remember(self, runs: dict[str, Inputs]) -> None:
        if runs:
            index = self._index()
            index.update({sid: inputs.parts for sid, inputs in runs.items()})
            _atomic_write(self.folder / "index.json", json.dumps(index, sort_keys=True, indent=0))

    def _index(self) -> dict:
        try:
            data = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
