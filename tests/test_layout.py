"""The package shows the pipeline: imports flow one way, from later stages to earlier ones.

Order: the foundation (errors, memo) ← sources ← markup ← execution ← site ← render ← output
← build (the pipeline), scaffold, jekyll_import and translate ← serve (which runs the pipeline) ← cli. A stage imports another stage only through that
stage's __init__ (its exports), never a private module, and no module imports back.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sites import ROOT

PACKAGE = ROOT / "sitegen"
STAGES = ("sources", "markup", "execution", "site", "render", "output", "serve")
ORDER = (("errors", "memo", "__init__"), *((stage,) for stage in STAGES[:-1]), ("build", "scaffold", "jekyll_import", "translate"), ("serve",), ("cli",))


def rank(module: str) -> int:
    """Position of a module (dotted, below sitegen) in the pipeline."""
    head = module.split(".")[0]
    ranks = [i for i, level in enumerate(ORDER) if head in level]
    assert ranks, f"sitegen/{head}: not a stage, not the foundation, not a command"
    return ranks[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module below sitegen) of each import of the package, wherever it stands."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("sitegen."):
                target = node.module.removeprefix("sitegen.")
            else:
                continue
            if not target:   # `from . import x` at the top level
                target = "__init__"
            found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.removeprefix("sitegen.")) for a in node.names if a.name.startswith("sitegen.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in MODULES:
        edges[module_name(path)] = {target for _, target in imports(path)}
    return edges


def layout_problems(edges_of: dict[Path, list[tuple[int, str]]]) -> list[str]:
    problems = []
    for path, edges in edges_of.items():
        here = module_name(path)
        for line, target in edges:
            where = f"{path.relative_to(ROOT)}:{line}"
            same_stage = here.split(".")[0] == target.split(".")[0]
            if rank(target) > rank(here):
                problems.append(f"{where}: {here} imports {target}, a later stage")
            elif not same_stage and target.split(".")[0] in STAGES and "." in target:
                problems.append(f"{where}: {here} imports {target}; import from the stage's __init__ instead")
    return problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Module-level cycles, by depth-first search (a stage's __init__ counts as importing its modules)."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_imports_flow_one_way():
    assert layout_problems({path: imports(path) for path in MODULES}) == []


def test_no_import_cycle():
    edges = graph()
    for stage in STAGES:   # `from ..stage import x` runs the stage's __init__, which imports its modules
        edges[stage] |= {f"{stage}.{p.stem}" for p in (PACKAGE / stage).glob("*.py") if p.stem != "__init__"}
    for module, targets in edges.items():
        edges[module] = {t for t in targets if t != module}
    assert cycles(edges) == []


def test_stages_are_folders_in_pipeline_order():
    assert [p.name for p in sorted(PACKAGE.iterdir()) if p.is_dir() and p.name != "__pycache__"] == sorted(STAGES)
    for stage in STAGES:
        init = (PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(init)), f"sitegen/{stage}/__init__.py says nothing of its stage"


@pytest.mark.parametrize("here, target, expected", [
    ("sources/content.py", "markup", "a later stage"),                         # back import
    ("markup/markdown.py", "execution.blocks", "a later stage"),
    ("render/bodies.py", "execution.sessions", "import from the stage's __init__"),  # private module
])
def test_the_checks_can_fail(here, target, expected):
    assert expected in " ".join(layout_problems({PACKAGE / here: [(1, target)]}))
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
