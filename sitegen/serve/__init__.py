"""The development server, on top of the pipeline: builds in memory, serves on loopback,
watches the project, rebuilds incrementally and reloads open pages (routes are pure: URL → response).
"""
from .server import serve

__all__ = [
    "serve"
]
