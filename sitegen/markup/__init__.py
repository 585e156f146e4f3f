"""The markup stage: Markdown text in, HTML out.

Takes a post's Markdown (Liquid already applied, executed blocks as placeholders) and its
language; gives Rendered (HTML, table of contents, excerpt, word count, problems). Python-Markdown
with pymdown-extensions, LaTeX to MathML, French typography, Pygments highlighting, images' sizes, and the
trigger tables that keep Python-Markdown fast.
"""
from .highlight import HIGHLIGHTED, highlight, pygments_css
from .images import add_sizes, image_size
from .markdown import PLACEHOLDER, Rendered, TocEntry, render
from .math import MATHML
from .typography import french



def __getattr__(name: str):
    """`kramdown_id` (kramdown's heading ids, which translation checks match links against) loads on
    first use: kramdown.py imports Python-Markdown, which a build with nothing to render never needs."""
    if name != "kramdown_id":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .kramdown import kramdown_id

    globals()[name] = kramdown_id
    return kramdown_id


__all__ = [
    "HIGHLIGHTED", "MATHML", "PLACEHOLDER", "Rendered", "TocEntry", "add_sizes", "french", "highlight",
    "image_size", "kramdown_id", "pygments_css", "render"
]
