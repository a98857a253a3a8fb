"""The `answers score` JSON Lines contract: read requests line by line, report bad lines, write results in order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mlscreen.datafile import LimitError, loads_json
from mlscreen.errors import MlscreenError, UsageError
from mlscreen.scoring.points import Target, build_target

BATCH = 256


@dataclass(frozen=True)
class LineError:
    """A line that could not be scored, with its 1-based number and what was wrong."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedLine:
    """A valid input line: its id, answer and target."""

    line: int
    id: Any
    answer: str
    target: Target


def _decode(number: int, raw: str | bytes) -> str | LineError:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return LineError(number, f"not UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8")


def _load(number: int, text: str) -> dict[str, Any] | LineError:
    try:
        obj = loads_json(text)
    except json.JSONDecodeError as exc:
        return LineError(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except LimitError as exc:
        return LineError(number, exc.message)
    if not isinstance(obj, dict):
        return LineError(number, f"expected a JSON object, got {type(obj).__name__}")
    # A lone surrogate escape ("\\ud800") parses, but is no text: it could never be written out again.
    if "\\u" in text and not _encodable(obj):
        return LineError(number, "holds an unpaired surrogate escape such as \\ud800; encode the text as UTF-8")
    return obj


def _encodable(obj: Any) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _field_problem(obj: dict[str, Any]) -> str | None:
    if "id" not in obj:
        return 'missing field "id"'
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        return '"id" must be a string or an integer'
    if "answer" not in obj:
        return 'missing field "answer"'
    if not isinstance(obj["answer"], str):
        return f'"answer" must be a string, got {type(obj["answer"]).__name__}'
    for key in ("question", "reference_answer", "question_id"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f'"{key}" must be a string'
    points = obj.get("expected_points")
    if points is not None and (not isinstance(points, list) or not points):
        return '"expected_points" must be a non-empty list of {"point": "...", "weight": n}'
    flags = obj.get("red_flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return '"red_flags" must be a list of strings'
    examples = obj.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        return '"examples" must be a list of {"answer": "...", "grade": 0..1}'
    return None


def _target(obj: dict[str, Any], bank_target: Callable[[str], Target] | None) -> Target:
    flags, examples = obj.get("red_flags", []), obj.get("examples", [])
    if obj.get("expected_points") is None and not obj.get("reference_answer") and obj.get("question_id"):
        if bank_target is None:
            raise UsageError('"question_id" needs the question bank')
        bank = bank_target(obj["question_id"])
        return build_target(
            expected_points=bank.points, question=bank.question, red_flags=(*bank.red_flags, *flags), examples=examples
        )
    return build_target(
        expected_points=obj.get("expected_points"),
        reference_answer=obj.get("reference_answer"),
        question=obj.get("question"),
        red_flags=flags,
        examples=examples,
    )


def parse_line(
    number: int, raw: str | bytes, *, bank_target: Callable[[str], Target] | None = None
) -> ParsedLine | LineError | None:
    """Return the parsed line, a `LineError` saying what is wrong with it, or None for a blank line.

    `raw` may be bytes (a line of a file read as such): a line that is not UTF-8 is then reported, not fatal.
    """
    text = _decode(number, raw)
    if isinstance(text, LineError):
        return text
    if not text.strip():
        return None
    obj = _load(number, text)
    if isinstance(obj, LineError):
        return obj
    problem = _field_problem(obj)
    if problem is not None:
        return LineError(number, problem)
    try:
        target = _target(obj, bank_target)
    except MlscreenError as exc:
        return LineError(number, exc.message)
    return ParsedLine(number, obj["id"], obj["answer"], target)


def score_lines(
    lines: Iterable[str | bytes],
    *,
    write: Callable[[dict[str, Any]], None],
    report: Callable[[LineError], None],
    bank_target: Callable[[str], Target] | None = None,
) -> tuple[int, int]:
    """Score JSON lines in batches, calling `write` per result in input order and `report` per bad line.

    Returns (lines scored, bad lines).
    """
    from mlscreen.scoring.scorer import ScoringRequest, score_requests

    pending: list[ParsedLine] = []
    done = bad = 0

    def flush() -> None:
        nonlocal done
        results = score_requests([ScoringRequest(p.answer, p.target) for p in pending])
        for parsed, result in zip(pending, results, strict=True):
            write({"id": parsed.id, **result.to_json()})
        done += len(pending)
        pending.clear()

    for number, raw in enumerate(lines, start=1):
        parsed = parse_line(number, raw, bank_target=bank_target)
        if isinstance(parsed, LineError):
            report(parsed)
            bad += 1
        elif parsed is not None:
            pending.append(parsed)
            if len(pending) >= BATCH:
                flush()
    if pending:
        flush()
    return done, bad
