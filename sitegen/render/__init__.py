"""The render stage: requests in, bytes out, in worker processes when there is enough work.

Takes prepared posts (Markdown plus executed blocks) and Page records; gives rendered bodies
(memoized in .cache/render.sqlite by content hash) and each page's bytes through its Jinja2
template.
"""
from .bodies import post_problems, prepare
from .cache import RenderCache
from .templates import Renderer, render_all, site_view, template_name

__all__ = [
    "RenderCache", "Renderer", "post_problems", "prepare", "render_all", "site_view",
    "template_name"
]
