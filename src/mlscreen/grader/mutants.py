"""Mutants of an exercise's reference solution: small AST edits that a good set of hidden tests must catch.

Each operator models a mistake candidates make (a boundary `<` for `<=`, a dropped guard, a related metric, label
for positional indexing, an unstable sort, another exception type). A mutant's id names the function it edits,
the operator and the how-many-th such edit in that function, so ids survive edits elsewhere in the file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Edit = Callable[[ast.AST], str]

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
ARITHMETIC_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
# A called function replaced by a related one that a candidate might pick by mistake.
RELATED_CALLS = {
    "median": "mean",
    "nanmedian": "nanmean",
    "mean": "median",
    "nanmean": "nanmedian",
    "max": "min",
    "min": "max",
    "argmax": "argmin",
    "argmin": "argmax",
    "maximum": "minimum",
    "minimum": "maximum",
    "std": "var",
    "sum": "mean",
    "exp": "expm1",
    "log": "log1p",
    "roc_auc_score": "average_precision_score",
    "average_precision_score": "roc_auc_score",
    "balanced_accuracy_score": "accuracy_score",
    "f1_score": "precision_score",
    "precision_score": "recall_score",
    "recall_score": "precision_score",
    "any": "all",
    "all": "any",
    "isna": "notna",
    "notna": "isna",
    "dropna": "copy",
    "fillna": "where",
    "sort_values": "sort_index",
    "argsort": "argpartition",
}
INDEXERS = {"loc": "iloc", "iloc": "loc", "at": "iat", "iat": "at"}
STABLE_KINDS = {"stable", "mergesort"}
EXCEPTION_SWAPS = {"ValueError": "AssertionError", "TypeError": "ValueError", "KeyError": "ValueError"}
OPERATORS = (
    "compare",
    "arithmetic",
    "constant",
    "boolean",
    "drop-guard",
    "swap-args",
    "related-call",
    "drop-keyword",
    "indexing",
    "unstable-sort",
    "exception-type",
)


@dataclass(frozen=True)
class Mutant:
    """One mutated version of a module: its stable id, the operator, the line edited, what changed, the source."""

    id: str
    operator: str
    line: int
    description: str
    source: str


def _name(node: ast.AST) -> str:
    return ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__


def _skipped(tree: ast.Module) -> set[int]:
    """Return the ids of nodes never mutated: docstrings, annotations, imports and `__all__`."""
    skip: set[int] = set()

    def cover(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            cover(first)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            cover(node.returns)
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                cover(arg.annotation)
        elif isinstance(node, ast.AnnAssign):
            cover(node.annotation)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            cover(node)
    return skip


def _callee(node: ast.Call) -> tuple[ast.AST, str] | None:
    if isinstance(node.func, ast.Name):
        return node.func, node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func, node.func.attr
    return None


def _guard(node: ast.If) -> bool:
    last = node.body[-1]
    return not node.orelse and isinstance(last, ast.Return | ast.Raise | ast.Continue | ast.Break)


def _edits(node: ast.AST) -> Iterator[tuple[str, str, Edit]]:
    """Yield (operator, description, edit) for every mutation of `node` alone; `edit` applies it in place."""
    editor = EDITORS.get(type(node))
    if editor is not None:
        yield from editor(node)


def _compare_edits(node: ast.Compare) -> Iterator[tuple[str, str, Edit]]:
    for i, op in enumerate(node.ops):
        swap = COMPARE_SWAPS.get(type(op))
        if swap is not None:
            yield "compare", f"{type(op).__name__} -> {swap.__name__}", _set_item(node.ops, i, swap())


def _arithmetic_edits(node: ast.BinOp | ast.AugAssign) -> Iterator[tuple[str, str, Edit]]:
    swap_op = ARITHMETIC_SWAPS.get(type(node.op))
    if swap_op is not None:
        yield "arithmetic", f"{type(node.op).__name__} -> {swap_op.__name__}", _set_attr(node, "op", swap_op())


def _constant_edits(node: ast.Constant) -> Iterator[tuple[str, str, Edit]]:
    if type(node.value) in (int, float):
        value: float = node.value  # type: ignore[assignment]  # an int or a float, checked just above
        yield "constant", f"{value!r} -> {value + 1!r}", _set_attr(node, "value", value + 1)


def _boolean_edits(node: ast.BoolOp) -> Iterator[tuple[str, str, Edit]]:
    other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    yield "boolean", f"{type(node.op).__name__} -> {type(other).__name__}", _set_attr(node, "op", other)


def _not_edits(node: ast.UnaryOp) -> Iterator[tuple[str, str, Edit]]:
    if isinstance(node.op, ast.Not):
        yield "boolean", "drop not", _replace_unary(node)


def _guard_edits(node: ast.If) -> Iterator[tuple[str, str, Edit]]:
    if _guard(node):
        yield "drop-guard", f"drop `if {ast.unparse(node.test)}`", _drop_if(node)


def _indexer_edits(node: ast.Attribute) -> Iterator[tuple[str, str, Edit]]:
    if node.attr in INDEXERS:
        yield "indexing", f".{node.attr} -> .{INDEXERS[node.attr]}", _set_attr(node, "attr", INDEXERS[node.attr])


def _raise_edits(node: ast.Raise) -> Iterator[tuple[str, str, Edit]]:
    if node.exc is None:
        return
    target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    if isinstance(target, ast.Name) and target.id.endswith(("Error", "Exception")):
        swap_name = EXCEPTION_SWAPS.get(target.id, "RuntimeError")
        yield "exception-type", f"{target.id} -> {swap_name}", _set_attr(target, "id", swap_name)


def _call_edits(node: ast.Call) -> Iterator[tuple[str, str, Edit]]:
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    if len(positional) >= 2 and len(positional) == len(node.args):
        first, second = ast.unparse(node.args[0]), ast.unparse(node.args[1])
        if first != second:
            yield "swap-args", f"swap {first}, {second}", _swap_args(node)
    callee = _callee(node)
    if callee is not None and callee[1] in RELATED_CALLS:
        func, name = callee
        field = "id" if isinstance(func, ast.Name) else "attr"
        yield "related-call", f"{name} -> {RELATED_CALLS[name]}", _set_attr(func, field, RELATED_CALLS[name])
    for i, keyword in enumerate(node.keywords):
        if keyword.arg is None:
            continue
        value = keyword.value
        if keyword.arg == "kind" and isinstance(value, ast.Constant) and value.value in STABLE_KINDS:
            yield "unstable-sort", f"kind={value.value!r} -> 'quicksort'", _set_attr(value, "value", "quicksort")
        yield "drop-keyword", f"drop {keyword.arg}=", _pop_item(node.keywords, i)


# The mutations of each kind of node; a node of a kind not listed here is not mutated itself.
EDITORS: dict[type[ast.AST], Callable[[Any], Iterator[tuple[str, str, Edit]]]] = {
    ast.Compare: _compare_edits,
    ast.BinOp: _arithmetic_edits,
    ast.AugAssign: _arithmetic_edits,
    ast.Constant: _constant_edits,
    ast.BoolOp: _boolean_edits,
    ast.UnaryOp: _not_edits,
    ast.If: _guard_edits,
    ast.Call: _call_edits,
    ast.Attribute: _indexer_edits,
    ast.Raise: _raise_edits,
}


def _set_attr(node: ast.AST, name: str, value: object) -> Edit:
    def edit(tree: ast.AST) -> str:
        setattr(node, name, value)
        return ast.unparse(tree)

    return edit


def _set_item(items: list[ast.cmpop], index: int, value: ast.cmpop) -> Edit:
    def edit(tree: ast.AST) -> str:
        items[index] = value
        return ast.unparse(tree)

    return edit


def _pop_item(items: list[ast.keyword], index: int) -> Edit:
    def edit(tree: ast.AST) -> str:
        items.pop(index)
        return ast.unparse(tree)

    return edit


def _swap_args(node: ast.Call) -> Edit:
    def edit(tree: ast.AST) -> str:
        node.args[0], node.args[1] = node.args[1], node.args[0]
        return ast.unparse(tree)

    return edit


def _replace_unary(node: ast.UnaryOp) -> Edit:
    def edit(tree: ast.AST) -> str:
        # `not x` -> `x`: the unary node keeps its place, as an identity on a bool (`not not x`).
        node.operand = ast.UnaryOp(op=ast.Not(), operand=node.operand)
        return ast.unparse(tree)

    return edit


def _drop_if(node: ast.If) -> Edit:
    def edit(tree: ast.AST) -> str:
        node.test = ast.Constant(value=False)
        return ast.unparse(tree)

    return edit


def _points(source: str) -> Iterator[tuple[int, int, str, str, str, int]]:
    """Yield (walk position, edit number, operator, description, function, line) of every mutation point."""
    tree = ast.parse(source)
    skip = _skipped(tree)
    owner: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            prefix = owner.get(id(node), "")
            for child in ast.walk(node):
                if child is not node:
                    owner[id(child)] = f"{prefix}.{node.name}".lstrip(".")
    for position, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        for number, (operator, description, _) in enumerate(_edits(node)):
            yield position, number, operator, description, owner.get(id(node), "<module>"), getattr(node, "lineno", 0)


def generate(source: str) -> list[Mutant]:
    """Return every mutant of `source` whose code differs from it; raises `SyntaxError` if it does not parse."""
    original = ast.unparse(ast.parse(source))
    mutants: list[Mutant] = []
    seen: set[str] = {original}
    counters: dict[tuple[str, str], int] = {}
    for position, number, operator, description, function, line in list(_points(source)):
        tree = ast.parse(source)
        node = next(n for i, n in enumerate(ast.walk(tree)) if i == position)
        _, _, edit = list(_edits(node))[number]
        mutated = edit(tree)
        key = (function, operator)
        counters[key] = counters.get(key, 0) + 1
        if mutated in seen:
            continue
        seen.add(mutated)
        mutant_id = f"{function}:{operator}:{counters[key]}"
        mutants.append(Mutant(mutant_id, operator, line, description, mutated))
    return mutants
