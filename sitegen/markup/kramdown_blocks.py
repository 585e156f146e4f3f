"""kramdown's block structure read into what Python-Markdown reads the same way (kramdown.py's
preprocessor): one pass over a body's lines, recursive for list items and definitions.

A list, fence, heading or blockquote right after a paragraph line starts a block (GFM); list and
definition content is indented by its marker's width, not by four spaces, and continues lazily as
kramdown's does; an item's first paragraph gets its <p> or not by kramdown's rule (marked for
kramdown.py's tree processor); block IALs attach to the block before them, or after them when a
blank line precedes; `{::comment}`, `{::options}` and `{::nomarkdown}`; tables without a header row
or with separator lines around it; `$$` math blocks run to their closing `$$`.
"""
from __future__ import annotations

import re

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
QUOTED_LIST = re.compile(r"^(?: {0,3}> ?)*+ {0,3}(?:[*+-]|\d+\.)[ \t]")   # a list item, in nested quotes or not
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
                    i, produced = self._quote(lines, i)
                    out += produced
                    context = "quote"
                    continue
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

    def _quote(self, lines: list[str], i: int) -> tuple[int, list[str]]:
        """A blockquote at lines[i]: its lines (`>` taken off, lazy lines as they are) read as a
        body of their own (a list right under a paragraph starts there too), `> ` put back."""
        content, end = [], i
        while end < len(lines) and lines[end].strip():
            m = re.match(r"^ {0,3}> ?", lines[end])
            if not m and (FENCE.match(lines[end]) or ATX.match(lines[end]) or HR_LINE.match(lines[end])):
                break
            content.append(lines[end][m.end():] if m else lines[end])
            end += 1
        if not any(QUOTED_LIST.match(l) or FENCE.match(l) for l in content):
            return end, lines[i:end]   # nothing kramdown reads differently inside: as written
        inner = self.run(content)
        while inner and not inner[-1].strip():
            inner.pop()
        return end, ["> " + l if l.strip() else ">" for l in inner] + [""] * (end - i - len(inner))

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
