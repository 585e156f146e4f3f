"""kramdown's reading of Markdown (Jekyll's default: kramdown with GFM input) on Python-Markdown.

A preprocessor rewrites the block structure kramdown reads differently into what Python-Markdown
reads the same way: a list, fence, heading or blockquote right after a paragraph line starts a
block (GFM); list content is indented by its marker's width, not by four spaces; block IALs
(`{: .class #id}` on their own line) attach to the block before them, or after them when a blank
line precedes; `{::comment}`, `{::options}` and `{::nomarkdown}`; tables without a header row.
Tree processors then apply the IALs, give headings kramdown's ids (site option
`heading_ids: kramdown`) and expand `* TOC` + `{:toc}`. Inline, `$$…$$` is math as in kramdown
(display when it is a paragraph of its own) and the MathJax idiom `\\( … \\)` is math too.
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

IAL_MARK = "KRAMDOWNIAL{}X"
IAL_MARK_TEXT = re.compile(r"KRAMDOWNIAL(\d+)X")
NO_HEADER = "KRAMDOWNNOHEADERX"
NOT_DISPLAY = "KRAMDOWNINLINEX"
BARE, WRAPPED = "KRAMDOWNBAREX", "KRAMDOWNPARAX"   # a list item's first paragraph: without or with <p>
DOLLARS = re.compile(r"^ {0,3}\$\$")

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^#{1,6}[ \t]+\S")
QUOTE = re.compile(r"^ {0,3}>")
LIST_ITEM = re.compile(r"^( {0,3})([*+-]|\d+\.)([ \t]+|$)(.*)$")
DEFINITION = re.compile(r"^ {0,3}:[ \t]")
IAL_LINE = re.compile(r"^ {0,3}\{:(?![:/])((?:\\\}|[^}])+)\}\s*$")
ALD_LINE = re.compile(r"^ {0,3}\{:(\w[\w-]*):((?:\\\}|[^}])+)\}\s*$")
EXTENSION_START = re.compile(r"^ {0,3}\{::(\w+)(?:\s((?:\\\}|[^}])*?)|)(/)?\}\s*$")
HTML_START = re.compile(r"^ {0,3}</?[a-zA-Z]")
TABLE_ROW = re.compile(r"^ {0,3}\|")
TABLE_SEPARATOR = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")

# one attribute of an IAL: key="value", .class, #id or a reference to an ALD
ATTRIBUTE = re.compile(r"""(?:\A|\s)(?:(\w[\w-]*)=("|')((?:\\\}|\\\2|(?!\2)[^}])*?)\2|(\w[\w-]*)"""
                       r"""|((?:#[A-Za-z][\w:-]*|\.[^\s.#]+)+))(?=\s|\Z)""")
ID_OR_CLASS = re.compile(r"#([A-Za-z][\w:-]*)|\.([^\s.#]+)")


def parse_attributes(text: str, alds: dict[str, dict]) -> dict:
    """An IAL's content → {"id": …, "class": …, key: value, "refs": [...]} as kramdown reads it."""
    attrs: dict = {}
    for key, _quote, value, ref, id_or_class in ATTRIBUTE.findall(text):
        if ref:
            attrs.setdefault("refs", []).append(ref)
            for k, v in alds.get(ref, {}).items():
                _merge(attrs, k, v)
        elif id_or_class:
            for ident, cls in ID_OR_CLASS.findall(id_or_class):
                _merge(attrs, "class" if cls else "id", cls or ident)
        else:
            attrs[key] = re.sub(r"\\([}'\"])", r"\1", value)
    return attrs


def _merge(attrs: dict, key: str, value) -> None:
    if key == "class":
        attrs["class"] = f"{attrs.get('class', '')} {value}".strip()
    elif key == "refs":
        attrs.setdefault("refs", []).extend(value)
    else:
        attrs[key] = value


# kramdown's span elements: a line starting with one of them is text, and continues a list item lazily
HTML_SPAN = re.compile(r"^ {0,3}</?(?:a|abbr|acronym|b|big|bdo|br|button|cite|code|del|dfn|em|i|img|input|ins|"
                       r"kbd|label|mark|option|q|rb|rbc|rp|rt|rtc|ruby|samp|select|small|span|strong|sub|sup|tt|"
                       r"u|var)(?![\w-])", re.I)


def _html_block_line(line: str) -> bool:
    return bool(HTML_START.match(line)) and not HTML_SPAN.match(line)


LIST_EOB = re.compile(r"^\^\s*$")
TASK = re.compile(r"^\[[ xX]\](?:\s|$)")
HR_LINE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
PARAGRAPH_STOP = (ATX, FENCE, QUOTE, IAL_LINE, DEFINITION)


def _first_paragraph(content: list[str], trailing: int) -> tuple[int, bool] | None:
    """A list item's content as kramdown's children see it: None when it does not start with a
    paragraph, else (how many children, at least up to 2; whether a blank line follows the paragraph)."""
    if not content or not content[0].strip() or _starts_block(content[0]) or TASK.match(content[0]):
        return None
    for j in range(1, len(content)):
        line = content[j]
        if not line.strip():
            return 3, True      # trailing blank lines were taken off: more content follows
        if DEFINITION.match(line):
            return None         # its lines are the terms of a definition list
        if _starts_block(line) and not SETEXT.match(line):
            return 2, False
    return (2, True) if trailing else (1, False)


def _starts_block(line: str) -> bool:
    item = LIST_ITEM.match(line)
    return bool(item and (item.group(4) or item.group(3))) or _html_block_line(line) or \
        bool(DOLLARS.match(line)) or any(p.match(line) for p in PARAGRAPH_STOP)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


class Blocks:
    """One pass over a body's lines (recursive for list items) → lines Python-Markdown reads as
    kramdown would; the IALs found are kept in `ials` for the tree processor."""

    def __init__(self):
        self.ials: list[tuple[str, dict]] = []    # ("prev" | "next" | "none", attributes)
        self.alds: dict[str, dict] = {}
        self.touched = False   # marks left for IalTreeprocessor: IALs, header-less tables, `$$` under headings

    def mark(self, where: str, attrs: dict) -> str:
        self.ials.append((where, attrs))
        self.touched = True
        return IAL_MARK.format(len(self.ials) - 1)

    def run(self, lines: list[str], in_item: bool = False) -> list[str]:
        out: list[str] = []
        context = None          # kind of the current block: None after a blank line
        previous = None         # kind of the block before the last blank line
        i = 0
        while i < len(lines):
            line = lines[i]
            if context == "ial" and line.strip():
                context = None    # the IAL ended the block before it: this line starts one
            if line[:1].isalpha() and "{:" not in line:
                # the common case, a line of text: it starts a paragraph or goes on with its block
                if context is None or context == "heading":
                    context = "para"
                out.append(line)
                i += 1
                continue
            if not line.strip():
                out.append(line)
                previous, context = context or previous, None
                i += 1
                continue
            fence = FENCE.match(line)
            if fence:   # a fence ends the block before it and the one it is in
                end = self._fence_end(lines, i, fence.group(1))
                if context is not None:
                    out.append("")
                fenced = lines[i:end]
                if fenced[0][:1] == " ":
                    # kramdown keeps the code's lines as written; indenting the fence does not
                    # take the same indent off them, as it does in CommonMark
                    closes = end - i - 1 if end - i > 1 and FENCE.match(fenced[-1]) else None
                    fenced = [l.lstrip(" ") if k in (0, closes) else l for k, l in enumerate(fenced)]
                out += [*fenced, ""]
                i, context, previous = end, None, "fence"
                continue
            if context is None and _indent(line) >= 4 and not in_item:
                out.append(line)      # indented code: kept as written
                context = "code"
                i += 1
                continue
            extension = EXTENSION_START.match(line)
            if extension:
                i, produced = self._extension(lines, i, extension)
                out += produced
                context = None
                continue
            ald = ALD_LINE.match(line)
            if ald:
                self.alds[ald.group(1)] = parse_attributes(ald.group(2), self.alds)
                out.append("")
                context, i = None, i + 1
                continue
            ial = IAL_LINE.match(line)
            if ial:
                attrs = parse_attributes(ial.group(1), self.alds)
                after_block = context is not None and context != "ial"
                out += ["", self.mark("prev" if after_block else "next", attrs), ""]
                context, i = "ial", i + 1
                continue
            if (context or previous) in ("para", "definition") and DEFINITION.match(line) and _indent(line) == 0:
                i, produced = self._definition(lines, i)
                out += produced
                context = None if produced and not produced[-1].strip() else "definition"
                continue
            item = LIST_ITEM.match(line)
            if item and not HR_LINE.match(line) and \
                    not (context == "para" and SETEXT.match(line) and item.group(2) == "-" and not item.group(4)):
                if item.group(4) or item.group(3):
                    if context == "para" and not in_item:   # in an item, a nested list stays tight
                        out.append("")
                    if context is None and previous == "list":
                        out += [self.mark("none", {}), ""]   # Python-Markdown would continue the list before
                    i, produced = self._list(lines, i)
                    out += produced
                    context = None if produced and not produced[-1].strip() else "list"
                    previous = "list"
                    continue
            if context == "para" and (ATX.match(line) or QUOTE.match(line)):
                out.append("")
                context = None
            if context is None and previous == "quote" and QUOTE.match(line):
                # kramdown starts a new blockquote after a blank line; Python-Markdown would merge them
                out += [self.mark("none", {}), ""]
            if context is None:
                if ATX.match(line):
                    out.append(line)
                    context, i = "heading", i + 1
                    continue
                if QUOTE.match(line):
                    context = "quote"
                elif _html_block_line(line):     # a line opening with a span element is text
                    context = "html"
                elif TABLE_ROW.match(line):
                    i, produced = self._table(lines, i)
                    out += produced
                    context = "table"
                    continue
                elif DOLLARS.match(line) and "$$" not in line.strip()[2:]:
                    end = next((j for j in range(i + 1, len(lines)) if "$$" in lines[j]), None)
                    if end is not None and lines[end].rstrip().endswith("$$") and \
                            (end + 1 == len(lines) or not lines[end + 1].strip()):
                        # kramdown's math block runs to the closing `$$`, across blank lines and
                        # lines that would start a list or a quote elsewhere
                        kept = [l for l in lines[i:end + 1] if l.strip()]
                        out += kept + [""] * (end + 1 - i - len(kept))   # same line count
                        i, context, previous = end + 1, None, "math"
                        continue
                    context = "para"
                else:
                    context = "para"
            elif context == "heading":
                context = "para"
                if DOLLARS.match(line):   # `$$` right under a heading: inline math in kramdown
                    line = NOT_DISPLAY + line
                    self.touched = True
            out.append(line)
            i += 1
        return out

    @staticmethod
    def _fence_end(lines: list[str], start: int, fence: str) -> int:
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        for j in range(start + 1, len(lines)):
            if close.match(lines[j]):
                return j + 1
        return len(lines)

    def _extension(self, lines: list[str], i: int, m: re.Match) -> tuple[int, list[str]]:
        name, closed = m.group(1), m.group(3)
        if closed:
            return i + 1, [""]   # {::options … /}: settings, consumed (an end of block, as in kramdown)
        stop = re.compile(rf"^ {{0,3}}\{{:/(?:{re.escape(name)})?\}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if stop.match(lines[j])), None)
        if end is None:
            return i + 1, [lines[i]]    # no stop tag: kramdown warns and shows it as text
        if name == "nomarkdown":
            return end + 1, ["", self.raw("\n".join(lines[i + 1:end])), ""]
        return end + 1, [""]      # {::comment}: never published

    def raw(self, html: str) -> str:
        return self.stash(html) if self.stash else html

    stash = None   # set by the preprocessor: md.htmlStash.store

    def _list(self, lines: list[str], i: int) -> tuple[int, list[str]]:
        """One list at lines[i]: each item's content gathered as kramdown does (indented by the
        marker's width, or lazy), processed recursively, and written back indented by four."""
        first = LIST_ITEM.match(lines[i])
        ordered = first.group(2)[0].isdigit()
        items: list[tuple[str, list[str]]] = []
        out: list[str] = []
        shapes: list = []     # per item: (its start in out, _first_paragraph) for _mark_paragraphs
        while i < len(lines):
            m = LIST_ITEM.match(lines[i])
            if not m or m.group(2)[0].isdigit() != ordered:
                break
            marker = m.group(2)
            spaces = len(m.group(3).expandtabs(4)) if m.group(4) else 1
            if spaces > 4:
                spaces = 1
            width = len(m.group(1)) + len(marker) + spaces
            content = [m.group(4) if m.group(4) else ""]
            i += 1
            last_blank = False
            sibling = re.compile(rf"^ {{0,{min(width, 4) - 1}}}(?:[*+-]|\d+\.)(?:[ \t]|$)")
            while i < len(lines):
                line = lines[i]
                if not line.strip():
                    content.append("")
                    last_blank = True
                    i += 1
                    continue
                if sibling.match(line) and (LIST_ITEM.match(line).group(2)[0].isdigit() == ordered):
                    break
                if last_blank and re.match(r"^ {0,3}([-*_])( *\1){2,} *$", line):
                    break
                expanded = line.expandtabs(4)
                if _indent(expanded) >= width:
                    content.append(expanded[width:])
                elif not last_blank and not IAL_LINE.match(line) and not _html_block_line(line):
                    # lazy, as in kramdown, even a marker of the other list type: it nests
                    content.append(line.lstrip() if _indent(line) < width else line)
                else:
                    break
                last_blank = False
                i += 1
            trailing = 0
            while content and not content[-1].strip():
                content.pop()
                trailing += 1
            items.append((marker, content))
            out_item = self.run(content, in_item=True)
            starts = len(out)
            out.append(f"{marker} {out_item[0] if out_item else ''}")
            # the rest of the first paragraph (with a definition under it) stays lazy, unindented:
            # Python-Markdown then reads it as one block with the first line (terms of a <dl>…)
            lazy = 1
            while lazy < len(out_item) and out_item[lazy].strip() and _indent(out_item[lazy]) < 4 and \
                    (not _starts_block(out_item[lazy]) or DEFINITION.match(out_item[lazy])):
                lazy += 1
            out += out_item[1:lazy]
            out += [("    " + l) if l.strip() else "" for l in out_item[lazy:]]
            out += [""] * trailing
            if not trailing and "" in out_item[lazy:] and i < len(lines) and sibling.match(lines[i]):
                # the item holds several blocks (a quote, a list…): without a blank line before the
                # next item, Python-Markdown would read that item into the last block
                out.append("")
            shapes.append((starts, _first_paragraph(content, trailing)))
        self._mark_paragraphs(out, shapes, ended=i < len(lines) and LIST_EOB.match(lines[i]) is not None)
        return i, out

    def _mark_paragraphs(self, out: list[str], shapes: list, ended: bool) -> None:
        """kramdown's rule for an item's first paragraph (parser/kramdown/list.rb): shown without
        <p> unless a blank line follows it, and the last item's only when an earlier item's is;
        Python-Markdown wraps every item of a loose list and none of a tight one."""
        earlier_bare = False
        for n, (start, shape) in enumerate(shapes):
            if shape is None:            # the item does not start with a paragraph
                earlier_bare = True
                continue
            count, blank_after = shape
            last = n == len(shapes) - 1
            bare = (count < 2 or not blank_after or (last and count == 2 and not ended)) and \
                (not last or len(shapes) == 1 or earlier_bare)
            earlier_bare = earlier_bare or bare
            marker, _, first = out[start].partition(" ")
            out[start] = f"{marker} {BARE if bare else WRAPPED}{first}"
            self.touched = True

    def _definition(self, lines: list[str], i: int) -> tuple[int, list[str]]:
        """One definition (`: text`) at lines[i]: its content indented by the marker's width as
        kramdown reads it (or lazy), processed like a list item's, written back indented by four."""
        m = re.match(r"^:([ \t]+)(.*)$", lines[i])
        width = 1 + len(m.group(1).expandtabs(4))
        content, last_blank = [m.group(2)], False
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                content.append("")
                last_blank, i = True, i + 1
                continue
            expanded = line.expandtabs(4)
            if _indent(expanded) >= width:
                content.append(expanded[width:])
            elif last_blank or DEFINITION.match(line) or IAL_LINE.match(line) or _html_block_line(line):
                break
            else:
                content.append(line)   # lazy
            last_blank, i = False, i + 1
        trailing = 0
        while content and not content[-1].strip():
            content.pop()
            trailing += 1
        body = self.run(content, in_item=True)
        return i, [f": {body[0] if body else ''}", *[("    " + l) if l.strip() else "" for l in body[1:]],
                   *[""] * trailing]

    def _table(self, lines: list[str], i: int) -> tuple[int, list[str]]:
        end = i
        while end < len(lines) and TABLE_ROW.match(lines[end]):
            end += 1
        rows = lines[i:end]
        header = next((n for n, row in enumerate(rows) if TABLE_SEPARATOR.match(row)), None)
        if header is not None and header > 0:
            # kramdown: a separator after the header's only splits the body (or ends it): no row
            kept = rows[:header + 1] + [r for r in rows[header + 1:] if not TABLE_SEPARATOR.match(r)]
            if len(kept) < len(rows):
                return end, kept + [""] * (len(rows) - len(kept))
        lead = 0
        while lead < len(rows) - 1 and TABLE_SEPARATOR.match(rows[lead]):
            lead += 1     # kramdown ignores separator lines before the first row
        if lead:
            return end, [""] * lead + self._table(rows, lead)[1]
        if len(rows) >= 2 and TABLE_SEPARATOR.match(rows[1]):
            return end, rows
        if any(TABLE_SEPARATOR.match(r) for r in rows):
            return end, rows
        self.touched = True
        cells = max(1, rows[0].strip().strip("|").count("|") + 1)
        header = "|" + "|".join([NO_HEADER] * cells) + "|"
        return end, [header, "|" + "|".join(["---"] * cells) + "|", *rows]


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
