"""kramdown's reading of Markdown (Jekyll's default: kramdown with GFM input) on Python-Markdown.

A preprocessor (kramdown_blocks.py) rewrites the block structure kramdown reads differently into
what Python-Markdown reads the same way. Tree processors then apply the IALs, give list items'
first paragraphs kramdown's <p> or none, give headings kramdown's ids (site option
`heading_ids: kramdown`) and expand `* TOC` + `{:toc}`. Inline, `$$…$$` is math as in kramdown
(display when it is a paragraph of its own), the MathJax idiom `\\( … \\)` is math too (Markdown
escapes in it undone, as kramdown does), code spans keep their spaces, kramdown's escapable
characters and bracketed references read as kramdown reads them.
Tested against Jekyll itself: tests/jekyll/.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import (BACKTICK_RE, NOIMG, BacktickInlineProcessor, InlineProcessor,
                                     ReferenceInlineProcessor, ShortReferenceInlineProcessor)
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString, code_escape

from .kramdown_blocks import (BARE, IAL_MARK_TEXT, NO_HEADER, NOT_DISPLAY, WRAPPED, Blocks,  # noqa: F401
                              parse_attributes)   # parse_attributes: tests read it here


LEFT_MARK = re.compile(r"KRAMDOWN(?:IAL\d+|BARE|PARA|INLINE|NOHEADER)X")


class LeftMarks(Postprocessor):
    """A mark left where no tree processor reached it (in raw HTML, or in code an odd indent
    made) is taken out of the page rather than shown."""

    def run(self, text: str) -> str:
        blocks = getattr(self.md, "kramdown", None)
        return LEFT_MARK.sub("", text) if blocks is not None and blocks.touched and "KRAMDOWN" in text else text


class KramdownPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        blocks = Blocks()
        blocks.stash = self.md.htmlStash.store
        self.md.kramdown = blocks
        return blocks.run(lines)


class IalTreeprocessor(Treeprocessor):
    """Puts each block IAL on its block (the one before it, or after it), and drops the marks;
    removes the header row of tables written without one."""

    def run(self, root: etree.Element) -> None:
        blocks = getattr(self.md, "kramdown", None)
        if blocks is None or not blocks.touched:
            return
        ials = blocks.ials
        for parent in list(root.iter()):
            children = list(parent)
            for index, child in enumerate(children):
                if child.tag == "thead" and _is_no_header(child):
                    parent.remove(child)
                    continue
                if child.tag == "p" and child.text and child.text.startswith(NOT_DISPLAY):
                    child.text = child.text[len(NOT_DISPLAY):]
                if not ials or child.tag not in ("p", "dt") or len(child) or not child.text:
                    continue
                m = IAL_MARK_TEXT.fullmatch(child.text.strip())
                if not m:
                    continue
                where, attrs = ials[int(m.group(1))]
                target = None
                if where == "prev" and index > 0:
                    target = children[index - 1]
                elif where == "next":
                    target = next((c for c in children[index + 1:] if not _is_mark(c)), None)
                if target is not None and target in parent:
                    apply(target, attrs)
                parent.remove(child)


class ListParagraphTreeprocessor(Treeprocessor):
    """Before inline parsing (the text is still Markdown, so typography never sees a mark): drops
    each list item's mark and unwraps or wraps its first paragraph as the mark says."""

    def run(self, root: etree.Element) -> None:
        blocks = getattr(self.md, "kramdown", None)
        if blocks is None or not blocks.touched:
            return
        for li in root.iter("li"):
            first = li[0] if len(li) and not (li.text or "").strip() else None
            holder = first if first is not None and first.tag == "p" else li
            text = holder.text or ""
            mark = BARE if text.startswith(BARE) else WRAPPED if text.startswith(WRAPPED) else None
            if mark is None:
                for element in li.iter():   # the item became something else: the mark only goes
                    if element.text and element.text.startswith((BARE, WRAPPED)):
                        element.text = element.text[len(BARE):]
                        break
                continue
            holder.text = text[len(mark):]
            if mark == BARE and holder is not li:       # <li><p>text</p>… → <li>text…
                li.remove(first)
                li.text = (first.text or "") + ("\n" if len(li) else "")
            elif mark == WRAPPED and holder is li:      # <li>text<ul>… → <li><p>text</p><ul>…
                p = etree.Element("p")
                p.text, li.text = li.text, None
                li.insert(0, p)


def _is_mark(element) -> bool:
    return element.tag == "p" and not len(element) and bool(IAL_MARK_TEXT.fullmatch((element.text or "").strip()))


def _is_no_header(thead) -> bool:
    return all((cell.text or "").strip() == NO_HEADER for row in thead for cell in row)


def apply(element: etree.Element, attrs: dict) -> None:
    for key, value in attrs.items():
        if key == "refs":
            if "toc" in value:
                element.set("data-kramdown-toc", "1")
        elif key == "class":
            element.set("class", f"{element.get('class', '')} {value}".strip())
        else:
            element.set(key, value)


