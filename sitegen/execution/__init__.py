"""The execution stage: executable blocks in, checked results out.

Takes posts and the `python exec` blocks of their Markdown; pairs translations, plans sessions,
runs them in Jupyter kernels (or takes them from .cache/exec), compares their outputs with
code_samples/expected/, and gives an ExecutionReport with a BlockResult per block, plus the
executed blocks as HTML and as notebook and script downloads.
"""
from .blocks import parse_blocks
from .blockview import notebook, render_block, script
from .cache import digest, environment, installed_versions
from .sessions import ExecutionReport, PostBlocks, execute_all, result_for

__all__ = [
    "ExecutionReport", "PostBlocks", "digest", "environment", "execute_all", "installed_versions",
    "notebook", "parse_blocks", "render_block", "result_for", "script"
]
