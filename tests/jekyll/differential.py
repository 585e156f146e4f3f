"""Differential test against Jekyll itself: the same posts built by Jekyll (kramdown, GFM input)
and by sitegen, their bodies compared in a structural form.

    python tests/jekyll/differential.py [SITE] [--verbose]

SITE is a Jekyll site folder (default: the corpus tests/fixtures/kramdown). Both builds run in a
temporary folder; SITE is only read. The structural form keeps what a reader sees and what links
reach: blocks and their nesting, heading levels and ids, text (typography included), emphasis,
links and images with their targets, code text, math, and the `id`, `class` and `style` an author
gave. It drops what only differs in representation (see `normalize`): highlighting markup,
whitespace between tags, spaces on otherwise empty code lines, footnote markup, sitegen's heading permalinks, and math rendering (both
sides' LaTeX goes through sitegen's LaTeX → MathML converter, so equal math means equal MathML).

Differences kept on purpose are listed, with their reason, in allowed.yaml beside this file; the
report names every difference and whether it is allowed. Posts may sit in any `<folder>/_posts`
(they get Jekyll's folder categories); a post Jekyll itself cannot build here (a plugin's tag) is
reported and not compared. Real blogs, from their git mirrors: tests/jekyll/realblogs.py.
"""
from __future__ import annotations

import argparse
import difflib
import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "kramdown"
ALLOWED = Path(__file__).with_name("allowed.yaml")
POST_NAME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-.+\.(?:md|markdown|mkdn|mkd|mdown|text)$")
FRONT = re.compile(r"\A---\s*\n(.*?\n)?---\s*\n", re.S)
REFUSED = "\x00refused: "   # a body standing for a post sitegen refused to build
UNBUILT = "\x00unbuilt: "   # a body standing for a post Jekyll could not build here (not compared)
MARK = re.compile(r'<article data-differential="([^"]*)">(.*)</article>', re.S)


# --- the two builds ------------------------------------------------------------------------------

def _front_matter(text: str) -> dict:
    m = FRONT.match(text)
    try:
        data = yaml.safe_load(m.group(1) or "") if m else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _posts(site: Path) -> dict[str, Path]:
    """Post file name → path, from `_posts` and every `<folder>/_posts` (`en/news/_posts`), as Jekyll
    reads them: folders starting with `_` or `.` hold no posts, except `_posts` itself."""
    found = {}
    for path in sorted(site.rglob("*")):
        parts = path.relative_to(site).parts
        if "_posts" not in parts or not path.is_file() or not POST_NAME.match(path.name):
            continue
        above = parts[:parts.index("_posts")]
        if not any(part.startswith(("_", ".")) for part in above):
            found[path.name] = path
    return found


def _layouts(site: Path) -> set[str]:
    names = {"default", "post", "page"}
    for path in _posts(site).values():
        layout = _front_matter(path.read_text(encoding="utf-8", errors="replace")).get("layout")
        if isinstance(layout, str) and re.fullmatch(r"[\w.-]+", layout):
            names.add(layout)
    return names


