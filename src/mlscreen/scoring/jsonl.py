"""The `answers score` JSON Lines contract: read requests line by line, report bad lines, write results in order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mlscreen.errors import MlscreenError
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


def parse_line(
    number: int, raw: str, *, bank_target: Callable[[str], Target] | None = None
) -> ParsedLine | LineError | None:
    """Return the parsed line, a `LineError` saying what is wrong with it, or None for a blank line."""
    if not raw.strip():
        return None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return LineError(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return LineError(number, f"expected a JSON object, got {type(obj).__name__}")
    if "id" not in obj:
        return LineError(number, 'missing field "id"')
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        return LineError(number, '"id" must be a string or an integer')
    if "answer" not in obj:
        return LineError(number, 'missing field "answer"')
    if not isinstance(obj["answer"], str):
        return LineError(number, f'"answer" must be a string, got {type(obj["answer"]).__name__}')
    for key in ("question", "reference_answer", "question_id"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return LineError(number, f'"{key}" must be a string')
    points = obj.get("expected_points")
    if points is not None and (not isinstance(points, list) or not points):
        return LineError(number, '"expected_points" must be a non-empty list of {"point": "...", "weight": n}')
    flags = obj.get("red_flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return LineError(number, '"red_flags" must be a list of strings')
    examples = obj.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        return LineError(number, '"examples" must be a list of {"answer": "...", "grade": 0..1}')
    try:
        if points is None and not obj.get("reference_answer") and obj.get("question_id"):
            if bank_target is None:
                return LineError(number, '"question_id" needs the question bank')
            bank = bank_target(obj["question_id"])
            target = build_target(
                expected_points=bank.points,
                question=bank.question,
                red_flags=(*bank.red_flags, *flags),
                examples=examples,
            )
        else:
            target = build_target(
                expected_points=points,
                reference_answer=obj.get("reference_answer"),
                question=obj.get("question"),
                red_flags=flags,
                examples=examples,
            )
    except MlscreenError as exc:
        return LineError(number, exc.message)
    return ParsedLine(number, obj["id"], obj["answer"], target)


def score_lines(
    lines: Iterable[str],
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
