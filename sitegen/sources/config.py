"""site.yaml → SiteConfig: declared keys, types and defaults; every error reported at once.

Per-language values (`title`, `description`) may be a plain string or a mapping
`{fr: …, en: …}`; they are normalised to a mapping with one entry per language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SiteError, error, warning
from .jekyll import PERMALINK_STYLES, PERMALINK_TOKENS, unknown_tokens
from .inputs import read_text
from .yamltext import YamlFault, load_yaml



@dataclass(frozen=True)
class Tolerance:
    rel: float = 1e-6
    abs: float = 1e-9


@dataclass(frozen=True)
class ExecutionConfig:
    timeout: float = 60.0
    jobs: int = 0  # 0: one per core
    tolerance: Tolerance = field(default_factory=Tolerance)
    output_limit: int = 20_000  # characters kept per block output
    env: tuple[str, ...] = ()  # environment variables the kernels get from the build's environment


@dataclass(frozen=True)
class TranslationsConfig:
    stale_notice: bool = True   # a stale translation's page says so, with a link to the original
    parity: bool = True         # compare the versions of each post (numbers, structure, links)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: dict[str, str]
    description: dict[str, str]
    author: str
    url: str
    baseurl: str
    languages: tuple[str, ...]
    default_language: str
    permalink: str
    page_permalink: str
    paginate: int
    output: str
    execution: ExecutionConfig
    heading_ids: str = "readable"   # readable | kramdown (Jekyll's ids, for imported blogs)
    translations: TranslationsConfig = field(default_factory=TranslationsConfig)
    image: str = ""                                   # default og:image of pages that name none
    # kind ("categories", "tags") → groups of one term's names per language: {lang: name}
    taxonomy: dict[str, tuple[dict[str, str], ...]] = field(default_factory=dict)
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    def absolute(self, url_path: str) -> str:
        """Absolute URL of a site path such as `/fr/`."""
        return self.url.rstrip("/") + self.baseurl + url_path

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()


# key: (expected python type(s), default, description) — the README's reference is written from this table.
SCHEMA: dict[str, tuple[tuple[type, ...], Any, str]] = {
    "title": ((str, dict), "", "site title, a string or one per language"),
    "description": ((str, dict), "", "site description, a string or one per language"),
    "author": ((str,), "", "author name used in feeds"),
    "url": ((str,), "http://localhost:8000", "absolute site URL, no trailing slash"),
    "baseurl": ((str,), "", "path prefix when the site is not at the domain root, e.g. /blog"),
    "languages": ((list,), ["fr", "en"], "language codes; the first is not special"),
    "default_language": ((str,), "fr", "language of the root page and x-default"),
    "permalink": ((str,), "/:lang/:year/:month/:day/:slug/", "URL pattern of posts"),
    "page_permalink": ((str,), "/:lang/:slug/", "URL pattern of pages"),
    "paginate": ((int,), 10, "posts per page on the home lists"),
    "output": ((str,), "_site", "output directory, relative to the project"),
    "execution": ((dict,), {}, "timeout (s), jobs, tolerance {rel, abs}, output_limit (chars), env [NAME, …]"),
    "heading_ids": ((str,), "readable", "heading ids: readable (ASCII) or kramdown (as Jekyll makes them)"),
    "translations": ((dict,), {}, "stale_notice (true/false), parity (true/false)"),
    "image": ((str,), "", "default social-card image (og:image) of pages whose front matter names none"),
    "taxonomy": ((dict,), {}, "one term across languages: {categories: [{fr: …, en: …}], tags: […]}"),
}
HEADING_IDS = ("readable", "kramdown")
EXECUTION_KEYS = {"timeout": (int, float), "jobs": (int,), "tolerance": (dict,), "output_limit": (int,), "env": (list,)}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _key_line(text: str, key: Any) -> int | None:
    m = re.search(rf"^[ \t]*{re.escape(str(key))}[ \t]*:", text, re.M)   # a key may be a number or a date
    return text.count("\n", 0, m.start()) + 1 if m else None


def _per_language(value: Any, languages: tuple[str, ...]) -> dict[str, str]:
    if isinstance(value, dict):
        return {lang: str(value.get(lang, "")) for lang in languages}
    return {lang: str(value) for lang in languages}


def parse_config(text: str, root: Path, path: str = "site.yaml") -> tuple[SiteConfig | None, list[Problem]]:
    """Pure: the text of site.yaml → (config or None, problems)."""
    problems: list[Problem] = []
    try:
        data = load_yaml(text) or {}
    except YamlFault as fault:
        return None, [fault.problem(path)]
    if not isinstance(data, dict):
        return None, [error(path, 1, f"expected a mapping of settings, got {type(data).__name__}")]

    values: dict[str, Any] = {}
    for key, (types, default, _doc) in SCHEMA.items():
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, types):
            names = " or ".join(t.__name__ for t in types)
            problems.append(error(path, _key_line(text, key), f"`{key}`: expected {names}, got {type(value).__name__} {value!r}"))
            value = default
        values[key] = value
    for key in data:
        if key not in SCHEMA:
            problems.append(warning(path, _key_line(text, key), f"unknown setting `{key}` (ignored)"))

    languages = tuple(str(lang) for lang in values["languages"])
    if not languages or len(set(languages)) != len(languages):
        problems.append(error(path, _key_line(text, "languages"), "`languages`: expected a non-empty list of distinct codes"))
        languages = ("fr", "en")
    if values["default_language"] not in languages:
        problems.append(error(path, _key_line(text, "default_language"),
                              f"`default_language`: {values['default_language']!r} is not one of {list(languages)}"))
    for key in ("permalink", "page_permalink"):
        unknown = unknown_tokens(values[key])
        if unknown:
            problems.append(error(path, _key_line(text, key),
                                  f"`{key}`: unknown {', '.join(unknown)} in {values[key]!r} (a style: "
                                  f"{', '.join(PERMALINK_STYLES)}; or a pattern with "
                                  f"{', '.join(':' + t for t in PERMALINK_TOKENS)})"))
    if values["heading_ids"] not in HEADING_IDS:
        problems.append(error(path, _key_line(text, "heading_ids"),
                              f"`heading_ids`: expected one of {', '.join(HEADING_IDS)}, got {values['heading_ids']!r}"))
    if values["paginate"] < 1:
        problems.append(error(path, _key_line(text, "paginate"), "`paginate`: expected a positive number"))
    baseurl = values["baseurl"].rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        problems.append(error(path, _key_line(text, "baseurl"), f"`baseurl`: must start with /, got {baseurl!r}"))

    execution, exec_problems = _parse_execution(values["execution"], text, path)
    problems += exec_problems
    translations = _parse_switches(values["translations"], TranslationsConfig, "translations", text, path, problems)
    taxonomy, taxonomy_problems = _parse_taxonomy(values["taxonomy"], languages, text, path)
    problems += taxonomy_problems
    if any(not p.warning for p in problems):
        return None, problems
    return SiteConfig(
        root=root,
        title=_per_language(values["title"], languages),
        description=_per_language(values["description"], languages),
        author=values["author"],
        url=values["url"].rstrip("/"),
        baseurl=baseurl,
        languages=languages,
        default_language=values["default_language"],
        permalink=values["permalink"],
        page_permalink=values["page_permalink"],
        paginate=values["paginate"],
        output=values["output"],
        execution=execution,
        heading_ids=values["heading_ids"],
        translations=translations,
        image=values["image"],
        taxonomy=taxonomy,
        raw=data,
    ), problems


def _parse_taxonomy(data: dict, languages: tuple[str, ...], text: str,
                    path: str) -> tuple[dict[str, tuple[dict[str, str], ...]], list[Problem]]:
    """`taxonomy: {categories: [{fr: Apprentissage profond, en: Deep learning}], tags: [...]}`."""
    problems, taxonomy = [], {}
    for kind, groups in data.items():
        line = _key_line(text, kind)
        if kind not in ("categories", "tags"):
            problems.append(error(path, line, f"`taxonomy.{kind}`: expected categories or tags"))
            continue
        if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
            problems.append(error(path, line, f"`taxonomy.{kind}`: expected a list of {{language: name}} mappings, "
                                              f"got {groups!r}"))
            continue
        for group in groups:
            wrong = [lang for lang, name in group.items() if lang not in languages or not isinstance(name, str) or not name.strip()]
            if wrong or len(group) < 2:
                problems.append(error(path, line, f"`taxonomy.{kind}`: {group!r} must name the term in two or more of "
                                                  f"{list(languages)}"))
        taxonomy[kind] = tuple({str(k): v.strip() for k, v in g.items()} for g in groups if isinstance(g, dict))
    return taxonomy, problems


def _parse_execution(data: dict, text: str, path: str) -> tuple[ExecutionConfig, list[Problem]]:
    problems = []
    for key, value in data.items():
        types = EXECUTION_KEYS.get(key)
        if types is None:
            problems.append(warning(path, _key_line(text, key), f"unknown setting `execution.{key}` (ignored)"))
        elif isinstance(value, bool) or not isinstance(value, types):
            expected = {"tolerance": "a mapping {rel: …, abs: …}", "jobs": "a whole number",
                        "output_limit": "a whole number", "env": "a list of variable names"}.get(key, "a number")
            problems.append(error(path, _key_line(text, key),
                                  f"`execution.{key}`: expected {expected}, got {type(value).__name__} {value!r}"))
    tol = data.get("tolerance", {})
    tolerance = Tolerance()
    if isinstance(tol, dict):
        try:
            tolerance = Tolerance(rel=float(tol.get("rel", 1e-6)), abs=float(tol.get("abs", 1e-9)))
        except (TypeError, ValueError):
            problems.append(error(path, _key_line(text, "tolerance"), f"`execution.tolerance`: expected numbers rel and abs, got {tol!r}"))
    env = data.get("env", [])
    if isinstance(env, list):
        wrong = [name for name in env if not isinstance(name, str) or not ENV_NAME.fullmatch(name)]
        if wrong:
            problems.append(error(path, _key_line(text, "env"), f"`execution.env`: expected names of environment "
                                                                f"variables (letters, digits, _), got {wrong[0]!r}"))
    if any(not p.warning for p in problems):
        return ExecutionConfig(), problems
    return ExecutionConfig(
        env=tuple(dict.fromkeys(env)),
        timeout=float(data.get("timeout", 60)),
        jobs=int(data.get("jobs", 0)),
        tolerance=tolerance,
        output_limit=int(data.get("output_limit", 20_000)),
    ), problems


def _parse_switches(data: dict, record: type, name: str, text: str, path: str, problems: list[Problem]):
    """A mapping of true/false settings into `record` (whose fields say the names and defaults)."""
    values = {}
    for key, value in data.items():
        if key not in record.__dataclass_fields__:
            problems.append(warning(path, _key_line(text, key), f"unknown setting `{name}.{key}` (ignored)"))
        elif not isinstance(value, bool):
            problems.append(error(path, _key_line(text, key), f"`{name}.{key}`: expected true or false, "
                                                              f"got {type(value).__name__} {value!r}"))
        else:
            values[key] = value
    return record(**values)


def load_config(root: Path) -> tuple[SiteConfig, list[Problem]]:
    """Read `site.yaml` under root; raise SiteError listing every problem."""
    text, problem = read_text(root, "site.yaml")
    if problem is not None:
        raise SiteError(problem)
    if text is None:
        raise SiteError(error("site.yaml", None, f"no site.yaml in {root} (is this the project folder?)"))
    config, problems = parse_config(text, root.resolve())
    if config is None:
        raise SiteError(problems)
    return config, problems
