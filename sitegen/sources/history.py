"""When each content file last changed, from the project's git history (jekyll-last-modified-at's
source): one `git log` for the whole content folder. Outside a git repository, or without git,
nothing is known and pages show their publication date only.
"""
from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path


def last_commits(root: Path) -> dict[str, datetime]:
    """Path (relative to `root`) → date of the last commit that touched it, for files under content/."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "log", "--relative", "--no-renames", "--format=%x00%cI", "--name-only",
             "--", "content"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    return parse_log(done.stdout)


def parse_log(text: str) -> dict[str, datetime]:
    """Newest first, as git prints it: the first date seen for a path is its last change."""
    dates: dict[str, datetime] = {}
    when = None
    for line in text.splitlines():
        if line.startswith("\x00"):
            try:
                when = datetime.fromisoformat(line[1:].strip())
            except ValueError:
                when = None
        elif line.strip() and when is not None:
            dates.setdefault(line.strip(), when)
    return dates
