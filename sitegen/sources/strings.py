"""UI strings: i18n/<lang>.yaml → one Strings table per language.

Every language must define the same keys: a key missing in one language is an error
naming the key and the language, so no page ever shows a raw key.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, error
from .inputs import read_text
from .yamltext import YamlFault, load_yaml


@dataclass(frozen=True)
class Strings:
    lang: str
    table: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        text = self.table[key]   # keys are checked at load time and in render/templates.py
        return text.format(**values) if values else text


def parse_strings(texts: dict[str, str | None], languages: tuple[str, ...]) -> tuple[dict[str, Strings], list[Problem]]:
    """Pure: {lang: YAML text, or None when it could not be read (already reported)} → ({lang: Strings}, problems)."""
    problems: list[Problem] = []
    tables: dict[str, dict[str, str]] = {}
    for lang in languages:
        path = f"i18n/{lang}.yaml"
        if lang not in texts:
            problems.append(error(path, None, f"missing UI strings file for language `{lang}`"))
            continue
        if texts[lang] is None:
            continue
        try:
            data = load_yaml(texts[lang]) or {}
        except YamlFault as fault:
            problems.append(fault.problem(path))
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
    texts, problems = {}, []
    for lang in languages:
        text, problem = read_text(root, f"i18n/{lang}.yaml")
        if problem is not None:
            problems.append(problem)
        if text is not None or problem is not None:
            texts[lang] = text
    strings, found = parse_strings(texts, languages)
    return strings, problems + found
