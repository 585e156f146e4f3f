"""The output stage: an OutputTree (path → bytes) in, the output folder out.

Checks the output folder, stages files and publishes them atomically, writing only what changed;
the manifest records what the last build read and wrote, for incremental rebuilds; one build
of a project runs at a time. The theme's math fonts are cut to the characters the site's formulas
draw (fonts.py).
"""
from .fonts import CUTS, cut_math_fonts, cuts_version
from .lock import build_lock
from .manifest import Manifest, input_fingerprint, page_key, reads_of
from .tree import OutputTree, Staged, WriteReport, check_output_dir, discard, path_problem, stage, write_tree

__all__ = [
    "CUTS", "Manifest", "build_lock", "cut_math_fonts", "cuts_version", "OutputTree", "Staged", "WriteReport", "check_output_dir", "discard", "path_problem",
    "input_fingerprint", "page_key", "reads_of", "stage", "write_tree"
]
