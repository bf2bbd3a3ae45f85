"""Layers point down: templates → validate → merge → store, with kinds above them, ingest and
publish orchestrating, and the command line on top. An upward import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import zhurnal

ROOT = Path(zhurnal.__file__).parent
# lower rank = lower layer; a module may import its own package or anything of a lower rank
RANK = {
    "templates": 1, "validate": 2, "merge": 3, "kinds": 4, "ingest": 5, "publish": 5, "backup": 5,
    "issue": 6, "fetch": 6, "status": 6, "history": 6, "report": 7, "yearend": 7, "demo": 8, "cli": 9,
}
BASE = 0   # findings, messages, settings, calendar, marks, averages, workbook, filenames, context, store, …


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