def build_jekyll(site: Path, work: Path) -> dict[str, str]:
    """Post file name → the HTML Jekyll gives its body (every layout replaced by a marker)."""
    source, dest = work / "jekyll-src", work / "jekyll-site"
    shutil.copytree(site, source, ignore=shutil.ignore_patterns("_site", ".jekyll-cache", ".sass-cache"))
    layouts = source / "_layouts"
    shutil.rmtree(layouts, ignore_errors=True)
    layouts.mkdir()
    for name in _layouts(site):
        (layouts / f"{name}.html").write_text('<article data-differential="{{ page.path }}">{{ content }}</article>\n')
    config = source / "_config.yml"
    settings = _front_matter("---\n" + config.read_text(encoding="utf-8") + "---\n") if config.exists() else {}
    # a post without `layout:` gets none in Jekyll: the marker layout is the default of every post
    settings["defaults"] = [{"scope": {"path": ""}, "values": {"layout": "default"}}] + list(settings.get("defaults") or [])
    kramdown = settings.get("kramdown")
    if isinstance(kramdown, dict) and kramdown.get("math_engine") not in (None, "mathjax"):
        kramdown["math_engine"] = "mathjax"   # katex needs a gem Debian lacks; math is compared as LaTeX anyway
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    posts = {path.name: source / path.relative_to(site) for path in _posts(site).values()}
    unbuilt: dict[str, str] = {}
    while True:
        run = subprocess.run(["jekyll", "build", "--quiet", "--safe", "--disable-disk-cache", "-s", str(source),
                              "-d", str(dest)], capture_output=True, text=True, cwd=work)
        if not run.returncode:
            break
        # a post Jekyll cannot build here (a plugin's tag, a missing include) is set aside and reported
        output = re.sub(r"\x1b\[\d+m", "", run.stdout + run.stderr)
        failed = re.search(r"^\s*Liquid Exception: (.*?) in (\S+)$", output, re.M)
        where = failed and (source / failed.group(2) if not failed.group(2).startswith("/") else Path(failed.group(2)))
        if not failed or not where.is_file():
            raise RuntimeError(f"jekyll build failed:\n{run.stdout}{run.stderr}")
        if where.name in posts and where.name not in unbuilt:
            unbuilt[where.name] = failed.group(1)
        where.unlink()   # a page is only compared through links to it: set aside likewise
    bodies = {name: body for name, body in _bodies(dest).items() if name in posts}   # posts, not pages
    return {**bodies, **{name: UNBUILT + message for name, message in unbuilt.items()}}


def build_sitegen(site: Path, work: Path) -> dict[str, str]:
    """Post file name → the HTML sitegen gives its body. The posts go to content/posts/<lang>/
    (`lang:` in front matter, else en); every layout is a template printing only the body."""
    project = work / "sitegen-site"
    (project / "templates").mkdir(parents=True)
    config = _front_matter("---\n" + (site / "_config.yml").read_text(encoding="utf-8") + "---\n") \
        if (site / "_config.yml").exists() else {}
    settings = {"title": str(config.get("title", "")), "languages": ["en", "fr"], "default_language": "en",
                "heading_ids": "kramdown"}
    for key in ("url", "baseurl"):      # `{{ site.baseurl }}/images/…` gives the same src on both sides
        if isinstance(config.get(key), str) and config[key].strip("/"):
            settings[key] = config[key]
    # Jekyll's URLs (its default style is `date`): post_url and link give the same hrefs on both sides
    settings["permalink"] = str(config.get("permalink") or "date")
    (project / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    for name, path in _posts(site).items():
        lang = _front_matter(path.read_text(encoding="utf-8", errors="replace")).get("lang")
        lang = "fr" if lang == "fr" else "en"
        # `en/news/_posts/x.md` → content/posts/en/news/x.md: `{% link en/news/_posts/x.md %}` finds it
        above = list(path.relative_to(site).parts[:path.relative_to(site).parts.index("_posts")])
        folder = project / "content" / "posts" / lang / Path(*above[1 if above[:1] == [lang] else 0:])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / name)
        if above:   # Jekyll makes the folders above _posts/ categories (so URLs): as an import does
            _add_categories(folder / name, above)
    for part in ("templates", "i18n", "static"):
        shutil.copytree(ROOT / part, project / part, dirs_exist_ok=True)
    if (site / "_data").is_dir():         # site.data reads data/ here
        shutil.copytree(site / "_data", project / "data", dirs_exist_ok=True)
    if (site / "_includes").is_dir():     # `{% include %}` reads templates/_includes/ here
        shutil.copytree(site / "_includes", project / "templates" / "_includes", dirs_exist_ok=True)
    for name in _layouts(site):
        (project / "templates" / f"{name}.html").write_text(
            '<article data-differential="{{ post.path }}">{{ post.html | safe }}</article>\n')
    refused: dict[str, str] = {}
    while True:
        run = subprocess.run([sys.executable, str(ROOT / "site.py"), "--root", str(project), "build", "--future"],
                             capture_output=True, text=True, cwd=work)
        if not run.returncode:
            break
        # a post sitegen refuses is set aside (and reported as a difference); the rest still compare
        bad = {m.group(1): m.group(0) for m in re.finditer(r"^(content/posts/\w+/[^:\n]+):(?!(?:\d+:)? ?warning:).*$",
                                                            run.stdout + run.stderr, re.M)}
        if not bad:
            raise RuntimeError(f"sitegen build failed:\n{run.stdout}{run.stderr}")
        for path, message in bad.items():
            # first its body is emptied (other posts' post_url to it still resolve), then it goes
            post = project / path
            front = FRONT.match(post.read_text(encoding="utf-8", errors="replace")) if post.exists() else None
            if front and Path(path).name not in refused:
                post.write_text(front.group(0), encoding="utf-8")
            else:
                post.unlink(missing_ok=True)
            refused.setdefault(Path(path).name, message)
    bodies = _bodies(project / "_site")
    for name, message in refused.items():
        bodies[name] = REFUSED + message
    return bodies


