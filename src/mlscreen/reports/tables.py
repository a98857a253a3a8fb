"""The plain tables every report reads: one frozen row type per fact, no database types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LEVELS = (1, 2, 3, 4)
"""The anchored rubric's levels, lowest first."""


@dataclass(frozen=True)
class Rating:
    """One interviewer's level for one rubric category of one candidate at one stage."""

    candidate: int
    rater: int
    stage: str
    category: str
    level: float


@dataclass(frozen=True)
class Recommendation:
    """One scorecard's overall recommendation ("strong_yes", "yes", "no", "strong_no")."""

    candidate: int
    rater: int
    stage: str
    recommendation: str


@dataclass(frozen=True)
class StageVisit:
    """A candidate's time in one stage: when they entered, when they left and how ("passed", "exited" or None)."""

    candidate: int
    position: int
    stage: str
    entered_at: datetime
    left_at: datetime | None = None
    outcome: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Advice:
    """An automatic level (autograder or answer scoring) beside the level a person gave the same thing."""

    kind: str
    item: str
    advised: int
    person: int
    overridden: bool


@dataclass(frozen=True)
class Identity:
    """A candidate's voluntary self-identification; None where they chose not to say."""

    candidate: int
    sex: str | None = None
    race: str | None = None


@dataclass(frozen=True)
class StageScore:
    """A candidate's combined score at a scored stage (for the scoring-rate figures)."""

    candidate: int
    stage: str
    score: float
