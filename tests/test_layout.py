"""The package layout: no import cycles between modules, and no package imports a package above it.

Data flows one way, request -> items -> order -> store, with suggestions and the chat beside it:

    version, paths, errors, files, render, config  <  catalog  <  parse  <  store  <  suggest  <  orders
    <  settings  <  chat  <  cli  <  shopcli (the public API) and __main__

Every import counts, also one inside a function (shopcli imports heavy modules on first use).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "shopcli"

LAYERS = [("version", "paths", "errors", "files", "render", "config"), ("catalog",), ("parse",), ("store",), ("suggest",),
          ("orders",), ("settings",), ("chat",), ("cli",), ("__init__", "__main__")]
RANK = {name: n for n, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The shopcli modules that ``name`` imports (a package's own lazy re-exports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _type_checking(block.test)
                   for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:      # "if TYPE_CHECKING:" imports never run
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from . import x": x may be a module; "from .x import y": the module is x
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.startswith("shopcli") and target != name:
                found.add(target)
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_top_level_module_and_package_has_a_layer():
    names = {layer(n) for n in modules()}
    assert names <= set(RANK), sorted(names - set(RANK))


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_package_imports_a_package_above_it():
    upward = sorted(f"{a} -> {b}" for a, targets in graph().items() for b in targets
                    if layer(a) != layer(b) and RANK[layer(a)] < RANK[layer(b)])
    assert upward == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", ["catalog", "parse", "store", "suggest", "orders", "chat", "cli", "lang"])
def test_each_domain_is_a_package(package):
    assert (PACKAGE / package).is_dir()