def _add_categories(post: Path, categories: list[str]) -> None:
    text = post.read_text(encoding="utf-8", errors="replace")
    front = FRONT.match(text)
    data = _front_matter(text) if front else {}
    own = data.pop("categories", None) or data.pop("category", None) or []
    own = own.split() if isinstance(own, str) else [str(c) for c in own]
    data["categories"] = list(dict.fromkeys(categories + own))
    body = text[front.end():] if front else text
    # the body keeps its line numbers: the front matter keeps its line count where it can
    header = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    missing = (front.group(0).count("\n") if front else 0) - header.count("\n") - 2
    post.write_text("---\n" + header + "\n" * max(missing, 0) + "---\n" + body, encoding="utf-8")


def _bodies(folder: Path) -> dict[str, str]:
    found = {}
    for page in folder.rglob("*.html"):
        m = MARK.search(page.read_text(encoding="utf-8", errors="replace"))
        if m and m.group(1):
            found[Path(m.group(1)).name] = m.group(2)
    return found


# --- the structural form -------------------------------------------------------------------------

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "thead",
          "tbody", "tr", "th", "td", "dl", "dt", "dd", "hr", "div", "details", "summary", "figure",
          "figcaption", "section", "aside", "nav", "article", "header", "footer", "math-block"}
VOID = {"br", "hr", "img", "input", "wbr", "col", "source"}
KEPT_ATTRIBUTES = ("id", "class", "style", "href", "src", "alt", "title", "start", "type", "checked", "lang")
# classes that only name a representation: syntax highlighting, footnote and task-list markup
REPRESENTATION_CLASSES = re.compile(r"^(?:highlight|highlighter-rouge|language-\S+|footnote|footnotes|footnote-ref|"
                                    r"footnote-backref|reversefootnote|task-list|task-list-item|task-list-item-checkbox|"
                                    r"math|arithmatex|anchor)$")
MATH_TEXT = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
MATH_ELEMENT = re.compile(r"<math\b[^>]*?display=\"(block|inline)\"[^>]*>.*?</math>", re.S)
OPAQUE = re.compile(r"<(pre|code)\b.*?</\1>", re.S)


def _mathml(latex: str, display: bool) -> str:
    sys.path.insert(0, str(ROOT))
    from sitegen.markup.math import MathError, to_mathml

    try:
        return to_mathml(html.unescape(latex).strip(), display)
    except MathError as exc:
        return f"error: {exc}"


