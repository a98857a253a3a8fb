"""Reviewed written answers as graded examples of their question, and how far the advice agrees with people on it.

Every level an interviewer confirms or overrides is a grade of that answer. Later answers to the same question are
scored with those grades as examples (once there are enough, see `examples_min` in the scoring configuration), and
once a question has `reliability_min_grades` reviewed answers, its agreement with people (quadratic weighted kappa
between suggested and reviewed levels) is shown beside the advice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlscreen.reports.agreement import quadratic_kappa
from mlscreen.scoring.config import load_config
from mlscreen.store.models import WrittenAnswer
from mlscreen.store.privacy import ERASED_TEXT

MAX_EXAMPLES = 200
"""The most recent reviewed answers of a question used as examples (more add little and cost embedding time)."""


def level_grade(level: int) -> float:
    """Return a 1-4 rubric level as a 0-1 grade (1 -> 0.0, 4 -> 1.0)."""
    return (level - 1) / 3


def graded_examples(
    db: Session, question_id: str, *, exclude_candidate: int | None = None, limit: int = MAX_EXAMPLES
) -> list[dict[str, Any]]:
    """Return the question's reviewed answers as `{"answer", "grade"}` examples, newest first.

    The answers of `exclude_candidate` are left out: a candidate's own earlier attempt must not grade them.
    """
    query = select(WrittenAnswer.answer, WrittenAnswer.final_level).where(
        WrittenAnswer.question_id == question_id,
        WrittenAnswer.final_level.is_not(None),
        WrittenAnswer.answer != ERASED_TEXT,  # an erased candidate's answers teach nothing
    )
    if exclude_candidate is not None:
        query = query.where(WrittenAnswer.candidate_id != exclude_candidate)
    rows = db.execute(query.order_by(WrittenAnswer.id.desc()).limit(limit))
    return [{"answer": text, "grade": level_grade(level)} for text, level in rows if text.strip() and level]


@dataclass(frozen=True)
class Reliability:
    """How far answer scoring's suggested levels agree with the levels people gave on one question.

    `kappa` is the quadratic weighted kappa over `pairs` reviewed answers; it is shown only once there are
    `min_pairs`. `unreliable` marks a shown question whose kappa is below the threshold (or undefined): its advice
    should be ignored.
    """

    question_id: str
    pairs: int
    kappa: float | None
    min_pairs: int
    min_kappa: float

    @property
    def shown(self) -> bool:
        """True once enough answers of the question were reviewed for the figure to mean something."""
        return self.pairs >= self.min_pairs

    @property
    def unreliable(self) -> bool:
        """True when the figure is shown and says the advice agrees with people too little to rely on."""
        return self.shown and (self.kappa is None or self.kappa < self.min_kappa)


def question_reliability(db: Session, question_ids: Iterable[str]) -> dict[str, Reliability]:
    """Return the reliability of the advice on each question, computed from its reviewed answers."""
    wanted = sorted(set(question_ids))
    pairs: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    if wanted:
        query = select(WrittenAnswer.question_id, WrittenAnswer.advice, WrittenAnswer.final_level).where(
            WrittenAnswer.question_id.in_(wanted), WrittenAnswer.final_level.is_not(None)
        )
        for question_id, advice, level in db.execute(query):
            suggested = (advice or {}).get("suggested_level")
            if isinstance(suggested, int) and suggested in (1, 2, 3, 4) and level in (1, 2, 3, 4):
                pairs[question_id][0].append(suggested)
                pairs[question_id][1].append(level)
    config = load_config()
    out = {}
    for question_id in wanted:
        advised, person = pairs[question_id]
        out[question_id] = Reliability(
            question_id=question_id,
            pairs=len(advised),
            kappa=quadratic_kappa(advised, person) if advised else None,
            min_pairs=config.reliability_min_grades,
            min_kappa=config.reliability_min_kappa,
        )
    return out


@dataclass(frozen=True)
class QuestionScoring:
    """What answer scoring knows of one question in this deployment: its reviewed answers and their agreement."""

    question_id: str
    graded: int
    examples_min: int
    reliability: Reliability

    @property
    def learning(self) -> bool:
        """True once suggestions for the question use its reviewed answers as graded examples."""
        return self.graded >= self.examples_min


def question_scoring(db: Session, question_id: str) -> QuestionScoring:
    """Return how many answers to the question were reviewed, whether suggestions learn from them, and the
    agreement of the suggestions with the reviews."""
    graded = db.scalar(
        select(func.count(WrittenAnswer.id)).where(
            WrittenAnswer.question_id == question_id, WrittenAnswer.final_level.is_not(None)
        )
    )
    return QuestionScoring(
        question_id=question_id,
        graded=int(graded or 0),
        examples_min=load_config().examples_min,
        reliability=question_reliability(db, [question_id])[question_id],
    )
