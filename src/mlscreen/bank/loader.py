"""Load question banks from YAML files, with `path:line` errors; a bank loads whole or not at all."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from mlscreen.bank.models import ITEM_TYPES, AnyItem, Exercise, Item
from mlscreen.datafile import LIMIT_HINT, LimitError, compose_yaml, read_text
from mlscreen.errors import BankError, ContentError

PACKAGED_BANK = Path(__file__).parent / "content"
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyItem)
_HINTS = {
    "extra_forbidden": "remove the field or check its spelling against docs/content-format.md",
    "missing": "add the field; docs/content-format.md lists the fields of each item type",
    "union_tag_invalid": f"set `type` to one of: {', '.join(ITEM_TYPES)}",
    "union_tag_not_found": f"add `type:` with one of: {', '.join(ITEM_TYPES)}",
}


@dataclass(frozen=True)
class Source:
    """Where an item was defined."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class RawItem:
    """An item as parsed from YAML, with the line of each field for error messages."""

    data: Any
    source: Source
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)


class _Scalars(yaml.constructor.SafeConstructor):
    """Builds plain values from YAML nodes, with YAML's safe rules."""


def _scalar(node: yaml.Node) -> Any:
    return _Scalars().construct_object(node, deep=True)


def _to_python(node: yaml.Node, loc: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in out:
                raise ContentError(
                    "", key_node.start_mark.line + 1, str(key), "the field is given twice", hint="keep one"
                )
            out[key] = _to_python(value_node, (*loc, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(child, (*loc, i), lines) for i, child in enumerate(node.value)]
    return _scalar(node)


def parse_file(path: Path) -> list[RawItem]:
    """Return the items of one YAML file (a mapping, or a list of mappings).

    Raises `ContentError` on unreadable files or bad YAML.
    """
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(str(path), None, None, f"cannot read the file ({exc})", hint="save it as UTF-8") from None
    except LimitError as exc:
        raise ContentError(str(path), None, None, exc.message, hint=LIMIT_HINT) from None
    try:
        root = compose_yaml(text)
    except LimitError as exc:
        raise ContentError(str(path), exc.line, None, exc.message, hint=LIMIT_HINT) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(str(path), line, None, f"invalid YAML: {problem}", hint="fix the YAML syntax") from None
    if root is None:
        return []
    nodes = root.value if isinstance(root, yaml.SequenceNode) else [root]
    items = []
    for node in nodes:
        lines: dict[tuple[str | int, ...], int] = {}
        try:
            data = _to_python(node, (), lines)
        except ContentError as exc:
            raise ContentError(str(path), exc.line, exc.field, "the field is given twice", hint=exc.hint) from None
        items.append(RawItem(data, Source(path, node.start_mark.line + 1), lines))
    return items


def _line_for(raw: RawItem, loc: tuple[str | int, ...]) -> int:
    # The error's location may run past what the YAML holds (a missing field): use its longest known prefix.
    for end in range(len(loc), -1, -1):
        if loc[:end] in raw.lines:
            return raw.lines[loc[:end]]
    return raw.source.line


def validate(raw: RawItem) -> tuple[Item | None, list[ContentError]]:
    """Return the validated item, or None with the problems found."""
    if not isinstance(raw.data, dict):
        return None, [ContentError(str(raw.source.path), raw.source.line, None, "an item must be a mapping")]
    try:
        item = _ADAPTER.validate_python(raw.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            kind = ITEM_TYPES.get(str(raw.data.get("type")))
            # Drop the discriminator tag pydantic puts first in the location.
            if loc and kind is not None and loc[0] == raw.data.get("type"):
                loc = loc[1:]
            name = ".".join(str(p) for p in loc) or None
            problems.append(
                ContentError(
                    str(raw.source.path),
                    _line_for(raw, loc),
                    name,
                    err["msg"],
                    hint=_HINTS.get(err["type"]),
                )
            )
        return None, problems
    return item, []


def _yaml_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


@dataclass(frozen=True)
class Loaded:
    """A validated item with where it came from."""

    item: Item
    source: Source


def load_items(directories: Iterable[Path]) -> tuple[dict[str, Loaded], list[ContentError]]:
    """Load and validate every item under `directories`, in order; later banks may override earlier ones.

    Returns the items by id and every problem found (duplicates included).
    """
    items: dict[str, Loaded] = {}
    problems: list[ContentError] = []
    for position, directory in enumerate(directories):
        found, directory_problems = _directory_items(directory)
        problems.extend(directory_problems)
        for item, raw in found:
            previous = items.get(item.id)
            if previous is not None and not (item.overrides and position > 0):
                problems.append(
                    ContentError(
                        str(raw.source.path),
                        raw.source.line,
                        "id",
                        f"id {item.id!r} is already defined at {previous.source}",
                        hint="rename one of them, or set `overrides: true` on the item in your own bank",
                    )
                )
                continue
            if previous is None and item.overrides:
                problems.append(
                    ContentError(
                        str(raw.source.path),
                        raw.lines.get(("overrides",), raw.source.line),
                        "overrides",
                        f"there is no item {item.id!r} to override",
                        hint="remove `overrides: true` or fix the id",
                    )
                )
                continue
            items[item.id] = Loaded(item, raw.source)
    return items, problems


_Parsed = tuple[list[tuple[Item, RawItem]], list[ContentError]]
# Directories already parsed and validated, by the state of every file under them: a process loads the same bank
# many times (each command, app and worker), and an unchanged directory then costs a walk, not a parse. Items are
# frozen models, so one validated copy serves every caller.
_PARSED: dict[tuple[str, tuple[tuple[str, int, int], ...]], _Parsed] = {}
_PARSED_MAX = 16
_PARSED_LOCK = threading.Lock()


def _directory_items(directory: Path) -> _Parsed:
    """Return the valid items of one directory, each with its raw form, and the problems of the others."""
    if not directory.is_dir():
        problem = ContentError(str(directory), None, None, "is not a directory", hint="give a directory of YAML files")
        return [], [problem]
    key = (str(directory), _state_of(directory))
    with _PARSED_LOCK:
        cached = _PARSED.get(key)
    if cached is not None:
        return cached
    found: list[tuple[Item, RawItem]] = []
    problems: list[ContentError] = []
    for path in _yaml_files(directory):
        try:
            raws = parse_file(path)
        except ContentError as exc:
            problems.append(exc)
            continue
        for raw in raws:
            item, invalid = validate(raw)
            problems.extend(invalid)
            if item is not None:
                problems.extend(_sidecar_problems(item, raw))
                found.append((item, raw))
    with _PARSED_LOCK:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = (found, problems)
    return found, problems


def _state_of(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Return (path, modification time in ns, size) of every file under `directory`, in a stable order."""
    state: list[tuple[str, int, int]] = []
    for root, subdirs, files in os.walk(directory):
        subdirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            state.append((path, info.st_mtime_ns, info.st_size))
    return tuple(state)


def _sidecar_problems(item: Item, raw: RawItem) -> list[ContentError]:
    if not isinstance(item, Exercise):
        return []
    base = raw.source.path.parent
    wanted: list[tuple[tuple[str | int, ...], str]] = [
        (("starter",), item.starter),
        (("reference",), item.reference),
        (("tests",), item.tests),
    ]
    if item.harness is not None:
        wanted.append((("harness",), item.harness))
    wanted += [(("must_fail", i, "file"), m.file) for i, m in enumerate(item.must_fail)]
    problems = []
    for loc, name in wanted:
        target = (base / name).resolve()
        if not target.is_relative_to(base.resolve()) or not target.is_file():
            problems.append(
                ContentError(
                    str(raw.source.path),
                    _line_for(raw, loc),
                    ".".join(str(p) for p in loc),
                    f"sidecar file {name!r} not found beside the YAML",
                    hint=f"create {base / name} or fix the name",
                )
            )
    return problems


def raise_if(problems: list[ContentError]) -> None:
    """Raise `BankError` carrying every problem, if there are any."""
    if problems:
        raise BankError(problems)
