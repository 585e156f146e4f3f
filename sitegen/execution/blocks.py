"""Executable blocks: found in a post, their options parsed and checked, their code resolved.

Syntax — a fenced block whose info string is `python exec` followed by options, so other
Markdown viewers still show Python code:

    ```python exec file="bn_forward.py" region="forward" caption="…"
    ```

Options: file, region, lines="A-B", session, hide_code, hide_output, expect_error,
timeout=SECONDS, caption, alt, id, data="files the code reads". A block with `file` embeds that sample (or its region
`# region: NAME` … `# endregion`, or its line range); otherwise the fence's body is the code.
Comment lines `# fr: …` / `# en: …` are shown only on the page of that language.
"""
from __future__ import annotations

import re
import shlex
from functools import lru_cache
from dataclasses import dataclass

from ..errors import Problem, error
from ..markup import PLACEHOLDER
from ..sources import split_fences

EXEC_INFO = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*\{?[ \t]*\.?python[ \t]+exec\b(?P<options>.*?)\}?[ \t]*$")
FLAGS = {"hide_code", "hide_output", "expect_error"}
VALUED = {"file", "region", "lines", "session", "timeout", "caption", "alt", "id", "data"}
LANG_COMMENT = re.compile(r"^([ \t]*)#[ \t]*([a-z]{2,3}):[ \t]?")


@dataclass(frozen=True)
class BlockOptions:
    file: str | None = None
    region: str | None = None
    lines: tuple[int, int] | None = None
    session: str = "main"
    hide_code: bool = False
    hide_output: bool = False
    expect_error: bool = False
    timeout: float | None = None
    caption: str | None = None
    alt: str | None = None
    id: str | None = None
    data: tuple[str, ...] = ()      # files the code reads (relative to code_samples/): part of the cache key


@dataclass(frozen=True)
class Block:
    path: str            # the post
    line: int            # line of the opening fence in the post file
    index: int           # 1-based among the post's executable blocks
    options: BlockOptions
    code: str            # what runs: every comment kept, so both languages run the same text
    label: str           # "bn_forward.py#forward", "bn_forward.py:3-10" or "inline"

    @property
    def name(self) -> str:
        """Stable name of the block's expected output within its session."""
        if self.options.id:
            return self.options.id
        if self.options.file:
            stem = self.options.file.rsplit(".", 1)[0]
            return f"{stem}-{self.options.region}" if self.options.region else stem
        return f"inline-{self.index}"

    def display_code(self, lang: str, languages: tuple[str, ...]) -> str:
        """The code shown on a page in `lang`: other languages' comment lines removed, the marker dropped."""
        return _display_code(self.code, lang, languages)


@lru_cache(maxsize=4096)   # each page, its notebook and its script show the same code
def _display_code(code: str, lang: str, languages: tuple[str, ...]) -> str:
    shown = []
    comments = comment_lines(code)
    for number, text in enumerate(code.split("\n")):
        m = LANG_COMMENT.match(text) if number in comments else None
        if m is None or m.group(2) not in languages:
            shown.append(text)
        elif m.group(2) == lang:
            shown.append(f"{m.group(1)}# {text[m.end():]}")
    return "\n".join(shown).strip("\n")


def comment_lines(code: str) -> set[int]:
    """Numbers (from 0) of the lines that hold only a comment, as Python's tokenizer sees them: a
    line inside a string is never one, so what a page shows is what ran. Past a point where the
    code cannot be tokenized (it cannot run either), a line starting with `#` counts."""
    import io
    import tokenize

    found: set[int] = set()
    last = -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            last = token.end[0] - 1
            if token.type == tokenize.COMMENT and not token.line[:token.start[1]].strip():
                found.add(token.start[0] - 1)
    except (tokenize.TokenError, SyntaxError):
        lines = code.split("\n")
        found |= {n for n in range(last + 1, len(lines)) if lines[n].lstrip().startswith("#")}
    return found


@lru_cache(maxsize=4096)
def strip_comments(code: str) -> str:
    """The code's tokens without comments and blank lines (to pair the blocks of two translations)."""
    import io
    import tokenize

    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL)]
        return tokenize.untokenize((t.type, t.string) for t in tokens)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return "\n".join(line for line in code.split("\n") if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=4096)   # shlex is slow, and `serve` reads every block again on each rebuild
