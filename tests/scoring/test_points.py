"""Targets: expected points from mappings, strings and the bank; reference answers split into points."""

from __future__ import annotations

import pytest

from mlscreen.bank import Bank, KnowledgeQuestion
from mlscreen.errors import NotFoundError, UsageError
from mlscreen.scoring.points import PointSpec, build_target, target_from_bank


def test_points_from_mappings_with_weights_and_variants() -> None:
    target = build_target(
        expected_points=[{"point": "use class weights", "weight": 2, "variants": ["weight the loss"]}, "SMOTE"],
        variants={"SMOTE": ["synthetic oversampling"]},
        red_flags=["  ", "only talks about accuracy"],
    )
    assert target.points == (
        PointSpec("use class weights", 2.0, False, ("weight the loss",)),
        PointSpec("SMOTE", 1.0, False, ("synthetic oversampling",)),
    )
    assert target.red_flags == ("only talks about accuracy",)


def test_reference_answer_is_split_into_points() -> None:
    target = build_target(reference_answer="Split by time. Fit the scaler on the training part only.")
    assert [p.text for p in target.points] == ["Split by time.", "Fit the scaler on the training part only."]


@pytest.mark.parametrize(
    "points",
    [
        [{"point": ""}],
        [{"point": "x", "weight": 0}],
        [{"point": "x", "weight": True}],
        [{"point": "x", "variants": "y"}],
    ],
)
def test_bad_points_are_usage_errors(points: list[dict[str, object]]) -> None:
    with pytest.raises(UsageError):
        build_target(expected_points=points)


def test_bank_knowledge_question_gives_its_points_and_red_flags(bank: Bank) -> None:
    questions = bank.items(KnowledgeQuestion)
    assert questions, "the packaged bank has no knowledge questions"
    question = questions[0]
    target = target_from_bank(question.id, bank=bank)
    assert [p.text for p in target.points] == [p.text for p in question.expected_points]
    assert target.points[0].variants == tuple(question.expected_points[0].variants)
    assert target.red_flags == tuple(question.red_flags)
    with pytest.raises(NotFoundError):
        target_from_bank("no-such-question", bank=bank)