class _Math:
    """Math replaced by private-use placeholders before parsing, then read back as tokens."""

    def __init__(self):
        self.items: list[tuple[bool, str, str]] = []   # (display, canonical MathML, LaTeX or "")

    def _hold(self, display: bool, mathml: str, latex: str) -> str:
        self.items.append((display, re.sub(r"\s+", " ", mathml), latex))
        return f"\ue000{len(self.items) - 1}\ue001"

    def extract(self, fragment: str) -> str:
        fragment = MATH_ELEMENT.sub(lambda m: self._hold(m.group(1) == "block", m.group(0), ""), fragment)
        out, done = [], 0
        for code in OPAQUE.finditer(fragment):   # MathJax never looks inside code
            out.append(self._text_math(fragment[done:code.start()]))
            out.append(code.group(0))
            done = code.end()
        out.append(self._text_math(fragment[done:]))
        return "".join(out)

    def _text_math(self, text: str) -> str:
        def hold(m: re.Match) -> str:
            display = m.group(2) is not None
            latex = m.group(2) if display else m.group(1)
            return self._hold(display, _mathml(latex, display), html.unescape(latex).strip())
        return MATH_TEXT.sub(hold, text)


@dataclass
class _Node:
    tag: str
    attrs: tuple[tuple[str, str], ...]
    children: list


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("body", (), [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, tuple((k, v or "") for k, v in attrs), [])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, tuple((k, v or "") for k, v in attrs), []))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _attributes(node: _Node) -> str:
    kept = []
    for name, value in node.attrs:
        if name not in KEPT_ATTRIBUTES:
            continue
        if name == "class":
            value = " ".join(c for c in value.split() if not REPRESENTATION_CLASSES.match(c))
        elif name == "style":
            value = ";".join(part.strip() for part in value.split(";") if part.strip())
        elif name == "checked":
            value = "checked"
        elif name == "title" and not value:
            continue
        if value or name == "alt":
            kept.append(f'{name}="{value}"')
    return " ".join(sorted(kept))


def _skipped(node: _Node) -> bool:
    attrs = dict(node.attrs)
    if node.tag == "a" and "anchor" in attrs.get("class", "").split():
        return True   # sitegen's heading permalink
    if node.tag == "a" and attrs.get("href", "").startswith("#fnref:"):
        return True   # footnote back-links: ↩ written differently
    return False


def _flatten(node: _Node, math: _Math, out: list[str], depth: int, in_pre: bool = False) -> None:
    """Depth-first tokens: a line per block, inline content as one text line per block."""
    line: list[str] = []

    def flush():
        text = re.sub(r"[ \t\r\n]+", " ", "".join(line)).strip()
        text = re.sub(r"(<input [^>]*>) ", r"\1", text)   # a task list's box: the space after it varies
        if re.fullmatch(r"(?:\ue000\d+\ue001 ?)+", text) and all(
                math.items[int(n)][0] for n in re.findall(r"\d+", text)):
            out.extend("  " * depth + t for t in text.split())   # display math: one block each
        elif text:
            out.append("  " * depth + text)
        line.clear()

    for child in node.children:
        if isinstance(child, str):
            line.append(child if not in_pre else child)
            continue
        if _skipped(child):
            continue
        if child.tag == "pre" or (child.tag == "code" and in_pre) or _code_table(child):
            flush()
            # spaces on an otherwise empty code line are invisible (Python-Markdown drops them)
            code = re.sub(r"(?m)^[ \t]+$", "", "".join(_text(child))).strip("\n")
            out.append("  " * depth + "code: " + code.replace("\n", "⏎"))
            continue
        if child.tag in BLOCKS and not _wrapper(child):
            flush()
            attrs = _attributes(child)
            if child.tag == "div" and {"footnote", "footnotes"} & set(dict(child.attrs).get("class", "").split()):
                # sitegen's footnotes start with a rule, kramdown's do not
                child = _Node(child.tag, child.attrs, [c for c in child.children if not (isinstance(c, _Node) and c.tag == "hr")])
            if _only_display_math(child, math):
                _flatten(child, math, out, depth)
                continue
            out.append("  " * depth + f"<{child.tag}{' ' + attrs if attrs else ''}>")
            _flatten(child, math, out, depth + 1)
        elif child.tag in BLOCKS:
            flush()
            _flatten(child, math, out, depth)
        else:
            attrs = _attributes(child)
            if child.tag in ("br", "img", "input"):
                line.append(f"<{child.tag}{' ' + attrs if attrs else ''}>")
                continue
            inner: list[str] = []
            _inline(child, math, inner)
            line.append(f"<{child.tag}{' ' + attrs if attrs else ''}>{''.join(inner)}</{child.tag}>")
    flush()
    for i, text in enumerate(out):
        out[i] = _math_tokens(text, math)