# --- heading ids and the {:toc} list --------------------------------------------------------------

NON_WORD = re.compile(r"[^\w\- \t]")
HEADING = re.compile(r"h[1-6]")
STASHED = re.compile("\x02wzxhzdk:\\d+\x03|\x02klzzwxh:\\d+\x03")


def kramdown_id(text: str, counts: dict[str, int]) -> str:
    """kramdown-parser-gfm's auto id: lowercase, drop what is not a letter, digit, `_`, `-`,
    space or tab, spaces and tabs become `-`; a repeated id gets `-1`, `-2`…"""
    result = NON_WORD.sub("", text.lower()).replace(" ", "-").replace("\t", "-")
    counts[result] = counts.get(result, -1) + 1
    return f"{result}-{counts[result]}" if counts[result] else result


def raw_text(element: etree.Element) -> str:
    """The heading's text as kramdown sees it: text, code and math, not footnote marks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "sup" and (child.get("id") or "").startswith("fnref"):
            pass
        elif child.tag == "span" and child.get("class") == "arithmatex":
            from .math import strip_delimiters
            parts.append(strip_delimiters(child.text or ""))
        else:
            parts.append(raw_text(child))
        parts.append(child.tail or "")
    text = STASHED.sub("", "".join(parts))
    return re.sub("\x02(\\d+)\x03", lambda m: chr(int(m.group(1))), text)


class HeadingIdTreeprocessor(Treeprocessor):
    """kramdown's heading ids when the site asks for them (`heading_ids: kramdown`)."""

    def run(self, root: etree.Element) -> None:
        if getattr(self.md, "heading_ids", "readable") != "kramdown":
            return
        counts: dict[str, int] = {}
        for element in root.iter():
            if isinstance(element.tag, str) and HEADING.fullmatch(element.tag) and "id" not in element.attrib:
                element.set("id", kramdown_id(raw_text(element), counts))


class TocTreeprocessor(Treeprocessor):
    """A list marked `{:toc}` becomes kramdown's table of contents (its generate_toc_tree): every
    heading but those of class `no_toc`, nested by level, each linking to its id."""

    def run(self, root: etree.Element) -> None:
        blocks = getattr(self.md, "kramdown", None)
        if blocks is None or not any("refs" in attrs for _, attrs in blocks.ials):
            return
        marked = [(parent, child) for parent in root.iter() for child in parent if child.get("data-kramdown-toc")]
        if not marked:
            return
        headings = [h for h in root.iter() if isinstance(h.tag, str) and HEADING.fullmatch(h.tag)
                    and "no_toc" not in (h.get("class") or "").split() and h.get("id")]
        for parent, lst in marked:
            attrs = {k: v for k, v in lst.attrib.items() if k != "data-kramdown-toc"}
            attrs.setdefault("id", "markdown-toc")
            toc = etree.Element(lst.tag if lst.tag in ("ul", "ol") else "ul", attrs)
            stack: list[tuple[int, etree.Element]] = []     # (level, li)
            for heading in headings:
                level = int(heading.tag[1])
                item = etree.Element("li")
                link = etree.SubElement(item, "a", {"href": f"#{heading.get('id')}",
                                                    "id": f"{attrs['id']}-{heading.get('id')}"})
                _copy_content(heading, link)
                while stack and stack[-1][0] >= level:
                    stack.pop()
                if stack:
                    sub = stack[-1][1].find(toc.tag)
                    if sub is None:
                        sub = etree.SubElement(stack[-1][1], toc.tag)
                    sub.append(item)
                else:
                    toc.append(item)
                stack.append((level, item))
            index = list(parent).index(lst)
            toc.tail = lst.tail
            parent.remove(lst)
            parent.insert(index, toc)


def _copy_content(heading: etree.Element, link: etree.Element) -> None:
    """The heading's content without its permalink, footnote marks or links (as kramdown's toc)."""
    import copy

    link.text = heading.text
    for child in heading:
        if child.tag == "a" or (child.tag == "sup" and (child.get("id") or "").startswith("fnref")):
            if child.tag == "a" and "anchor" not in (child.get("class") or "").split():
                inner = copy.deepcopy(child)
                span_text = "".join(inner.itertext())
                _append_text(link, span_text)
            _append_text(link, child.tail or "")
            continue
        clone = copy.deepcopy(child)
        link.append(clone)


