"""sitegen: a static site generator for a bilingual blog whose code runs at build time."""

__version__ = "0.1.0"
