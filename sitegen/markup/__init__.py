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

__all__ = [
    "HIGHLIGHTED", "MATHML", "PLACEHOLDER", "Rendered", "TocEntry", "add_sizes", "french", "highlight",
    "image_size", "pygments_css", "render"
]