def _append_text(element: etree.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


# --- math ----------------------------------------------------------------------------------------

def _math_span(latex: str, display: bool) -> etree.Element:
    element = etree.Element("span", {"class": "arithmatex"})
    element.text = AtomicString(f"\\[{latex}\\]" if display else f"\\({latex}\\)")
    return element


class DoubleDollarInline(InlineProcessor):
    """`$$…$$` inside a paragraph is inline math in kramdown (`\\$$` is two dollars)."""

    def handleMatch(self, m: re.Match, data: str):
        return _math_span(m.group(1).strip(), False), m.start(0), m.end(0)


KRAMDOWN_ESCAPE = re.compile(r"\\([\\.*_+\-`()\[\]{}#!:|\"'$=<>])")   # kramdown's escapable characters


class EscapedMathJax(InlineProcessor):
    """`\\( … \\)`, the MathJax idiom written so that Markdown leaves `\\(` behind."""

    def handleMatch(self, m: re.Match, data: str):
        display = m.group(1) is None
        # the text is Markdown to kramdown: its escapes (`\\_`, `\\{`, `\\\\`) reach MathJax unescaped
        latex = KRAMDOWN_ESCAPE.sub(r"\1", m.group(2) if display else m.group(1))
        return _math_span(latex.strip(), display), m.start(0), m.end(0)


class KramdownBacktick(BacktickInlineProcessor):
    """A code span keeps its spaces as kramdown keeps them: all of them between single backticks,
    all but one on each side between longer ones (Python-Markdown strips them all)."""

    def handleMatch(self, m: re.Match, data: str):
        if m.group(1):
            return super().handleMatch(m, data)
        begin = m.start(0)
        start, end = self.find_code_spans(begin, data)
        if end is None:
            return None, begin, start
        text = data[start:end]
        if start - begin > 1:
            text = text[1:] if text[:1] == " " else text
            text = text[:-1] if text[-1:] == " " else text
        element = etree.Element("code")
        element.text = AtomicString(code_escape(text))
        return element, begin, end + (start - begin)


class RetryingReference(ReferenceInlineProcessor):
    """`[[Feature #20564]]`: an undefined reference is text from its `[` only, and the reference
    inside it still links (Python-Markdown skipped the whole bracket)."""

    def handleMatch(self, m: re.Match, data: str):
        node, start, end = super().handleMatch(m, data)
        return (None, start, start + 1) if node is None and start is not None else (node, start, end)


class RetryingShortReference(RetryingReference, ShortReferenceInlineProcessor):
    pass


class BackslashBreak(InlineProcessor):
    """GFM: a backslash at the end of a line is a line break."""

    def handleMatch(self, m: re.Match, data: str):
        element = etree.Element("br")
        element.tail = "\n"
        return element, m.start(0), m.end(0)


class DisplayMathBlock(BlockProcessor):
    """A block that is only `$$…$$` (or `\\[ … \\]`) is display math."""

    PATTERN = re.compile(r"^\s*(?:(?<!\\)\$\$(?P<d>(?:(?!\$\$).)+?)\$\$|\\\\\[(?P<b>.+?)\\\\\])\s*$", re.S)

    def test(self, parent, block) -> bool:
        return ("$$" in block or "\\\\[" in block) and bool(self.PATTERN.match(block))

    def run(self, parent, blocks) -> None:
        m = self.PATTERN.match(blocks.pop(0))
        div = etree.SubElement(parent, "div", {"class": "arithmatex"})
        div.text = AtomicString(f"\\[{(m.group('d') or m.group('b')).strip()}\\]")


class KramdownExtension(Extension):
    def extendMarkdown(self, md) -> None:
        md.registerExtension(self)
        # kramdown's escapable characters beyond Markdown's: `\<tag>` shows `<tag>`, `\|` a bar
        md.ESCAPED_CHARS = md.ESCAPED_CHARS + [c for c in ":|\"'$=<" if c not in md.ESCAPED_CHARS]
        md.preprocessors.register(KramdownPreprocessor(md), "kramdown", 28)
        md.parser.blockprocessors.register(DisplayMathBlock(md.parser), "kramdown-math-block", 80.5)
        md.inlinePatterns.register(DoubleDollarInline(r"(?<!\\)\$\$((?:(?!\$\$).)+?)\$\$", md), "kramdown-math", 189.95)
        md.inlinePatterns.register(KramdownBacktick(BACKTICK_RE), "backtick", 190)
        md.inlinePatterns.register(RetryingReference(NOIMG + r"\[", md), "reference", 170)
        md.inlinePatterns.register(RetryingShortReference(NOIMG + r"\[", md), "short_reference", 130)
        md.inlinePatterns.register(BackslashBreak(r"\\\n", md), "backslash-break", 186)
        md.inlinePatterns.register(EscapedMathJax(r"\\\\\((.+?)\\\\\)|\\\\\[(.+?)\\\\\]", md), "mathjax-escaped", 185)
        md.treeprocessors.register(ListParagraphTreeprocessor(md), "kramdown-list-p", 20.5)
        md.treeprocessors.register(IalTreeprocessor(md), "kramdown-ial", 7.5)
        md.treeprocessors.register(HeadingIdTreeprocessor(md), "kramdown-ids", 6)
        md.treeprocessors.register(TocTreeprocessor(md), "kramdown-toc", 4)
        md.postprocessors.register(LeftMarks(md), "kramdown-marks", 1)

    def reset(self) -> None:
        pass


def makeExtension(**kwargs):
    return KramdownExtension(**kwargs)
