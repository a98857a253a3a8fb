"""Disguised copies of a solution, for calibration: the first Faidhi-Robinson levels, applied mechanically.

Level 1 changes comments and layout, level 2 also renames identifiers, level 3 also reorders independent
statements. The higher levels (extracting or inlining functions, other loop forms) are written by hand in each
exercise's corpus: a program cannot make them look like a person did.
"""

from __future__ import annotations

import ast
import builtins
import random
from collections.abc import Callable

_KEEP = frozenset(dir(builtins)) | {"self", "cls"}
_WORDS = ("value", "data", "item", "thing", "part", "tmp", "res", "acc", "cur", "obj", "val", "elem", "buf", "idx")


class _Renamer(ast.NodeTransformer):
    """Rename local variables, private functions and their positional parameters (the interface stays)."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.names.get(node.arg, node.arg)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node


def _renamable(tree: ast.Module) -> list[str]:
    found: set[str] = set()
    public_keywords: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            if node.name.startswith("_"):
                found.add(node.name)
            public_keywords |= {a.arg for a in node.args.kwonlyargs}
            found |= {a.arg for a in node.args.args}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
    imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return sorted(found - public_keywords - _KEEP - imported)


def rename(source: str, *, seed: int = 0) -> str:
    """Return `source` with its local names replaced by others (parsed and printed again: layout changes too)."""
    tree = ast.parse(source)
    rng = random.Random(seed)
    names = {old: f"{rng.choice(_WORDS)}_{i}" for i, old in enumerate(_renamable(tree))}
    return ast.unparse(_Renamer(names).visit(tree))


def _reads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _writes(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _independent(a: ast.stmt, b: ast.stmt) -> bool:
    simple = (ast.Assign, ast.AnnAssign, ast.AugAssign)
    if not (isinstance(a, simple) and isinstance(b, simple)):
        return False
    return not (_writes(a) & (_reads(b) | _writes(b)) or _writes(b) & _reads(a))


def _swap_body(body: list[ast.stmt]) -> None:
    i = 0
    while i + 1 < len(body):
        if _independent(body[i], body[i + 1]):
            body[i], body[i + 1] = body[i + 1], body[i]
            i += 2
        else:
            i += 1


def reorder(source: str) -> str:
    """Return `source` with its functions in reverse order and adjacent independent assignments swapped."""
    tree = ast.parse(source)
    heads: list[ast.stmt] = [s for s in tree.body if not isinstance(s, ast.FunctionDef | ast.ClassDef)]
    defs: list[ast.stmt] = [s for s in tree.body if isinstance(s, ast.FunctionDef | ast.ClassDef)]
    tree.body = heads + defs[::-1]
    for node in ast.walk(tree):
        for attribute in ("body", "orelse"):
            block = getattr(node, attribute, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                _swap_body(block)
    return ast.unparse(tree)


def _drop_docstrings(tree: ast.Module) -> None:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]


def relayout(source: str, *, seed: int = 0) -> str:
    """Return `source` without docstrings, with other comments and blank lines, printed again."""
    tree = ast.parse(source)
    _drop_docstrings(tree)
    rng = random.Random(seed)
    out = []
    for line in ast.unparse(tree).splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        if rng.random() < 0.25:
            out.append(f"{indent}# {rng.choice(_WORDS)} step")
        out.append(line)
        if rng.random() < 0.15:
            out.append("")
    return "\n".join(out) + "\n"


LEVELS: dict[str, Callable[[str, int], str]] = {
    "L1-layout": lambda src, seed: relayout(src, seed=seed),
    "L2-renamed": lambda src, seed: relayout(rename(src, seed=seed), seed=seed),
    "L3-reordered": lambda src, seed: relayout(reorder(rename(src, seed=seed)), seed=seed),
}
"""The mechanical disguises, by Faidhi-Robinson level: each takes (source, seed) and returns a copy."""


def disguises(source: str, *, seed: int = 0) -> dict[str, str]:
    """Return a disguised copy of `source` at each mechanical level, by level name."""
    return {level: make(source, seed) for level, make in LEVELS.items()}
