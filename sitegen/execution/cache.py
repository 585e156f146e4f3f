"""Content-addressed cache of executed sessions, as JSON files under `.cache/exec/`.

The key hashes every input that can change a session's outputs — its code, the sample
files and local modules it reads, the versions of Python and of the numeric libraries,
the prelude, the names of the environment variables the kernel gets — never a file time.
`index.json` remembers each session's last inputs so a build can say why a session ran
again. An entry of any other shape (corrupt, truncated, edited) is ignored, never a crash.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .kernels import OUTPUT_KINDS, BlockResult, Output, PRELUDE_VERSION, SessionPlan, SessionRun

FORMAT = 1


def digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@lru_cache(maxsize=1)
def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each distribution ("absent" if none), without importing it.

    Read from the `name-version.dist-info` folder names on sys.path, as installers write them:
    importlib.metadata finds the same but costs ~50 ms per build (its import and its index of
    every installed package), a fifth of a build with nothing to do. It still answers for a
    package installed another way (no such folder)."""
    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if item.endswith(".dist-info") and "-" in item:
                name, _, version = item[:-len(".dist-info")].partition("-")
                name = wanted.get(re.sub(r"[-_.]+", "_", name).lower())
                if name is not None and name not in found:
                    found[name] = version
    for name in names:
        if name not in found:
            from importlib import metadata

            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = "absent"
    return {name: found[name] for name in names}


def environment() -> dict[str, str]:
    """Versions that change numerical results (no import of torch)."""
    return {"python": sys.version.split()[0], "prelude": str(PRELUDE_VERSION), "format": str(FORMAT),
            **installed_versions(("numpy", "torch", "matplotlib", "scikit-learn", "ipykernel"))}


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
    parts["environment variables"] = digest(json.dumps(plan.env))
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
        except (OSError, ValueError, RecursionError):
            return None
        if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == inputs.key
                and _number(data.get("seconds")) and isinstance(data.get("results"), list)
                and len(data["results"]) == len(plan.codes)):
            return None
        results = tuple(_result(r) for r in data["results"])
        if None in results:
            return None
        return SessionRun(plan, results, float(data["seconds"]), kernel_started=False)

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

    def _index(self) -> dict[str, dict[str, str]]:
        """Session → its last inputs; entries of another shape are left out."""
        try:
            data = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {sid: parts for sid, parts in data.items()
                if isinstance(parts, dict) and all(isinstance(v, str) for v in parts.values())}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text(value) -> bool:
    """A string a page can hold (JSON can spell a lone surrogate, which no UTF-8 file can)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _result(data) -> BlockResult | None:
    """A cached block result, or None when the entry does not have the shape `store` writes (only
    complete sessions are stored: every status is ok or error)."""
    if not (isinstance(data, dict) and data.get("status") in ("ok", "error") and _number(data.get("seconds"))
            and type(data.get("truncated")) is int and data["truncated"] >= 0 and isinstance(data.get("outputs"), list)):
        return None
    outputs = []
    for output in data["outputs"]:
        if not (isinstance(output, list) and len(output) == 3 and all(_text(part) for part in output)
                and output[0] in OUTPUT_KINDS):
            return None
        outputs.append(Output(*output))
    return BlockResult(tuple(outputs), float(data["seconds"]), data["status"], data["truncated"])


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:   # an interrupt included: no temporary file left behind
        with suppress(OSError):
            os.unlink(tmp)
        raise
