"""Jekyll's Liquid on python-liquid: Liquid 4's tags and filters plus Jekyll's own (`relative_url`,
`date_to_string`, `slugify`, `jsonify`…), its `post_url`, `link` and `include` tags, and problems
collected instead of raised. Imported by liquid.py only when a body has Liquid outside code.

Errors are collected, never raised: the parser goes on after a bad tag, so every problem of a
body is reported in one build. Filters are checked before rendering (static analysis), so an
unknown filter is an error even in a branch not taken. Parsed bodies and includes are kept by
their text: `serve` parses again only what changed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from io import StringIO
from typing import Any

from liquid import Environment
from liquid.ast import Node
from liquid.builtin.output import Output, OutputNode
from liquid.exceptions import LiquidError, LiquidSyntaxError, UnknownFilterError
from liquid.stringify import to_liquid_string
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG
from liquid.undefined import Undefined

from .liquid_filters import FILTERS, STATE, JekyllTime
from .liquid_text import put_code_back, set_code_aside

BLOCK_TAGS = ("raw", "endraw", "highlight", "endhighlight", "comment", "endcomment")
# Jekyll's include: `{% include name.html key="value" key2=page.var %}`; the name may hold {{ }}
INCLUDE_NAME = re.compile(r"\s*((?:[^\s{]|\{\{.*?\}\})+)(.*)", re.S)
INCLUDE_PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))""")
INCLUDE_PARAMS = re.compile(rf"\A\s*(?:{INCLUDE_PARAM.pattern}(?=\s|\Z)\s*)*\Z")


class TagError(LiquidError):
    """A problem of one of Jekyll's tags, said in full by its message."""


@dataclass
class RenderState:
    ctx: Any   # liquid.LiquidContext
    includes: dict[str, tuple[str, str]] = field(default_factory=dict)   # include text set aside → (path, text)
    found: list[tuple[Any, int, str, bool]] = field(default_factory=list)


class JekyllEnvironment(Environment):
    """Collects problems in `self.collected` instead of raising them (see `render_template`)."""

    def __init__(self) -> None:
        super().__init__(strict_filters=True)
        self.collected: list[LiquidError] = []

    def error(self, exc, msg=None, token=None) -> None:
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        self.collected.append(exc)


# --- rendering ------------------------------------------------------------------------------------

def render_template(text: str, ctx) -> tuple[str, list[tuple[Any, int, str, bool]]]:
    """Liquid text (code already set aside) → (output, [(where, index, message, is error)]); `where`
    is None for the body, or (path, text) of the include the problem is in."""
    template, static = _parse(text)
    # rendered even after a syntax error (the bad tag renders nothing): its other problems show too
    state = RenderState(ctx, found=[(None, index, message, True) for index, message in static])
    env = _environment()
    env.collected = []
    buffer = StringIO()
    try:
        template.render_with_context(_context(template, ctx, state), buffer)
    except LiquidError as exc:   # from nodes that do not go through env.error
        env.collected.append(exc)
    except RecursionError:
        env.collected.append(LiquidError("includes nest too deeply (does one include itself?)", token=None))
    for exc in env.collected:
        if isinstance(exc, UnknownFilterError):
            continue   # reported before rendering, with every other unknown filter
        state.found.append(_located(exc, text, state) + (_message(exc), True))
    env.collected = []
    unique = list(dict.fromkeys((where if where is None else where[0], index, message, is_error)
                                for where, index, message, is_error in state.found))
    located = {None: None, **{path: (path, source) for path, source in state.includes.values()}}
    return buffer.getvalue(), [(located.get(w, None), i, m, e) for w, i, m, e in unique]


def _context(template, ctx, state: RenderState):
    from liquid.context import RenderContext

    page = {key: _liquid_value(value) for key, value in ctx.page.items()}
    site = {key: _liquid_value(value) for key, value in {"url": ctx.site_url, "baseurl": ctx.baseurl, **ctx.site}.items()}
    return RenderContext(template, globals={"page": page, "site": site, STATE: state})


