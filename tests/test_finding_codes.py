"""Every finding code zhurnal can emit has a Russian message, and every message has an emitter.

The emitters are found by reading ``zhurnal/`` (ast), not by running it:

- ``finding("code", ...)``, ``Finding(code="code")``;
- exception or value classes that carry a ``code`` (``BadValue``, ``BadMark``): the constant
  given to them, positionally or as ``code=``;
- a name passed as the code (``finding(problem, ...)``): the constants in what it was assigned,
  including the constants returned by the function it was assigned from (``verify()``,
  ``student_problem()``), or, for a parameter, the constants callers pass in its place;
- ``finding(bad.code, ...)``: the codes of the code-carrying classes above.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import zhurnal
from zhurnal.text.messages import CATALOGUES, RU

PACKAGE = Path(zhurnal.__file__).parent
CODE = re.compile(r"^[a-z]+(-[a-z]+)+$")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
FINDING_MAKERS = {"finding", "Finding"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _constants(node: ast.AST | None) -> set[str]:
    """String constants an expression can evaluate to (branches of ``a if c else b``, ``a or b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_constants(v) for v in node.values))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(set(), *(_constants(v) for v in node.elts))
    return set()


class Package:
    """The parsed modules of zhurnal and the indexes the search needs."""

    def __init__(self, root: Path) -> None:
        self.trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
                      for path in sorted(root.rglob("*.py"))}
        self.functions: dict[str, list[ast.FunctionDef]] = defaultdict(list)
        self.parents: dict[ast.AST, ast.AST] = {}
        self.code_classes: set[str] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions[node.name].append(node)
                if isinstance(node, ast.ClassDef) and self._has_code(node):
                    self.code_classes.add(node.name)
        self.calls = [n for tree in self.trees.values() for n in ast.walk(tree) if isinstance(n, ast.Call)]
        self.files = {id(n): path for path, tree in self.trees.items() for n in ast.walk(tree)}

    @staticmethod
    def _has_code(cls: ast.ClassDef) -> bool:
        for node in ast.walk(cls):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "code":
                return True
            if isinstance(node, ast.Attribute) and node.attr == "code" and isinstance(node.ctx, ast.Store):
                return True
        return False

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def returned(self, name: str) -> set[str]:
        found = set()
        for function in self.functions.get(name, []):
            for node in ast.walk(function):
                if isinstance(node, ast.Return):
                    found |= _constants(node.value)
        return found

    def passed_for(self, function: ast.FunctionDef, parameter: str) -> set[str]:
        """Constants callers pass for ``parameter`` of ``function``."""
        params = [a.arg for a in function.args.args]
        index = params.index(parameter)
        is_method = bool(params) and params[0] in ("self", "cls")
        found = set()
        for call in self.calls:
            if _name(call.func) != function.name:
                continue
            position = index - (1 if is_method and isinstance(call.func, ast.Attribute) else 0)
            if 0 <= position < len(call.args):
                found |= _constants(call.args[position])
            found |= set().union(set(), *(_constants(k.value) for k in call.keywords if k.arg == parameter))
        return found

    def values_of(self, name: str, where: ast.AST) -> set[str]:
        """Constants a local name can hold where it is used."""
        function = self.enclosing_function(where)
        if function is None:
            return set()
        found = set()
        if name in [a.arg for a in function.args.args]:
            found |= self.passed_for(function, name)
        for node in ast.walk(function):
            value = None
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                value = node.value
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                value = node.value
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                found |= _constants(node.iter)
            if value is not None:
                found |= _constants(value)
                if isinstance(value, ast.Call) and _name(value.func):
                    found |= self.returned(_name(value.func))
        return found

    def class_codes(self) -> set[str]:
        found = set()
        for call in self.calls:
            if _name(call.func) in self.code_classes:
                if call.args:
                    found |= _constants(call.args[0])
                found |= set().union(set(), *(_constants(k.value) for k in call.keywords if k.arg == "code"))
        return found

    def emitted(self) -> dict[str, set[str]]:
        """Code → the files that emit it."""
        found: dict[str, set[str]] = defaultdict(set)
        carried = self.class_codes()
        for call in self.calls:
            if _name(call.func) not in FINDING_MAKERS:
                continue
            maker = self.enclosing_function(call)
            if maker is not None and maker.name in FINDING_MAKERS:
                continue  # finding() itself builds a Finding from its own parameter
            argument = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "code"), None)
            if argument is None:
                continue
            if isinstance(argument, ast.Name):
                codes = self.values_of(argument.id, call)
            elif isinstance(argument, ast.Attribute) and argument.attr == "code":
                codes = carried
            else:
                codes = _constants(argument)
            assert codes, f"cannot tell which code {ast.unparse(call)} emits ({self._where(call)})"
            for code in codes:
                found[code].add(self._where(call))
        for code in carried:
            found[code].add("a code-carrying class")
        return found

    def _where(self, node: ast.AST) -> str:
        return f"{self.files[id(node)].relative_to(PACKAGE.parent)}:{node.lineno}"


EMITTED = Package(PACKAGE).emitted()


def test_the_search_finds_codes_of_every_shape():
    """A code from a constant, a returned value, a parameter and a code-carrying class."""
    assert {"file-empty", "metadata-tampered", "signed-by-other-workspace", "mark-student-not-in-group",
            "unknown-class", "mark-double-malformed", "invalid-date",
            "email-invalid", "format-control-removed"} <= set(EMITTED)


def test_every_emitted_code_is_kebab_case_and_has_a_russian_message():
    assert all(CODE.match(code) for code in EMITTED), sorted(c for c in EMITTED if not CODE.match(c))
    missing = {code: sorted(where) for code, where in EMITTED.items() if code not in RU}
    assert not missing, f"codes without a message: {missing}"
    for code in EMITTED:
        assert CYRILLIC.search(RU[code]), code


def test_every_message_has_an_emitter():
    assert sorted(set(RU) - set(EMITTED)) == []


def test_every_catalogue_covers_the_same_codes():
    for locale, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(RU), locale
