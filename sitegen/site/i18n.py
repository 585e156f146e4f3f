"""Languages: translation groups and localized dates (Babel). UI strings are read by strings.py."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable

from ..errors import Problem, error
from ..memo import Memo
from ..sources import Post


# Dates already formatted: every list page shows its posts' dates (thousands of calls, few
# distinct), and the build keeps them in .cache between runs (sitegen/memo.py): loading Babel's locale
# data is ~80 ms of an edit rebuild.
DATES = Memo()
# French writes the first day of a month as an ordinal, « 1er avril », which Babel's patterns
# (d MMMM y) cannot express: the day number followed by a word becomes 1er
FIRST_DAY = re.compile(r"(?<![\d/.\-])1(?= [^\W\d])")


def format_date(when: datetime, lang: str, fmt: str = "long") -> str:
    """« 5 avril 2021 », « 1er avril 2021 », "April 5, 2021"."""
    def babel() -> str:
        from babel.dates import format_date as babel_format  # Babel's locale data loads on first use

        return babel_format(when.date(), format=fmt, locale=lang)

    text = DATES.get((when.date(), lang, fmt), babel)
    if when.day == 1 and lang.split("_")[0].split("-")[0] == "fr":
        text = FIRST_DAY.sub("1er", text, count=1)
    return text


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