def _liquid_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return JekyllTime.of(value)
    if isinstance(value, dict):
        return {str(k): _liquid_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_liquid_value(v) for v in value]
    return value


def _located(exc: LiquidError, text: str, state: RenderState) -> tuple[Any, int]:
    token = exc.token
    if token is None or token.start_index < 0:
        return None, 0
    if token.source is text or token.source == text:
        return None, token.start_index
    if token.source in state.includes:
        return state.includes[token.source], token.start_index
    return None, 0


def _message(exc: LiquidError) -> str:
    message = str(exc.message)
    if isinstance(exc, TagError):
        return message
    unclosed = re.fullmatch(r"expected tag end(\w+), found end of expression", message)
    if unclosed:
        return f"`{{% {unclosed.group(1)} %}}` is never closed (no `{{% end{unclosed.group(1)} %}}`)"
    m = re.fullmatch(r"unexpected tag '(\w*)'", message)
    if m and m.group(1) in ("raw", "highlight", "comment"):
        return f"`{{% {m.group(1)} %}}` is never closed (no `{{% end{m.group(1)} %}}`)"
    if m and m.group(1) in BLOCK_TAGS:
        return f"`{{% {m.group(1)} %}}` has no opening `{{% {m.group(1)[3:]} %}}`"
    if m:
        return (f"unknown Liquid tag `{m.group(1)}` (Jekyll's tags here: {', '.join(sorted(TAGS))}; "
                "wrap literal braces in {% raw %}…{% endraw %})")
    token = exc.token
    if token is not None and token.kind == TOKEN_TAG:
        return f"`{{% {token.value} %}}`: {message}"
    return f"Liquid: {message}"


@lru_cache(maxsize=4096)
def _parse(text: str):
    """→ (template, ((index, message) of every syntax error and unknown filter))."""
    env = _environment()
    env.collected = []
    try:
        template = env.from_string(text)
    except LiquidError as exc:   # the lexer stops at the first fault (`{{` never closed): nothing renders
        env.collected.append(exc)
        template = env.from_string("")
    problems = [(exc.token.start_index if exc.token else 0, _message(exc)) for exc in env.collected]
    env.collected = []
    try:
        filters = template.analyze(include_partials=False).filters
    except LiquidError:
        filters = {}
    for name, spans in filters.items():
        if name not in env.filters:
            problems += [(span.index, f"unknown Liquid filter `{name}` (the filters are Liquid's and "
                                      "Jekyll's; see the README's Jekyll compatibility)") for span in spans]
    return template, tuple(sorted(problems))


@lru_cache(maxsize=1)
def _environment() -> JekyllEnvironment:
    env = JekyllEnvironment()
    for name in ("include", "render"):
        env.tags.pop(name, None)
    env.add_tag(JekyllOutput)
    for tag in (PostUrlTag, LinkTag, IncludeTag):
        env.add_tag(tag)
    for name, function in FILTERS.items():
        env.add_filter(name, function)
    return env


# --- tags ----------------------------------------------------------------------------------------

class WarningOutputNode(OutputNode):
    """`{{ x }}`, warning when x is undefined (Jekyll prints nothing; a typo should not go unseen)."""

    def render_to_output(self, context, buffer) -> int:
        value = self.expression.evaluate(context)
        if isinstance(value, Undefined):
            state: RenderState = context.globals[STATE]
            state.found.append((_where(self.token, state), self.token.start_index,
                                f"`{{{{ {self.expression} }}}}` is not defined: it prints nothing", False))
        return buffer.write(to_liquid_string(value, context.autoescape))


class JekyllOutput(Output):
    node_class = WarningOutputNode


def _where(token, state: RenderState):
    return state.includes.get(token.source)


class _ArgumentNode(Node):
    """A tag whose argument is a path, perhaps with {{ }} in it."""

    def __init__(self, token, argument: str):
        super().__init__(token)
        self.argument = argument
        self.blank = False

    def value(self, context) -> str:
        if "{{" not in self.argument:
            return self.argument
        template, static = _parse(self.argument)
        buffer = StringIO()
        template.render_with_context(context, buffer)
        return buffer.getvalue().strip()


