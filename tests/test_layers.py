"""Layers point down: templates → validate → merge → store, with kinds above them, ingest and
publish orchestrating, and the command line on top. An upward import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import zhurnal

ROOT = Path(zhurnal.__file__).parent
# lower rank = lower layer; a module may import its own package or anything of a lower rank
RANK = {
    "core": 0, "text": 0,
    "store": 1, "school": 2, "year": 3,
    "templates": 4, "validate": 5, "merge": 6, "kinds": 7, "ingest": 8, "publish": 8, "backup": 8,
    "fetch": 9, "batch": 10, "report": 11, "closing": 11, "docs": 11, "district": 11, "demo": 12, "cli": 13,
}
BASE = 0   # plumbing (core) and people's text (text) may use each other; everything else ranks


def _layer(module: str) -> tuple[str, int]:
    name = module.split(".")[1] if module.count(".") else ""
    return name, RANK.get(name, BASE)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zhurnal."):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("zhurnal.")]
    return found


def upward_imports() -> list[str]:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        module = "zhurnal." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own, rank = _layer(module)
        for line, target in _imports(path):
            other, other_rank = _layer(target)
            if other != own and other_rank >= rank and other_rank > BASE:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line} {module} → {target}")
    return bad


def test_no_upward_imports():
    assert upward_imports() == []


def test_the_issue_rules_are_covered():
    """GIVEN the rules the refactor set (templates ↛ ingest/merge/publish, validate ↛ merge,
    ingest ↛ publish) THEN the ranks forbid each of them."""
    for low, high in (("templates", "ingest"), ("templates", "merge"), ("templates", "publish"),
                      ("validate", "merge"), ("ingest", "publish"), ("publish", "ingest")):
        assert RANK[high] >= RANK[low]


def test_every_package_has_a_rank():
    """GIVEN the folders and modules right under ``zhurnal/`` THEN each has a rank (a new
    package must say where it stands)."""
    names = {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert sorted(names - set(RANK)) == []


def _known_prefix(target: str, modules) -> str:
    while target not in modules and "." in target:
        target = target.rsplit(".", 1)[0]
    return target if target in modules else ""


def _module_graph() -> dict[str, set[str]]:
    modules = {"zhurnal." + ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zhurnal"):
                # `from zhurnal.pkg import module` imports the module, not the package's __init__
                found = [f"{node.module}.{a.name}" for a in node.names]
                targets |= {t for t in found if t in modules}
                if any(t not in modules for t in found):
                    targets.add(_known_prefix(node.module, modules))
            elif isinstance(node, ast.Import):
                targets |= {_known_prefix(a.name, modules) for a in node.names if a.name.startswith("zhurnal.")}
        targets.discard(name)
        targets.discard("")
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_known_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    """Imports inside functions count too: a cycle hidden in a function is still a cycle."""
    assert import_cycles(_module_graph()) == []
