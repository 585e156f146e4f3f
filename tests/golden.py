"""Golden pages: chosen pages of the `basic` fixture, compared with tests/golden/ by meaning.

A page is compared in a canonical form: HTML parsed into elements, sorted attributes and decoded
text (whitespace collapsed outside <pre>), XML canonicalized (C14N 2.0), with HTML carried inside a
feed entry parsed the same way. So a library upgrade that only changes bytes (Pygments writing `"`
where it wrote `&quot;`, Markdown's line breaks between blocks) passes, and one that changes the
structure, the text or an attribute fails.

Regenerate after an intended change of the theme or the renderer, then review the diff:

    python tests/golden.py

It records the versions of the rendering libraries beside the pages (tests/golden/basic/VERSIONS).
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "basic"
VERSIONS = GOLDEN / "VERSIONS"
PAGES = ("fr/2021/04/05/phase-d-entrainement/index.html", "en/2021/04/05/training-phase/index.html",
         "fr/2021/06/07/seulement-en-francais/index.html", "fr/index.html", "en/feed.xml", "sitemap.xml")
LIBRARIES = ("Markdown", "pymdown-extensions", "Pygments", "Jinja2", "latex2mathml", "Babel")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PREFORMATTED = {"pre", "textarea", "script", "style"}


class _Canonical(HTMLParser):
    """One line per start tag (attributes sorted, values decoded) and per text run (decoded, JSON-quoted)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.open: list[str] = []

    def _indent(self) -> str:
        return "  " * len(self.open)

    def handle_starttag(self, tag, attrs):
        shown = " ".join(f"{name}={json.dumps(value or '', ensure_ascii=False)}" for name, value in sorted(attrs))
        self.lines.append(f"{self._indent()}<{tag}{' ' + shown if shown else ''}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if not PREFORMATTED.intersection(self.open):
            data = re.sub(r"\s+", " ", data)
            if data == " ":
                return
        if self.lines and self.lines[-1].startswith(self._indent() + '"'):
            data = json.loads(self.lines.pop().strip()) + data  # text split by a comment or a char ref
        self.lines.append(self._indent() + json.dumps(data, ensure_ascii=False))


def canonical_html(text: str) -> str:
    parser = _Canonical()
    parser.feed(text)
    parser.close()
    return "\n".join(parser.lines) + "\n"


def canonical_xml(text: str) -> str:
    root = ET.fromstring(text)
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            element.text = canonical_html(element.text)
    return ET.canonicalize(ET.tostring(root, encoding="unicode")).replace("><", ">\n<")


def canonical(page: str, data: bytes) -> str:
    text = data.decode("utf-8")
    return canonical_xml(text) if page.endswith(".xml") else canonical_html(text)


def library_versions() -> str:
    return "".join(f"{name}=={metadata.version(name)}\n" for name in LIBRARIES)


def build_basic(dest: Path) -> dict[str, bytes]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    from sites import make_site
    from sitegen.build import BuildOptions, build

    files = build(make_site("basic", dest), BuildOptions(write=False)).tree.files
    return {page: files[page] for page in PAGES}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for page, data in build_basic(Path(tmp)).items():
            target = GOLDEN / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"wrote {target.relative_to(HERE.parent)}")
    VERSIONS.write_text(library_versions(), encoding="utf-8")
    print(f"wrote {VERSIONS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
