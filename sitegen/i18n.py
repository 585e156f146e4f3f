"""Languages: UI strings from i18n/<lang>.yaml, translation groups, localized dates (Babel).

Every language must define the same keys: a key missing in one language is an error
naming the key and the language, so no page ever shows a raw key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

import yaml

from .content import Post
from .errors import Problem, error
from .memo import Memo


@dataclass(frozen=True)
class Strings:
    lang: str
    table: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        text = self.table[key]   # keys are checked at load time and in templates.py
        return text.format(**values) if values else text


def parse_strings(texts: dict[str, str], languages: tuple[str, ...]) -> tuple[dict[str, Strings], list[Problem]]:
    """Pure: {lang: YAML text} → ({lang: Strings}, problems)."""
    problems: list[Problem] = []
    tables: dict[str, dict[str, str]] = {}
    for lang in languages:
        path = f"i18n/{lang}.yaml"
        if lang not in texts:
            problems.append(error(path, None, f"missing UI strings file for language `{lang}`"))
            continue
        try:
            data = yaml.load(texts[lang], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(error(path, mark.line + 1 if mark else None, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        if not isinstance(data, dict) or not all(isinstance(v, (str, int, float)) for v in data.values()):
            problems.append(error(path, 1, "expected a flat mapping of key: text"))
            continue
        tables[lang] = {str(k): str(v) for k, v in data.items()}
    every_key = set().union(*tables.values()) if tables else set()
    for lang, table in tables.items():
        for key in sorted(every_key - table.keys()):
            other = next(lg for lg, t in tables.items() if key in t)
            problems.append(error(f"i18n/{lang}.yaml", None, f"UI string `{key}` is missing in `{lang}` (defined in {other})"))
    return {lang: Strings(lang, table) for lang, table in tables.items()}, problems


def load_strings(root: Path, languages: tuple[str, ...]) -> tuple[dict[str, Strings], list[Problem]]:
    texts = {lang: (root / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8")
             for lang in languages if (root / "i18n" / f"{lang}.yaml").is_file()}
    return parse_strings(texts, languages)


# Dates already formatted: every list page shows its posts' dates (thousands of calls, few
# distinct), and the build keeps them in .cache between runs (memo.py): loading Babel's locale
# data is ~80 ms of an edit rebuild.
DATES = Memo()


def format_date(when: datetime, lang: str, fmt: str = "long") -> str:
    """« 5 avril 2021 », "April 5, 2021"."""
    def babel() -> str:
        from babel.dates import format_date as babel_format  # Babel's locale data loads on first use

        return babel_format(when.date(), format=fmt, locale=lang)

    return DATES.get((when.date(), lang, fmt), babel)


def translation_groups(posts: Iterable[Post]) -> tuple[dict[str, dict[str, Post]], list[Problem]]:
    """Group posts by translation key: {key: {lang: post}}; two posts of one language in a group is an error."""
    groups: dict[str, dict[str, Post]] = {}
    problems = []
    for post in posts:
        group = groups.setdefault(post.translation_key, {})
        if post.lang in group:
            first = group[post.lang]
            problems.append(error(post.path, post.line_of("translation_key"), f"translation_key `{post.translation_key}` is already used by "
                                                   f"{first.path} in language `{post.lang}`"))
            continue
        group[post.lang] = post
    return groups, problems
