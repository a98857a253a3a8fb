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


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than `max_depth` and more than `max_nodes` values once
    aliases are expanded, while it composes (one pass, before any value is built)."""

    def __init__(self, stream: str, *, max_depth: int, max_nodes: int) -> None:
        super().__init__(stream)
        self.max_depth, self.max_nodes = max_depth, max_nodes
        self._depth = self._expanded = 0
        self._sizes: dict[int, int] = {}  # id(node) -> its size with aliases expanded, once composed

    def _count(self, size: int, line: int) -> None:
        self._expanded += size
        if self._expanded > self.max_nodes:
            raise LimitError(f"the document expands to more than {self.max_nodes} values (through aliases)", line)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)  # an undefined one is the composer's own error
            if target is not None:
                if id(target) not in self._sizes:
                    raise LimitError(f"the alias *{event.anchor} refers to the collection it is in", line)
                self._count(self._sizes[id(target)], line)
            return super().compose_node(parent, index)
        collection = isinstance(event, yaml.CollectionStartEvent)
        if collection:
            self._depth += 1
            if self._depth > self.max_depth:
                raise LimitError(f"the document nests deeper than {self.max_depth} levels", line)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= collection
        if node is None:
            return None
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        self._sizes[id(node)] = 1 + (sum(self._sizes[id(c)] for c in children) if collection else 0)
        self._count(1, line)
        return node


def compose_yaml(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> yaml.Node | None:
    """Return the YAML node tree of `text` (None when empty), within the size, depth and alias limits.

    Raises `LimitError` past a limit (with the line) and `yaml.YAMLError` on malformed YAML.
    """
    check_size(text)
    loader = _LimitedLoader(text, max_depth=max_depth, max_nodes=max_nodes)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load_yaml(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Any:
    """Return the plain value of the YAML in `text`, within the limits (see `compose_yaml`)."""
    root = compose_yaml(text, max_depth=max_depth, max_nodes=max_nodes)
    return None if root is None else yaml.SafeLoader("").construct_document(root)


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


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Return the UTF-8 text of `path` (a byte-order mark dropped), reading no more than `max_bytes` + 1 bytes.

    Raises `LimitError` for a larger file, `OSError` and `UnicodeDecodeError` as reading and decoding do.
    """
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    check_size(data, max_bytes=max_bytes)
    return data.decode("utf-8-sig")
