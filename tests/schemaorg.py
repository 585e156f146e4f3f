"""schema.org's vocabulary as schema-dts (npm, pinned in tests/browser/package.json) writes it in
TypeScript: each type's properties, its parents, and the types each property accepts. Enough to
check JSON-LD the way a validator does: known types, properties of that type, values of an
accepted type."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SCHEMA = Path(__file__).resolve().parent / "browser" / "node_modules" / "schema-dts" / "dist" / "schema.d.ts"
DATA = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean", "CssSelectorType",
        "XPathType", "PronounceableText"}


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict, dict, dict]:
    """(type → parent bases, base → {property: accepted types}, type → subtypes)."""
    text = SCHEMA.read_text(encoding="utf-8")
    parents: dict[str, list[str]] = {}
    properties: dict[str, dict[str, set[str]]] = {}
    for m in re.finditer(r"^(?:export )?interface (\w+?)Base extends ([^{]+)\{(.*?)^\}", text, re.S | re.M):
        parents[m.group(1)] = re.findall(r"(\w+?)Base\b", m.group(2))
        properties[m.group(1)] = {name: set(re.findall(r"\b(\w+)\b", kinds)) - {"IdReference"}
                                  for name, kinds in re.findall(r'^\s+"([\w@-]+)"\?: SchemaValue<([^,>]+)', m.group(3), re.M)}
    leaves = dict(re.findall(r"^export interface (\w+)Leaf extends (\w+?)Base \{", text, re.M))
    for leaf, base in leaves.items():
        parents.setdefault(leaf, [base] if base != leaf else parents.get(base, []))
    subtypes = {name: set(re.findall(r"\b(\w+)\b", union)) - {name + "Leaf"}
                for name, union in re.findall(r"^export type (\w+) = (\w+Leaf(?: \| \w+)*);", text, re.M)}
    return parents, properties, subtypes


def _properties_of(kind: str) -> dict[str, set[str]]:
    parents, properties, _ = vocabulary()
    found, todo, seen = {}, [kind], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for prop, kinds in properties.get(name, {}).items():
            found.setdefault(prop, set()).update(kinds)
        todo += parents.get(name, [])
    return found


def _descendants(kinds: set[str]) -> set[str]:
    _, _, subtypes = vocabulary()
    out, todo = set(), list(kinds)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += subtypes.get(name, ())
    return out


def problems(data, where: str = "") -> list[str]:
    """What a schema.org validator would object to in a JSON-LD value."""
    if isinstance(data, list):
        return [p for i, item in enumerate(data) for p in problems(item, f"{where}[{i}]")]
    if not isinstance(data, dict):
        return []
    kind = data.get("@type")
    parents, _, _ = vocabulary()
    if kind is None:
        return [f"{where or '$'}: no @type"]
    if kind not in parents:
        return [f"{where or '$'}: @type {kind} is not a schema.org type"]
    allowed = _properties_of(kind)
    found = []
    for key, value in data.items():
        if key in ("@context", "@type", "@id"):
            continue
        if key not in allowed:
            found.append(f"{where}.{key}: not a property of {kind}")
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                accepted = _descendants(allowed[key])
                if item.get("@type") not in accepted:
                    found.append(f"{where}.{key}: a {item.get('@type')} where {sorted(allowed[key])} is expected")
                found += problems(item, f"{where}.{key}")
            elif not allowed[key] & DATA and not {"Text", "URL"} & _descendants(allowed[key]):
                found.append(f"{where}.{key}: a plain value where {sorted(allowed[key])} is expected")
    return found