def _inline(node: _Node, math: _Math, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        elif not _skipped(child):
            attrs = _attributes(child)
            if child.tag in VOID:
                out.append(f"<{child.tag}{' ' + attrs if attrs else ''}>")
                continue
            inner: list[str] = []
            _inline(child, math, inner)
            out.append(f"<{child.tag}{' ' + attrs if attrs else ''}>{''.join(inner)}</{child.tag}>")


# the line-number column of highlighted code: Rouge's gutter, Pygments' linenos cell
LINE_NUMBERS = {"gutter", "lineno", "linenos", "linenodiv"}


def _text(node: _Node) -> list[str]:
    """The text of code, line numbers left out (Rouge puts them inside the code, Pygments beside it)."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif not LINE_NUMBERS & set(dict(child.attrs).get("class", "").split()):
            parts.extend(_text(child))
    return parts


def _code_table(node: _Node) -> bool:
    """Code with line numbers laid out as a table: representation (Pygments' highlighttable)."""
    return node.tag == "table" and "highlighttable" in dict(node.attrs).get("class", "").split()


def _wrapper(node: _Node) -> bool:
    """A div that only wraps highlighted code or math (each tool wraps them its own way), or the
    figure Jekyll's `{% highlight %}` puts around code."""
    classes = dict(node.attrs).get("class", "").split()
    return node.tag in ("div", "figure") and bool(classes) and all(REPRESENTATION_CLASSES.match(c) for c in classes) and \
        not {"footnote", "footnotes"} & set(classes)


def _only_display_math(node: _Node, math: _Math) -> bool:
    """A paragraph holding nothing but display math: MathJax shows it as a display block."""
    if node.tag != "p":
        return False
    text = "".join(c if isinstance(c, str) else "\x00" for c in node.children).strip()
    m = re.fullmatch(r"\ue000(\d+)\ue001", text)
    return bool(m) and math.items[int(m.group(1))][0]


def _math_tokens(text: str, math: _Math) -> str:
    def show(m: re.Match) -> str:
        display, mathml, latex = math.items[int(m.group(1))]
        return f"⟦{'display' if display else 'inline'} math {mathml}⟧"
    return re.sub(r"\ue000(\d+)\ue001", show, text)


def normalize(fragment: str) -> list[str]:
    """A body's HTML → its structural form, one line per block (inline content on its block's line)."""
    math = _Math()
    fragment = re.sub(r"<!--.*?-->", "", fragment, flags=re.S)
    parser = _Parser()
    parser.feed(math.extract(fragment))
    parser.close()
    out: list[str] = []
    _flatten(parser.root, math, out, 0)
    return out


# --- comparison and report -----------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    post: str
    lines: tuple[str, ...]          # unified diff lines, jekyll (-) vs sitegen (+)
    allowed: str | None = None      # the allow-list entry's name

    def text(self) -> str:
        return "\n".join(self.lines)


def load_allowed(path: Path = ALLOWED) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        if not {"name", "reason", "posts"} <= set(entry):
            raise ValueError(f"{path}: every entry needs name, reason, posts: {entry}")
    return entries


def _allowed_by(post: str, lines: list[str], entries: list[dict]) -> str | None:
    """The entry allowing this difference: its posts match, and every changed line matches its
    `diff`, or (`same_after`: [[regex, replacement]…]) Jekyll's lines and sitegen's become equal
    once both are rewritten so."""
    for entry in entries:
        if any(fnmatch(post, pattern) for pattern in entry["posts"]):
            if "same_after" in entry:
                def rewrite(line: str) -> str:
                    for regex, replacement in entry["same_after"]:
                        line = re.sub(regex, replacement, line)
                    return line
                ours = [rewrite(line[1:]) for line in lines if line[:1] == "+"]
                if ours and ours == [rewrite(line[1:]) for line in lines if line[:1] == "-"]:
                    return entry["name"]
                continue
            pattern = entry.get("diff")
            if pattern is None or all(re.search(pattern, line) for line in lines if line[:1] in "+-"):
                return entry["name"]
    return None


def compare(jekyll: dict[str, str], ours: dict[str, str], entries: list[dict]) -> tuple[list[str], list[Difference]]:
    """(posts compared, differences). Posts Jekyll could not build here are not compared (see `unbuilt`)."""
    posts = sorted(name for name in set(jekyll) | set(ours) if not jekyll.get(name, "").startswith(UNBUILT))
    differences = []
    for post in posts:
        if post in ours and ours[post].startswith(REFUSED):
            lines = [f"+ sitegen refused it: {ours[post][len(REFUSED):]}"]
        elif post not in ours or post not in jekyll:
            lines = [f"- {'missing in sitegen' if post not in ours else 'missing in Jekyll'}"]
        else:
            a, b = normalize(jekyll[post]), normalize(ours[post])
            if a == b:
                continue
            lines = [l for l in difflib.unified_diff(a, b, "jekyll", "sitegen", n=1, lineterm="")][2:]
        differences.append(Difference(post, tuple(lines), _allowed_by(post, lines, entries)))
    return posts, differences


def unbuilt(jekyll: dict[str, str]) -> dict[str, str]:
    """Posts Jekyll could not build here → why (a plugin's tag, say): no oracle, so not compared."""
    return {name: body[len(UNBUILT):] for name, body in sorted(jekyll.items()) if body.startswith(UNBUILT)}


def report(posts: list[str], differences: list[Difference], verbose: bool = True,
           not_compared: dict[str, str] | None = None) -> str:
    equal = len(posts) - len(differences)
    rate = equal / len(posts) if posts else 0.0
    allowed = [d for d in differences if d.allowed]
    out = [f"posts: {len(posts)}, equal: {equal} ({rate:.1%}), "
           f"kept on purpose: {len(allowed)}, unexplained: {len(differences) - len(allowed)}"
           + (f", not built by Jekyll here (not compared): {len(not_compared)}" if not_compared else "")]
    out += [f"{name}: not compared, Jekyll could not build it: {why}" for name, why in (not_compared or {}).items()]
    for d in differences:
        out.append(f"{d.post}: " + (f"kept on purpose ({d.allowed})" if d.allowed else "DIFFERENT"))
        if verbose or not d.allowed:
            out += ["    " + line for line in d.lines]
    return "\n".join(out)


def run(site: Path = CORPUS, allowed: list[dict] | None = None,
        not_compared: dict[str, str] | None = None) -> tuple[list[str], list[Difference]]:
    """Build SITE both ways and compare. The allow-list entries that apply: those without `site:`
    for the corpus, those whose `site:` is SITE's folder name for a real blog."""
    with tempfile.TemporaryDirectory(prefix="differential-") as tmp:
        work = Path(tmp)
        jekyll = build_jekyll(site, work)
        ours = build_sitegen(site, work)
    if not_compared is not None:
        not_compared.update(unbuilt(jekyll))
    if allowed is None:
        allowed = [e for e in load_allowed() if e.get("site") == (None if site == CORPUS else site.name)]
    return compare(jekyll, ours, allowed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=CORPUS, help="a Jekyll site folder")
    parser.add_argument("--quiet", action="store_true", help="do not show the allowed differences")
    args = parser.parse_args(argv)
    try:
        not_compared: dict[str, str] = {}
        posts, differences = run(args.site.resolve(), not_compared=not_compared)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(report(posts, differences, verbose=not args.quiet, not_compared=not_compared))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
