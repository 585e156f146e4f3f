"""Jekyll's own Liquid filters (Jekyll::Filters), beside Liquid's standard ones: URLs with the base
URL, dates as Jekyll writes them, `xml_escape`, `slugify` with its modes, `jsonify`, `markdownify`…
Dates keep their own UTC offset (Jekyll converts them to the machine's time zone).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import quote

from dateutil import parser as dateutil_parser
from liquid.exceptions import LiquidError
from liquid.filter import with_context
from liquid.undefined import Undefined

from .content import parse_date
from .jekyll import jekyll_slugify

STATE = " sitegen"   # a global no Liquid expression can name: the state of the current render
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class JekyllTime(dt.datetime):
    """A date as Jekyll prints it: `2021-04-05 15:37:00 +0200`."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z")

    @classmethod
    def of(cls, value: dt.datetime) -> "JekyllTime":
        return cls(value.year, value.month, value.day, value.hour, value.minute, value.second,
                   value.microsecond, value.tzinfo)


def _ctx(context):
    return context.globals[STATE].ctx


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, Undefined):
        return None
    return value.url if hasattr(value, "url") and not isinstance(value, (str, dict)) else str(value)


def _normalize(url: str) -> str:
    return quote(url, safe="/:@!$&'()*+,;=-._~%?#[]")


def _relative(value: Any, baseurl: str) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if SCHEME.match(text):
        return text
    parts = [p if not p or p.startswith("/") else "/" + p for p in (baseurl.rstrip("/"), text)]
    return _normalize("".join(parts))


@with_context
def relative_url(value: Any, *, context) -> str | None:
    return _relative(value, _ctx(context).baseurl)


@with_context
def absolute_url(value: Any, *, context) -> str | None:
    ctx = _ctx(context)
    text = _text(value)
    if text is None or SCHEME.match(text):
        return text
    relative = _relative(text, ctx.baseurl)
    return _normalize(ctx.site_url + relative) if ctx.site_url else relative


def _time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    parsed = parse_date(str(value))
    if parsed is None:
        try:
            parsed = dateutil_parser.parse(str(value))
        except (ValueError, OverflowError) as exc:
            raise LiquidError(f"not a date: {value!r}", token=None) from exc
    return parsed


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _stringify_date(value: Any, month: str, kind: Any = None, style: Any = None) -> Any:
    if value is None or isinstance(value, Undefined) or str(value) == "":
        return value
    when = _time(value)
    if kind == "ordinal":
        day = f"{when.day}{_ordinal(when.day)}"
        return when.strftime(f"{month} {day}, %Y" if style == "US" else f"{day} {month} %Y")
    return when.strftime(f"%d {month} %Y")


def date_to_string(value: Any, kind: Any = None, style: Any = None) -> Any:
    return _stringify_date(value, "%b", kind, style)


def date_to_long_string(value: Any, kind: Any = None, style: Any = None) -> Any:
    return _stringify_date(value, "%B", kind, style)


def date_to_xmlschema(value: Any) -> str:
    return _time(value).isoformat()


def date_to_rfc822(value: Any) -> str:
    return _time(value).strftime("%a, %d %b %Y %H:%M:%S %z")


def xml_escape(value: Any) -> str:
    text = "" if value is None or isinstance(value, Undefined) else str(value)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def cgi_escape(value: Any) -> str:
    return quote(str(value), safe="*-._~").replace("%20", "+")


def uri_escape(value: Any) -> str:
    return quote(str(value), safe="/:@!$&'()*+,;=-._~?#[]%")


def slugify(value: Any, mode: Any = None) -> str:
    return jekyll_slugify(str(value or ""), str(mode) if mode else None)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return str(JekyllTime.of(value))
    if isinstance(value, Undefined):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def jsonify(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"), default=str)


@with_context
def markdownify(value: Any, *, context) -> str:
    convert = _ctx(context).markdownify
    text = "" if value is None or isinstance(value, Undefined) else str(value)
    return convert(text) if convert else text


def number_of_words(value: Any, mode: Any = None) -> int:
    return len(str(value or "").split())


def array_to_sentence_string(value: Any, connector: Any = "and") -> str:
    items = [str(v) for v in (value or [])]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return f"{', '.join(items[:-1])}, {connector} {items[-1]}"


def normalize_whitespace(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def smartify(value: Any) -> str:
    """Typography is the Markdown stage's (it applies it to the whole text, this included)."""
    return "" if value is None or isinstance(value, Undefined) else str(value)


FILTERS = {
    "relative_url": relative_url, "absolute_url": absolute_url, "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string, "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822, "xml_escape": xml_escape, "cgi_escape": cgi_escape, "uri_escape": uri_escape,
    "slugify": slugify, "jsonify": jsonify, "markdownify": markdownify, "number_of_words": number_of_words,
    "array_to_sentence_string": array_to_sentence_string, "normalize_whitespace": normalize_whitespace,
    "smartify": smartify,
}