class _ArgumentTag(Tag):
    block = False

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind != TOKEN_EXPRESSION:
            raise LiquidSyntaxError(f"`{{% {self.name} %}}` needs an argument", token=token)
        argument = stream.current.value.strip()
        return self.node_class(token, argument)


class LookupNode(_ArgumentNode):
    """`{% post_url … %}` and `{% link … %}`: a URL the build knows, or an error naming what is missing."""

    def render_to_output(self, context, buffer) -> int:
        target, tag, ctx = self.value(context), self.token.value, context.globals[STATE].ctx
        url = (ctx.post_url if tag == "post_url" else ctx.link)(target)
        if url is None:
            missing = "no post named" if tag == "post_url" else "no post, page or static file at"
            raise TagError(f"{{% {tag} {target} %}}: {missing} {target}", token=self.token)
        return buffer.write(url)


class PostUrlTag(_ArgumentTag):
    name = "post_url"
    node_class = LookupNode


class LinkTag(_ArgumentTag):
    name = "link"
    node_class = LookupNode


class IncludeNode(_ArgumentNode):
    def __init__(self, token, argument: str, params: tuple[tuple[str, str | None, str | None], ...]):
        super().__init__(token, argument)
        self.params = params    # (name, literal string, or variable path)

    def render_to_output(self, context, buffer) -> int:
        state: RenderState = context.globals[STATE]
        name = self.value(context)
        folder = state.ctx.include_folder
        if re.search(r"[./]{2,}", name) or not re.fullmatch(r"[\w/.\-()+~#@]+", name):
            raise TagError(f"{{% include {name} %}}: invalid file name (no `..`, `//` or spaces)", token=self.token)
        text = state.ctx.includes.get(name)
        if text is None:
            raise TagError(f"{{% include {name} %}}: no file {folder}/{name}", token=self.token)
        aside, held = set_code_aside(text)
        state.includes[aside] = (f"{folder}/{name}", aside)
        template, static = _parse(aside)
        state.found += [((f"{folder}/{name}", aside), index, message, True) for index, message in static]
        params = {key: literal if literal is not None else context.get(path.split("."), token=self.token)
                  for key, literal, path in self.params}
        inner = StringIO()
        with context.extend({"include": params}):
            template.render_with_context(context, inner, partial=True)
        return buffer.write(put_code_back(inner.getvalue(), held))


class IncludeTag(Tag):
    name = "include"
    block = False

    def parse(self, stream):
        token = stream.eat(TOKEN_TAG)
        expression = stream.current.value if stream.current.kind == TOKEN_EXPRESSION else ""
        m = INCLUDE_NAME.match(expression)
        if not m:
            raise LiquidSyntaxError("`{% include %}` needs a file name", token=token)
        name, rest = m.group(1), m.group(2)
        if not INCLUDE_PARAMS.match(rest):
            raise LiquidSyntaxError(f"`{{% include {expression.strip()} %}}`: parameters are written "
                                    "key=\"value\", key='value' or key=variable", token=token)
        return IncludeNode(token, name, _params(rest))


def _unescape(value: str, quote_char: str) -> str:
    return value.replace("\\" + quote_char, quote_char)


def _params(rest: str) -> tuple[tuple[str, str | None, str | None], ...]:
    params = []
    for m in INCLUDE_PARAM.finditer(rest):
        key, dq, sq, var = m.groups()
        if dq is not None:
            params.append((key, _unescape(dq, '"'), None))
        elif sq is not None:
            params.append((key, _unescape(sq, "'"), None))
        else:
            params.append((key, None, var))
    return tuple(params)


TAGS = ("assign", "capture", "case", "comment", "cycle", "decrement", "for", "highlight", "if", "include",
        "increment", "link", "post_url", "raw", "tablerow", "unless")
