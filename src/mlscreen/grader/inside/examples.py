"""Visible examples inside the sandbox: evaluate an example's call next to the submission and show its value.

This module runs inside the sandbox, so it imports nothing from mlscreen. The call text comes from the bank
(the supervisor sends it); everything it touches is the candidate's own code, so what comes back is advisory
text for the candidate, never part of a verdict.
"""

from __future__ import annotations

import ast
import types
from typing import Any

CUT_NOTE = " ... [cut]"


class Capture:
    """A text stream that keeps the first `max_chars` characters written to it and drops the rest."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.kept = 0
        self.truncated = False
        self._pending: list[str] = []

    def write(self, text: object) -> int:
        """Keep what fits of `text`; return its length, as a stream does."""
        if not isinstance(text, str):
            text = str(text)
        room = self.max_chars - self.kept
        if len(text) > room:
            self.truncated = True
        if room > 0 and text:
            part = text[:room]
            self._pending.append(part)
            self.kept += len(part)
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each of `lines`."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Nothing to flush: the text is held in memory."""

    def isatty(self) -> bool:
        """Return False: this is not a terminal."""
        return False

    def writable(self) -> bool:
        """Return True."""
        return True

    def take(self) -> str:
        """Return the text written since the last call."""
        text = "".join(self._pending)
        self._pending = []
        return text


def describe(exc: BaseException) -> str:
    """Return `Type: message` of an exception, without a traceback; never raises."""
    try:
        message = str(exc)
    except BaseException:  # a hostile __str__
        message = "(the message could not be shown)"
    name = getattr(type(exc), "__name__", "Exception")
    return f"{name}: {message}" if message else str(name)


def _show(value: Any, max_chars: int) -> str:
    import numpy as np

    # NumPy 2 shows scalars as `np.float64(0.5)`; examples are written as a person reads the value: `0.5`.
    with np.printoptions(legacy="1.25"):
        text = repr(value)
    if not isinstance(text, str):
        text = str(text)
    return text if len(text) <= max_chars else text[:max_chars] + CUT_NOTE


def namespace(module: types.ModuleType) -> dict[str, Any]:
    """Return the names an example's call sees: the submission's globals, then `np` and `pd`."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    names = dict(vars(module))
    names["np"] = np
    names["pd"] = pd
    return names


def evaluate(code: str, names: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """Run the example `code` (statements, the last one an expression) in `names`; return the shown value or the
    exception's type and message. Never raises for the submission's errors."""
    try:
        tree = ast.parse(code, "<example>", "exec")
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr):
            tree.body.pop()
        exec(compile(tree, "<example>", "exec"), names)
        value = None
        if isinstance(last, ast.Expr):
            expression = ast.Expression(last.value)
            value = eval(compile(expression, "<example>", "eval"), names)
        return {"ok": True, "repr": _show(value, max_chars)}
    except BaseException as exc:  # the submission may raise anything, SystemExit included
        return {"ok": False, "error": describe(exc)[:max_chars]}


def apply(module: types.ModuleType, name: str, args: Any, kwargs: Any, max_chars: int) -> dict[str, Any]:
    """Call the submission's public function `name` with the candidate's own (JSON) arguments; return the shown
    value or the exception's type and message. Never raises for the submission's errors."""
    function = getattr(module, name, None) if name.isidentifier() and not name.startswith("_") else None
    if not callable(function):
        return {"ok": False, "error": f"the submission defines no function {name[:60]}"}
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        return {"ok": False, "error": "the arguments could not be read"}
    try:
        return {"ok": True, "repr": _show(function(*args, **kwargs), max_chars)}
    except BaseException as exc:  # the submission may raise anything, SystemExit included
        return {"ok": False, "error": describe(exc)[:max_chars]}
