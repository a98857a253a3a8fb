"""Answer scoring: which expected points a free-text answer covers, with evidence, a 0-1 score and a level.

Importing this package is light (no torch, no numpy); the model loads on the first scoring call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlscreen.scoring.result import AnswerScore, Evidence, PointResult, RedFlagHit

if TYPE_CHECKING:
    from mlscreen.scoring.scorer import ScoringRequest, score_answer, score_answers, score_requests

__all__ = [
    "AnswerScore",
    "Evidence",
    "PointResult",
    "RedFlagHit",
    "ScoringRequest",
    "score_answer",
    "score_answers",
    "score_requests",
]
_LAZY = {"ScoringRequest", "score_answer", "score_answers", "score_requests"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from mlscreen.scoring import scorer

        return getattr(scorer, name)
    raise AttributeError(f"module 'mlscreen.scoring' has no attribute {name!r}")
