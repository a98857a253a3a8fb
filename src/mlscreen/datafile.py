"""Limits for YAML and JSON read from files people give us: size, nesting depth and YAML alias expansion.

A few lines of YAML can expand, through aliases, into billions of nodes, and a deeply nested document makes
the parsers recurse until Python gives up. These checks run before anything is built, in linear time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TextIO

import yaml

from mlscreen.errors import UsageError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
"""How many values a YAML document may hold once its aliases are expanded (the packaged bank holds ~5,000)."""

LIMIT_HINT = "split the file, or write the repeated parts out instead of using YAML aliases"

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


class LimitError(ValueError):
    """A document goes past a limit; `line` (1-based, or None) says where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def check_size(text: str | bytes, *, max_bytes: int = MAX_BYTES) -> None:
    """Raise `LimitError` when `text` is larger than `max_bytes`."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > max_bytes:
        raise LimitError(f"the file is larger than {max_bytes // 1024} KiB ({size // 1024} KiB)")


def check_yaml(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Raise `LimitError` when the YAML in `text` nests deeper than `max_depth` or expands past `max_nodes`.

    Malformed YAML raises `yaml.YAMLError` as the parser reports it.
    """
    check_size(text)
    anchors: dict[str, int] = {}
    # One frame per open collection: [values inside it so far, its anchor].
    stack: list[list[Any]] = [[0, None]]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > max_depth:
                raise LimitError(f"the document nests deeper than {max_depth} levels", line)
            stack.append([0, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            _add(stack, anchors, size + 1, anchor, max_nodes, line)
        elif isinstance(event, yaml.ScalarEvent):
            _add(stack, anchors, 1, event.anchor, max_nodes, line)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:  # undefined, or used inside its own anchor (a cycle)
                raise LimitError(f"the alias *{event.anchor} refers to no complete anchor before it", line)
            _add(stack, anchors, anchors[event.anchor], None, max_nodes, line)
        elif isinstance(event, yaml.DocumentEndEvent):
            stack = [[0, None]]


def _add(
    stack: list[list[Any]], anchors: dict[str, int], size: int, anchor: str | None, limit: int, line: int | None
) -> None:
    if anchor is not None:
        anchors[anchor] = size
    stack[-1][0] += size
    if stack[-1][0] > limit or sum(frame[0] for frame in stack) > limit:
        raise LimitError(f"the document expands to more than {limit} values (through aliases or sheer size)", line)


def json_depth(text: str) -> int:
    """Return how deeply the JSON in `text` nests (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _finite(value: str) -> float:
    number = float(value)
    if number in (float("inf"), float("-inf")):
        raise LimitError(f"the number {value[:40]} is too large")
    return number


def _no_constant(name: str) -> Any:
    raise LimitError(f"{name} is not a JSON number")


def loads_json(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Return the JSON value in `text`: standard JSON only (no NaN or Infinity), nesting at most `max_depth`.

    Raises `LimitError` past a limit or on a non-standard number, `json.JSONDecodeError` on malformed JSON.
    """
    # Counting brackets costs more than parsing: only a text with enough of them can nest too deeply.
    if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
        raise LimitError(f"the JSON nests deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError | LimitError):
            raise
        raise LimitError(str(exc).split("\n")[0][:200]) from None  # e.g. an integer of thousands of digits


def open_output(path: Path) -> TextIO:
    """Open `path` for writing UTF-8 text; raises `UsageError` saying why it cannot be written (checked first)."""
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UsageError(
            f"cannot write {path}: {why}", hint="give a file path in an existing, writable directory"
        ) from None


def check_output(path: Path) -> None:
    """Raise `UsageError` when `path` plainly cannot be written: call it before long work whose result goes there."""
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory", hint="give a file path, e.g. results.jsonl")
    if not path.parent.is_dir():
        raise UsageError(
            f"cannot write {path}: the directory {path.parent} does not exist", hint="create it first, or fix the path"
        )
