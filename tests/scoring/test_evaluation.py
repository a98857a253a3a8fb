"""Evaluation figures: agreement within each question, apart from how each question's answers are spread."""

from __future__ import annotations

import numpy as np
import pytest

from mlscreen.scoring.evaluation import classification_metrics, within_group_metrics


def test_within_question_figures_ignore_each_questions_base_rate() -> None:
    # Question "easy" scores everyone high, "hard" everyone low; inside each, correct answers rank first.
    prob = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    labels = np.array([1, 1, 0, 1, 0, 0])
    groups = ["easy", "easy", "easy", "hard", "hard", "hard"]
    pooled = classification_metrics(prob, labels)
    within = within_group_metrics(prob, labels, groups)
    assert within["auc"] == pytest.approx(1.0)
    assert pooled["auc"] < 0.9  # the hard question's correct answer ranks below the easy one's wrong answer


def test_questions_with_one_label_are_left_out_and_none_left_gives_nothing() -> None:
    prob = np.array([0.9, 0.1, 0.6, 0.4])
    labels = np.array([1, 0, 1, 1])
    assert within_group_metrics(prob, labels, ["a", "a", "b", "b"])["auc"] == pytest.approx(1.0)
    assert within_group_metrics(prob[2:], labels[2:], ["b", "b"]) == {}
