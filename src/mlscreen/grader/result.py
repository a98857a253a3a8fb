"""The outcome of grading one submission, and its JSON form (the `mlscreen grade --json` contract)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

Status: TypeAlias = Literal["passed", "failed", "error", "timeout", "killed"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = 500) -> str:
    """Return `text` without control characters (terminal escapes included), cut to `limit` characters."""
    return _CONTROL.sub("", text)[:limit]


@dataclass(frozen=True)
class TestResult:
    """One hidden test's outcome as a candidate may see it: id, kind, pass/fail and the author's message."""

    __test__ = False  # not a pytest class

    id: str
    kind: str
    passed: bool
    message: str

    def to_json(self) -> dict[str, Any]:
        """Return the test's entry of the JSON contract."""
        return {"id": self.id, "kind": self.kind, "passed": self.passed, "message": clean_text(self.message)}


@dataclass(frozen=True)
class GradeResult:
    """A graded submission: status, per-test outcomes, proposed rubric levels and advisory signals."""

    exercise: str
    status: Status
    tests: list[TestResult]
    rubric: dict[str, int]
    signals: dict[str, Any] = field(default_factory=dict)
    duration_ms: float = 0.0

    @property
    def passed(self) -> int:
        """Return how many hidden tests passed."""
        return sum(t.passed for t in self.tests)

    @property
    def total(self) -> int:
        """Return how many hidden tests there are."""
        return len(self.tests)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of the `mlscreen grade --json` contract."""
        return {
            "exercise": self.exercise,
            "status": self.status,
            "passed": self.passed,
            "total": self.total,
            "tests": [t.to_json() for t in self.tests],
            "rubric": dict(self.rubric),
            "signals": dict(self.signals),
            "duration_ms": round(self.duration_ms, 1),
        }
