"""Advisory code-quality signals (lint findings, complexity, idioms), computed on the source text, never run.

They inform the clarity and Python-proficiency ratings an interviewer gives; they never fail a submission.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import subprocess
import sys
import threading
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

from mlscreen.grader import linter

_IDIOMS: dict[str, type[ast.AST] | tuple[type[ast.AST], ...]] = {
    "comprehensions": (ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp),
    "with_blocks": ast.With,
    "f_strings": ast.JoinedStr,
    "lambdas": ast.Lambda,
    "for_loops": ast.For,
    "while_loops": ast.While,
    "bare_excepts": ast.ExceptHandler,
}
_PANDAS_SMELLS = ("iterrows", "itertuples", "apply", "inplace")
CACHE_SIZE = 256


def _ruff() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.is_file() else shutil.which("ruff")


def ruff_findings(source: str) -> dict[str, Any]:
    """Return ruff's finding count and rule codes for `source` (ruff reads the text; it never executes it).

    Asks the long-running ruff server (`linter.py`); runs `ruff check` once if the server cannot answer.
    """
    binary = _ruff()
    if binary is None:
        return {"available": False}
    found: list[str] | None
    try:
        found = linter.server_for(binary).codes(source)
    except linter.LinterError:
        found = _ruff_once(binary, source)
        if found is None:
            return {"available": False}
    codes = Counter(found)
    return {"available": True, "count": sum(codes.values()), "codes": dict(sorted(codes.items()))}


def _ruff_once(binary: str, source: str) -> list[str] | None:
    try:
        done = subprocess.run(
            [
                binary,
                "check",
                "--isolated",
                "--no-cache",
                "--output-format",
                "json",
                "--select",
                ",".join(linter.RULES),
                "--line-length",
                str(linter.LINE_LENGTH),
                "--stdin-filename",
                "submission.py",
                "-",
            ],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=20,
            check=False,
        )
        findings = json.loads(done.stdout or b"[]")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return [str(f.get("code")) for f in findings if isinstance(f, dict)]


def complexity(source: str, tree: ast.Module | None = None) -> dict[str, Any]:
    """Return radon's cyclomatic complexity (max, mean over functions) and maintainability index of `source`.

    `tree` is `source` already parsed, if the caller has it (radon would otherwise parse it three times).
    """
    try:
        from radon.metrics import h_visit_ast, mi_compute
        from radon.raw import analyze
        from radon.visitors import ComplexityVisitor
    except ImportError:
        return {"available": False}
    try:
        tree = tree if tree is not None else ast.parse(source)
        visitor = ComplexityVisitor.from_ast(tree)
        raw = analyze(source)
        # As radon's `mi_visit(source, multi=True)`: multi-line strings count as comment lines.
        comments = (raw.comments + raw.multi) / raw.sloc * 100 if raw.sloc else 0.0
        volume = h_visit_ast(tree).total.volume
        maintainability = float(mi_compute(volume, visitor.total_complexity, raw.lloc, comments))
    except (SyntaxError, ValueError, RecursionError):
        return {"available": False}
    scores = [int(b.complexity) for b in visitor.blocks]
    return {
        "available": True,
        "max": max(scores, default=0),
        "mean": round(sum(scores) / len(scores), 2) if scores else 0.0,
        "maintainability": round(maintainability, 1),
    }


def idioms(source: str, tree: ast.Module | None = None) -> dict[str, Any]:
    """Return counts of idioms (comprehensions, context managers, ...) and pandas anti-patterns in `source`
    (`tree` is `source` already parsed, if the caller has it)."""
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError):
            return {"parsed": False}
    counts = dict.fromkeys(_IDIOMS, 0)
    smells = dict.fromkeys(_PANDAS_SMELLS, 0)
    functions = documented = annotated = 0
    for node in ast.walk(tree):
        for name, kind in _IDIOMS.items():
            if isinstance(node, kind) and not (name == "bare_excepts" and getattr(node, "type", 1) is not None):
                counts[name] += 1
        if isinstance(node, ast.Attribute) and node.attr in {"iterrows", "itertuples", "apply"}:
            smells[node.attr] += 1
        if isinstance(node, ast.keyword) and node.arg == "inplace":
            smells["inplace"] += 1
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions += 1
            documented += ast.get_docstring(node) is not None
            annotated += node.returns is not None
    return {
        "parsed": True,
        "lines": len(source.splitlines()),
        "functions": functions,
        "documented_functions": documented,
        "annotated_functions": annotated,
        **counts,
        "pandas_smells": smells,
    }


def compute(source: str) -> dict[str, Any]:
    """Return every advisory signal for `source`."""
    try:
        tree: ast.Module | None = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        tree = None
    if tree is None:
        return {"ruff": ruff_findings(source), "complexity": {"available": False}, "idioms": {"parsed": False}}
    return {"ruff": ruff_findings(source), "complexity": complexity(source, tree), "idioms": idioms(source, tree)}


# Sources seen recently, by digest, with their signals as JSON text: each caller gets its own copy to change.
_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def cached(source: str) -> dict[str, Any]:
    """Return `compute(source)`, reusing the answer for a source seen recently (re-grades, duplicate uploads)."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    with _cache_lock:
        text = _cache.get(digest)
        if text is not None:
            _cache.move_to_end(digest)
    if text is None:
        found = compute(source)
        text = json.dumps(found)
        with _cache_lock:
            _cache[digest] = text
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return found
    copy: dict[str, Any] = json.loads(text)
    return copy
