"""Scoring answers against expected points: coverage, negation, paraphrase, red flags, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlscreen.bank import Bank, KnowledgeQuestion
from mlscreen.errors import UsageError
from mlscreen.scoring.config import load_config
from mlscreen.scoring.embedder import Embedder
from mlscreen.scoring.points import target_from_bank
from mlscreen.scoring.scorer import ScoringRequest, score_answer, score_answers, score_requests

pytestmark = pytest.mark.usefixtures("embedder")

DRIFT_POINTS = [
    "Look for data drift in the input features",
    "Check upstream data pipeline issues",
    "Evaluate recent performance metrics against a baseline",
]


def test_paraphrase_of_a_point_is_covered_and_unrelated_sentence_is_not() -> None:
    answer = "The model learns the noise in its training examples and so it does badly on data it has not seen."
    covered = score_answer(answer, expected_points=["Overfitting: the model fits noise and fails to generalise"])
    assert covered.points[0].covered
    unrelated = score_answer("I enjoy hiking with my dog.", expected_points=["the model fits noise and overfits"])
    assert not unrelated.points[0].covered
    assert unrelated.points[0].similarity < 0.3
    assert covered.score > unrelated.score


def test_negated_statement_does_not_cover_the_point() -> None:
    negated = score_answer("You should not use accuracy.", expected_points=["use accuracy"])
    assert not negated.points[0].covered
    assert negated.points[0].contradicted
    asserted = score_answer("Use accuracy as the metric.", expected_points=["use accuracy"])
    assert asserted.points[0].covered
    assert not asserted.points[0].contradicted


def test_negation_of_one_thing_leaves_the_next_claim_standing() -> None:
    result = score_answer("Do not use accuracy, use the F1 score instead.", expected_points=["use the F1 score"])
    assert result.points[0].covered


def test_evidence_is_the_matching_clause_with_its_span() -> None:
    answer = "I like clean code. I would check if an upstream data pipeline broke and sent nulls."
    result = score_answer(answer, expected_points=DRIFT_POINTS)
    pipeline = result.points[1]
    assert pipeline.covered
    assert pipeline.evidence is not None
    assert "upstream data pipeline" in pipeline.evidence.text
    assert answer[pipeline.evidence.start : pipeline.evidence.end] == pipeline.evidence.text


def test_more_points_covered_scores_higher() -> None:
    one = "I would check whether an upstream data pipeline broke."
    three = (
        "I would check whether an upstream data pipeline broke. I would look for drift in the input features. "
        "I would compare recent accuracy and recall with the baseline from launch."
    )
    low, high = score_answers([one, three], expected_points=DRIFT_POINTS)
    assert sum(p.covered for p in high.points) > sum(p.covered for p in low.points)
    assert high.score > low.score
    assert high.suggested_level >= low.suggested_level


def test_variants_count_as_the_point() -> None:
    answer = "SMOTE."
    plain = score_answer(answer, expected_points=["Create synthetic minority examples"])
    with_variant = score_answer(
        answer,
        expected_points=["Create synthetic minority examples"],
        variants={"Create synthetic minority examples": ["SMOTE"]},
    )
    assert with_variant.points[0].similarity > plain.points[0].similarity
    assert with_variant.points[0].covered


def test_reference_answer_clauses_become_points() -> None:
    result = score_answer(
        "It simulates parts of the software.",
        reference_answer="To simulate the behaviour of portions of the desired software product.",
    )
    assert [p.point for p in result.points] == [
        "To simulate the behaviour of portions of the desired software product."
    ]
    assert 0.0 <= result.score <= 1.0


def test_red_flag_is_reported_with_evidence() -> None:
    answer = "Everything I built lives in Jupyter notebooks. I share the notebooks with my manager."
    result = score_answer(
        answer,
        expected_points=["Deployed a model behind an API"],
        red_flags=["only talks about notebooks", "blames colleagues for failures"],
    )
    assert [hit.flag for hit in result.red_flags] == ["only talks about notebooks"]
    assert "notebooks" in result.red_flags[0].evidence.text
    assert any("red flag" in n for n in result.notices)
    clean = score_answer(
        "I deployed the model behind a REST API.",
        expected_points=["Deployed a model behind an API"],
        red_flags=["only talks about notebooks"],
    )
    assert clean.red_flags == []


@pytest.mark.parametrize("answer", ["", "   \n\t "])
def test_empty_answer_scores_zero_with_a_reason(answer: str) -> None:
    result = score_answer(answer, expected_points=DRIFT_POINTS)
    assert result.score == 0.0
    assert result.suggested_level == 1
    assert result.reason == "the answer is empty"
    assert not any(p.covered for p in result.points)


def test_long_answer_is_capped_with_a_notice() -> None:
    limit = load_config().max_words
    answer = "I would check the upstream data pipeline for broken joins. " * (limit // 5)
    result = score_answer(answer, expected_points=DRIFT_POINTS)
    assert f"answer capped at {limit} words" in result.notices
    assert result.points[1].covered
    assert all(p.evidence is None or p.evidence.end <= len(answer) for p in result.points)


def test_required_point_missing_caps_the_level() -> None:
    points = [
        {"point": "Look for data drift in the input features", "required": True},
        {"point": "Check upstream data pipeline issues"},
    ]
    result = score_answer("I would check if an upstream data pipeline broke and sent nulls.", expected_points=points)
    assert not result.points[0].covered
    assert result.suggested_level <= 2


def test_nothing_to_score_against_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nothing to score against"):
        score_answer("an answer")
    with pytest.raises(UsageError, match="weight"):
        score_answer("an answer", expected_points=[{"point": "x", "weight": -1}])


def test_batch_gives_the_same_result_as_one_by_one(embedder: Embedder) -> None:
    answers = ["I would look for drift.", "Pipelines break; check them.", ""]
    batch = score_answers(answers, expected_points=DRIFT_POINTS)
    single = [score_answer(a, expected_points=DRIFT_POINTS) for a in answers]
    assert [round(b.score, 6) for b in batch] == [round(s.score, 6) for s in single]
    assert score_requests([]) == []


def test_non_text_answer_scores_zero() -> None:
    from mlscreen.scoring.points import build_target

    result = score_requests([ScoringRequest(42, build_target(expected_points=["x"]))])[0]  # type: ignore[arg-type]
    assert result.score == 0.0
    assert result.reason == "the answer is not text"


@pytest.mark.slow
def test_onnx_export_gives_the_same_embeddings_as_torch(tmp_path: Path) -> None:
    from mlscreen.scoring.runtime import OnnxRuntime, TorchRuntime, export_onnx

    path = export_onnx(tmp_path / "minilm.onnx")
    texts = ["You should not use accuracy.", "Monitor feature distributions for drift.", "SMOTE", ""]
    onnx, torch = OnnxRuntime(path), TorchRuntime()
    assert np.abs(onnx.encode(texts) - torch.encode(texts)).max() < 1e-4
    for ours, theirs in zip(onnx.encode_tokens(texts), torch.encode_tokens(texts), strict=True):
        assert ours.tokens == theirs.tokens
        assert ours.vectors.shape == theirs.vectors.shape and np.allclose(ours.vectors, theirs.vectors, atol=1e-4)
        assert np.allclose(ours.sentence, theirs.sentence, atol=1e-4)


def test_red_flags_that_describe_an_absence_are_left_to_a_person() -> None:
    answer = "I would report precision and recall at the alert threshold the nurses can handle."
    result = score_answer(
        answer,
        expected_points=["report precision and recall"],
        red_flags=["Cannot say what precision and recall mean for a nurse on shift."],
    )
    assert result.red_flags == []


def test_uncovered_point_has_no_evidence_but_a_closest_clause() -> None:
    result = score_answer("I enjoy hiking with my dog.", expected_points=["use class weights"])
    point = result.points[0]
    assert not point.covered
    assert point.evidence is None
    assert point.closest is not None and point.closest.text == "I enjoy hiking with my dog."


def test_answer_without_words_counts_as_empty() -> None:
    result = score_answer("?!? ...", expected_points=DRIFT_POINTS)
    assert result.score == 0.0 and result.reason == "the answer is empty"


def test_a_good_answer_on_the_red_flags_subject_is_not_flagged() -> None:
    points = ["Report precision and recall instead of accuracy, because positives are rare"]
    flags = ["Reports accuracy as the main metric."]
    good = score_answer(
        "I'd report precision and recall, not accuracy, since positives are rare.",
        expected_points=points,
        red_flags=flags,
    )
    assert good.red_flags == []
    bad = score_answer(
        "Accuracy is the main metric I would report to the team.", expected_points=points, red_flags=flags
    )
    assert [hit.flag for hit in bad.red_flags] == flags


def test_each_bank_question_answered_with_its_own_points_gets_level_4_and_no_red_flag(bank: Bank) -> None:
    questions = bank.items(KnowledgeQuestion)
    assert questions, "the packaged bank has no knowledge questions"
    targets = [target_from_bank(q.id, bank=bank) for q in questions]
    answers = [" ".join(p.text for p in q.expected_points) for q in questions]
    results = score_requests([ScoringRequest(a, t) for a, t in zip(answers, targets, strict=True)])
    for question, result in zip(questions, results, strict=True):
        assert all(p.covered for p in result.points), question.id
        assert result.suggested_level == 4, question.id
        assert result.red_flags == [], (question.id, result.red_flags)


def test_graded_examples_pull_the_score_toward_similar_answers_grades() -> None:
    answer = "I would check whether the upstream pipeline broke."
    plain = score_answer(answer, expected_points=DRIFT_POINTS)
    others = [("I like cats.", 0.5), ("The weather is nice.", 0.5), ("Pizza is tasty.", 0.5), ("Trains run late.", 0.5)]
    low = score_answer(
        answer,
        expected_points=DRIFT_POINTS,
        examples=[{"answer": "Check if the upstream pipeline broke.", "grade": 0.0}, *others],
    )
    high = score_answer(
        answer, expected_points=DRIFT_POINTS, examples=[("Check if the upstream pipeline broke.", 1.0), *others]
    )
    assert low.score < plain.score < high.score
    assert any("5 graded example(s)" in n for n in low.notices)
    assert (plain.examples_used, low.examples_used, high.examples_used) == (0, 5, 5)
    assert low.to_json()["examples_used"] == 5
    with pytest.raises(UsageError, match="grade"):
        score_answer(answer, expected_points=DRIFT_POINTS, examples=[{"answer": "x", "grade": 3}])


def test_graded_examples_count_only_from_the_configured_minimum() -> None:
    answer = "I would check whether the upstream pipeline broke."
    k = load_config().examples_min
    assert k >= 2
    graded = [(f"Check if the upstream pipeline broke, case {i}.", 0.0) for i in range(k)]
    plain = score_answer(answer, expected_points=DRIFT_POINTS)
    few = score_answer(answer, expected_points=DRIFT_POINTS, examples=graded[: k - 1])
    enough = score_answer(answer, expected_points=DRIFT_POINTS, examples=graded)
    assert few.score == plain.score and few.examples_used == 0
    assert any(f"they count from {k} on" in n for n in few.notices)
    assert enough.examples_used == k and enough.score < plain.score