def parse_options(text: str) -> BlockOptions | str:
    try:
        words = shlex.split(text.replace("{", " ").replace("}", " "))
    except ValueError as exc:
        return f"cannot read the block's options ({exc})"
    values: dict = {}
    for word in words:
        key, eq, value = word.partition("=")
        key = key.strip().lstrip(".")
        if key in FLAGS and not eq:
            values[key] = True
        elif key in FLAGS:
            if value.lower() not in ("true", "false"):
                return f"option `{key}` takes true or false, got {value!r}"
            values[key] = value.lower() == "true"
        elif key in VALUED and eq:
            values[key] = value
        elif key in VALUED:
            return f"option `{key}` needs a value: {key}=\"…\""
        else:
            return f"unknown option `{key}` (known: {', '.join(sorted(FLAGS | VALUED))})"
    if "timeout" in values:
        try:
            values["timeout"] = float(values["timeout"])
            assert values["timeout"] > 0
        except (ValueError, AssertionError):
            return f"option `timeout` takes a positive number of seconds, got {values['timeout']!r}"
    if "lines" in values:
        m = re.fullmatch(r"(\d+)-(\d+)", values["lines"])
        if not m or int(m[1]) < 1 or int(m[1]) > int(m[2]):
            return f"option `lines` takes a range like 3-10, got {values['lines']!r}"
        values["lines"] = (int(m[1]), int(m[2]))
    if "id" in values and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", values["id"]):
        return f"option `id` names the block's expected-output file: letters, digits, _ . - only, got {values['id']!r}"
    if "data" in values:
        values["data"] = tuple(name for name in re.split(r"[,\s]+", values["data"]) if name)
    if ("region" in values or "lines" in values) and "file" not in values:
        return "options `region` and `lines` need `file`"
    if "region" in values and "lines" in values:
        return "use either `region` or `lines`, not both"
    return BlockOptions(**values)


def extract_region(text: str, region: str) -> str | None:
    m = re.search(rf"^[ \t]*# region: {re.escape(region)}[ \t]*\n(.*?)^[ \t]*# endregion\b.*$", text, re.S | re.M)
    return m.group(1).rstrip("\n") if m else None


def resolve_code(options: BlockOptions, body: str, samples: dict[str, str]) -> tuple[str | None, str | None]:
    """(code, None) or (None, problem message)."""
    if options.file is None:
        return body, None
    text = samples.get(options.file)
    if text is None:
        return None, f"sample file code_samples/{options.file} does not exist"
    if options.region:
        code = extract_region(text, options.region)
        if code is None:
            names = re.findall(r"^[ \t]*# region: (\S+)", text, re.M)
            return None, f"no region `{options.region}` in code_samples/{options.file} (regions: {', '.join(names) or 'none'})"
        return code, None
    if options.lines:
        lines = text.splitlines()
        start, end = options.lines
        if end > len(lines):
            return None, f"code_samples/{options.file} has {len(lines)} lines; `lines={start}-{end}` runs past its end"
        return "\n".join(lines[start - 1:end]), None
    # a whole file: region markers are noise on the page
    return re.sub(r"^[ \t]*# (?:region: \S+|endregion)[ \t]*\n", "", text, flags=re.M).strip("\n"), None


def parse_blocks(text: str, path: str, first_line: int, samples: dict[str, str]) -> tuple[str, list[Block], list[Problem]]:
    """Pure: body text → (text with a placeholder paragraph per block, blocks, problems). Line count is kept."""
    out, blocks, problems = [], [], []
    if "exec" not in text:
        return text, blocks, problems
    chunks = split_fences(text)
    for number, (is_code, chunk, line) in enumerate(chunks):
        m = EXEC_INFO.match(chunk.split("\n", 1)[0]) if is_code else None
        if m is None:
            out.append(chunk)
            continue
        at = first_line + line - 1
        lines = chunk.split("\n")
        closed = len(lines) > 1 and lines[-1].strip().startswith(m.group(1)[0] * 3)
        body = "\n".join(lines[1:-1] if closed else lines[1:])
        indent = len(lines[0]) - len(lines[0].lstrip())
        body = "\n".join(s[indent:] if s[:indent].isspace() else s for s in body.split("\n"))
        options = parse_options(m.group("options"))
        if isinstance(options, str):
            problems.append(error(path, at, options))
            out.append(chunk)
            continue
        if options.file and body.strip():
            problems.append(error(path, at, f"a block with file=\"{options.file}\" must have an empty body"))
        code, problem = resolve_code(options, body, samples)
        if problem:
            problems.append(error(path, at, problem))
            out.append(chunk)
            continue
        if not code.strip():
            problems.append(error(path, at, "executable block has no code"))
        label = options.file or "inline"
        if options.region:
            label += f"#{options.region}"
        elif options.lines:
            label += f":{options.lines[0]}-{options.lines[1]}"
        block = Block(path, at, len(blocks) + 1, options, code, label)
        blocks.append(block)
        # the placeholder is its own paragraph (a blank line before and after), padded to the
        # block's line count; a two-line block gets its blank line after from the text that follows
        placeholder = "\n" + PLACEHOLDER.format(len(blocks) - 1)
        lines_after = chunk.count("\n") - 1
        following = chunks[number + 1][1] if number + 1 < len(chunks) else ""
        if lines_after < 1 and not (following.startswith("\n") or following == ""):
            lines_after = 1
        out.append(placeholder + "\n" * max(lines_after, 0))
    return "\n".join(out), blocks, problems
