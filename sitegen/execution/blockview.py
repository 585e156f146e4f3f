"""How an executed block looks on a page, and the notebook and script offered for download.

Pure: (block, result, language) → HTML and asset files. Figures become files named by
the hash of their content, so an unchanged figure keeps its URL and its cache entry.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from ..markup import french, highlight
from ..sources import Strings
from .blocks import Block
from .kernels import BlockResult


@dataclass(frozen=True)
class BlockHtml:
    html: str
    assets: tuple[tuple[str, bytes], ...]     # (output path, bytes) of figures
    missing_alt: bool = False


def _figure_asset(data: str, mime: str) -> tuple[str, bytes]:
    raw = data.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(data)
    ext = "svg" if mime == "image/svg+xml" else "png"
    return f"assets/figures/{hashlib.sha256(raw).hexdigest()[:16]}.{ext}", raw


def render_block(block: Block, result: BlockResult | None, lang: str, languages: tuple[str, ...],
                 t: Strings, baseurl: str) -> BlockHtml:
    opts = block.options
    if opts.hide_code and opts.hide_output and not opts.caption:
        return BlockHtml("", (), False)   # it runs, and the page shows nothing of it (no empty figure)
    parts = [f'<figure class="exec" id="block-{block.index}" data-source="{escape(block.label)}">']
    if not opts.hide_code:
        parts.append(highlight(block.display_code(lang, languages)))
    assets, missing_alt = [], False
    if result is not None and not opts.hide_output and result.outputs:
        parts.append(f'<div class="exec-output" role="group" aria-label="{escape(t("output"))}">'
                     f'<div class="exec-label">{escape(t("output"))}</div>')
        for output in result.outputs:
            if output.kind == "figure":
                path, raw = _figure_asset(output.text, output.mime)
                assets.append((path, raw))
                missing_alt = missing_alt or not opts.alt
                parts.append(f'<img class="exec-figure" src="{baseurl}/{path}" alt="{escape(opts.alt or "")}" loading="lazy">')
            else:
                parts.append(f'<pre class="exec-{output.kind}" tabindex="0"><code>{escape(output.text.rstrip())}</code></pre>')
        if result.truncated:
            parts.append(f'<p class="exec-cut">{escape(t("output_cut", count=f"{result.truncated:,}"))}</p>')
        parts.append("</div>")
    if opts.caption:
        caption = escape(opts.caption)
        parts.append(f"<figcaption>{french(caption) if lang == 'fr' else caption}</figcaption>")
    parts.append("</figure>")
    return BlockHtml("\n".join(parts), tuple(assets), missing_alt)


@lru_cache(maxsize=256)   # serve rebuilds every post's downloads on each change: only changed ones are made again
def notebook(title: str, url: str, blocks: tuple[tuple[Block, BlockResult | None], ...], lang: str,
             languages: tuple[str, ...]) -> bytes:
    """An .ipynb (nbformat 4) of the post's code with its outputs."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# {title}\n\n{url}"}]
    for count, (block, result) in enumerate(blocks, start=1):
        outputs = []
        for output in (result.outputs if result else ()):
            if output.kind in ("stdout", "stderr"):
                outputs.append({"output_type": "stream", "name": output.kind, "text": output.text})
            elif output.kind == "result":
                outputs.append({"output_type": "execute_result", "execution_count": count, "metadata": {},
                                "data": {"text/plain": output.text.rstrip("\n")}})
            elif output.kind == "figure":
                outputs.append({"output_type": "display_data", "metadata": {}, "data": {output.mime: output.text}})
            elif output.kind == "error":
                lines = output.text.strip().split("\n")
                name, _, value = lines[-1].partition(": ")
                outputs.append({"output_type": "error", "ename": name, "evalue": value, "traceback": lines})
        cells.append({"cell_type": "code", "execution_count": count, "metadata": {},
                      "source": block.display_code(lang, languages), "outputs": outputs})
    document = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                             "language_info": {"name": "python"}}}
    for i, cell in enumerate(document["cells"]):
        cell["id"] = f"cell-{i}"
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


@lru_cache(maxsize=256)
def script(title: str, url: str, blocks: tuple[Block, ...], lang: str, languages: tuple[str, ...]) -> bytes:
    """A plain .py file in the percent format that editors and jupytext understand."""
    parts = [f"# {title}\n# {url}\n"]
    parts += [f"# %% block {b.index} ({b.label})\n{b.display_code(lang, languages)}\n" for b in blocks]
    return "\n".join(parts).encode("utf-8")

