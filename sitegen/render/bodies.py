"""Posts → rendered bodies: executed blocks turned into HTML, figures and downloads collected,
then Markdown rendered for every post (memoized; the misses in parallel processes).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace

from ..errors import Problem, error, warning
from ..execution import ExecutionReport, PostBlocks, digest, notebook, render_block, result_for, script
from ..markup import HIGHLIGHTED, MATHML, Rendered, TocEntry, add_sizes, image_size, render
from ..site import Download, output_path
from ..sources import Post, SiteConfig
from .parallel import pool_map


@dataclass(frozen=True)
class RenderRequest:
    text: str
    lang: str
    blocks: tuple[str, ...]
    separator: str
    heading_ids: str = "readable"
    images: tuple[tuple[str, int, int], ...] = ()   # (src, width, height) of the images it shows

    def key(self, versions: str) -> str:
        return digest("\x00".join((versions, self.lang, self.separator, self.heading_ids, self.text, *self.blocks,
                                    repr(self.images))))


IMAGE_EXTENSION = re.compile(r"\.(?:png|jpe?g|gif|webp|svg)\b", re.I)   # 30× cheaper than IMAGE_URL: asked first
IMAGE_URL = re.compile(r"""(?:\]\(\s*<?|\bsrc\s*=\s*["']|^\[[^\]]+\]:\s*<?)(/[^\s"'()<>]+\.(?:png|jpe?g|gif|webp|svg))""", re.I | re.M)


def image_sizes(text: str, files: list[tuple[str, bytes]], config: SiteConfig) -> tuple[tuple[str, int, int], ...]:
    """The sizes of the images a post shows: its figures, and the site's own images its text names
    (/images/x.svg in static/, with or without the base URL)."""
    found: dict[str, tuple[int, int]] = {}
    for path, data in files:
        size = image_size(data) if path.startswith("assets/figures/") else None
        if size:
            found[f"{config.baseurl}/{path}"] = size
    named = IMAGE_URL.finditer(text) if IMAGE_EXTENSION.search(text) else ()
    for url in dict.fromkeys(m.group(1) for m in named):
        local = url[len(config.baseurl):] if config.baseurl and url.startswith(config.baseurl + "/") else url
        try:
            size = image_size((config.root / "static" / local.lstrip("/")).read_bytes())
        except OSError:
            continue
        if size:
            found[url] = size
    return tuple((url, w, h) for url, (w, h) in sorted(found.items()))


@dataclass(frozen=True)
class PreparedPost:
    request: RenderRequest
    files: tuple[tuple[str, bytes], ...]          # figures and downloads: (output path, bytes)
    downloads: tuple[Download, ...]
    problems: tuple[Problem, ...]


def prepare(pb: PostBlocks, execution: ExecutionReport, config: SiteConfig, t, url: str) -> PreparedPost:
    """The executed blocks of a post as HTML, its figures, and its notebook and script."""
    post, files, problems, htmls = pb.post, [], [], []
    results = [result_for(execution, b) for b in pb.blocks]
    for block, checked in zip(pb.blocks, results):
        view = render_block(block, checked.result if checked else None, post.lang, config.languages, t, config.baseurl)
        if view.missing_alt:
            problems.append(error(post.path, block.line, f"block {block.index} ({block.label}) draws a figure: "
                                                         "give it alt text with alt=\"…\""))
        files += view.assets
        htmls.append(view.html)
    downloads: tuple[Download, ...] = ()
    if pb.blocks:
        base = output_path(url).rsplit("/", 1)[0]
        pairs = tuple((b, c.result if c else None) for b, c in zip(pb.blocks, results))
        absolute = config.absolute(url)
        for name, data, label in (
                (f"{post.slug}.ipynb", notebook(post.front.title, absolute, pairs, post.lang, config.languages), "notebook"),
                (f"{post.slug}.py", script(post.front.title, absolute, tuple(pb.blocks), post.lang, config.languages), "script")):
            files.append((f"{base}/{name}".lstrip("/"), data))
            downloads += (Download(t(f"download_{label}"), f"{config.baseurl}/{base}/{name}".replace("//", "/")),)
    request = RenderRequest(pb.text, post.lang, tuple(htmls), post.front.excerpt_separator, config.heading_ids,
                            image_sizes(pb.text, files, config))
    return PreparedPost(request, tuple(files), downloads, tuple(problems))


def _render(_: None, request: RenderRequest) -> tuple[Rendered, str, tuple[list, list]]:
    """One body rendered, with the summary its cache entry stores (made here, in parallel), and the
    code highlighted and the math converted here for the first time (the build keeps them)."""
    rendered = render(request.text, request.lang, request.blocks, request.separator, request.heading_ids)
    if request.images:
        sizes = {url: (w, h) for url, w, h in request.images}
        rendered = replace(rendered, html=add_sizes(rendered.html, sizes), excerpt=add_sizes(rendered.excerpt, sizes))
    return rendered, encode(rendered), (HIGHLIGHTED.take_fresh(), MATHML.take_fresh())


def render_many(requests: list[RenderRequest], jobs: int) -> list[tuple[Rendered, str]]:
    """(rendered body, cache summary) of each request, over the cores when there is enough work."""
    results = []
    for rendered, summary, (highlighted, mathml) in pool_map(_render, requests, jobs):
        HIGHLIGHTED.table.update(highlighted)
        MATHML.table.update(mathml)
        results.append((rendered, summary))
    return results


def post_problems(post: Post, rendered: Rendered) -> list[Problem]:
    """Math errors at their line, and images without alt text."""
    found = [error(post.path, post.body_line + line - 1, message) for line, message in rendered.errors]
    for src in rendered.images_without_alt:
        name = src or "an image"
        at = post.body.find(name)
        line = post.body_line + post.body.count("\n", 0, at) if at >= 0 else None
        found.append(warning(post.path, line, f"image {name} has no alt text"))
    return found


def encode(rendered: Rendered) -> str:
    """The summary stored beside a rendered body's HTML. Made in the render workers, in parallel."""
    summary = {**asdict(rendered), "html": "", "toc": [list(asdict(e).values()) for e in rendered.toc]}
    return json.dumps(summary, ensure_ascii=False)


def decode(summary: str) -> Rendered | None:
    """A cached body without its HTML (see `RenderCache.html`)."""
    try:
        data = json.loads(summary)
        return Rendered("", tuple(TocEntry(*e) for e in data["toc"]), data["excerpt"], data["words"],
                        tuple(tuple(e) for e in data["errors"]), tuple(data["images_without_alt"]), data["math_characters"])
    except (ValueError, KeyError, TypeError):
        return None   # corrupt: render again
