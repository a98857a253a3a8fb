"""Agreement of advice with people: kappa equals scikit-learn's, overrides are counted."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from mlscreen.reports import Advice, Design, agreement, quadratic_kappa, simulate


def test_kappa_equals_scikit_learn() -> None:
    sim = simulate(Design(candidates=300), seed=3)
    advised = [a.advised for a in sim.advice]
    person = [a.person for a in sim.advice]
    assert quadratic_kappa(advised, person) == pytest.approx(cohen_kappa_score(advised, person, weights="quadratic"))


def test_per_item_rows() -> None:
    rows = [Advice("question", "q1", 3, 3, False), Advice("question", "q1", 2, 4, True)]
    rows += [Advice("exercise", "e1", level, level, False) for level in (1, 2, 3, 4)]
    exercise, question = agreement(rows)
    assert (exercise.item, exercise.kappa, exercise.spearman, exercise.override_rate) == ("e1", 1.0, 1.0, 0.0)
    assert (question.item, question.pairs, question.override_rate) == ("q1", 2, 0.5)
    assert quadratic_kappa([3, 3], [3, 3]) is None
