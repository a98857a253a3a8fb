"""What scoring one answer returns: a 0-1 score, a suggested level, and per-point coverage with evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """The part of the answer that matched, with its character span in the (possibly capped) answer."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PointResult:
    """One expected point: covered or not, the best similarity found, and the clause that covers it.

    `evidence` is set only when the point is covered; `closest` is the most similar clause either way.
    `contradicted` says the clause most similar to the point negates it ("do not use X" for "use X").
    """

    point: str
    covered: bool
    similarity: float
    evidence: Evidence | None
    weight: float = 1.0
    required: bool = False
    lexical_recall: float = 0.0
    contradicted: bool = False
    closest: Evidence | None = None


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag the answer matches, with the clause that matched it."""

    flag: str
    similarity: float
    evidence: Evidence


@dataclass(frozen=True)
class AnswerScore:
    """The advice for one answer; a person confirms or overrides it."""

    score: float
    suggested_level: int
    points: list[PointResult]
    red_flags: list[RedFlagHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    reason: str | None = None
    features: dict[str, float] = field(default_factory=dict)
    examples_used: int = 0
    """How many graded answers of the same question moved the score (0: the calibrated model alone)."""

    def to_json(self) -> dict[str, Any]:
        """Return the contract's output object (`score`, `suggested_level`, `points`) plus extra keys."""
        out: dict[str, Any] = {
            "score": round(self.score, 4),
            "suggested_level": self.suggested_level,
            "points": [
                {
                    "point": p.point,
                    "covered": p.covered,
                    "similarity": round(p.similarity, 4),
                    "evidence": p.evidence.text if p.evidence else None,
                    "evidence_span": [p.evidence.start, p.evidence.end] if p.evidence else None,
                    "weight": p.weight,
                    "required": p.required,
                    "contradicted": p.contradicted,
                    "closest": p.closest.text if p.closest else None,
                }
                for p in self.points
            ],
            "red_flags": [
                {"flag": r.flag, "similarity": round(r.similarity, 4), "evidence": r.evidence.text}
                for r in self.red_flags
            ],
            "notices": self.notices,
            "examples_used": self.examples_used,
        }
        if self.reason:
            out["reason"] = self.reason
        return out
