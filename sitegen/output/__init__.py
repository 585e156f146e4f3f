"""The output stage: an OutputTree (path → bytes) in, the output folder out.

Checks the output folder, stages files and publishes them atomically, writing only what changed;
the manifest records what the last build read and wrote, for incremental rebuilds.
"""
from .manifest import Manifest, input_fingerprint, page_key, reads_of
from .tree import OutputTree, Staged, WriteReport, check_output_dir, discard, stage, write_tree

__all__ = [
    "Manifest", "OutputTree", "Staged", "WriteReport", "check_output_dir", "discard",
    "input_fingerprint", "page_key", "reads_of", "stage", "write_tree"
]
