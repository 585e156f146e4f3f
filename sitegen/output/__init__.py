"""The output stage: an OutputTree (path → bytes) in, the output folder out.

Checks the output folder, stages files and publishes them atomically, writing only what changed;
the manifest records what the last build read and wrote, for incremental rebuilds; one build
of a project runs at a time.
"""
from .lock import build_lock
from .manifest import Manifest, input_fingerprint, page_key, reads_of
from .tree import OutputTree, Staged, WriteReport, check_output_dir, discard, path_problem, stage, write_tree

__all__ = [
    "Manifest", "build_lock", "OutputTree", "Staged", "WriteReport", "check_output_dir", "discard", "path_problem",
    "input_fingerprint", "page_key", "reads_of", "stage", "write_tree"
]
