"""Word alignment with the reference: stems align fully, question words are demoted, other pairs by cosine."""

from __future__ import annotations

import numpy as np
import pytest

from mlscreen.scoring.alignment import AlignmentWords, aligned_recall, alignment_words


def test_question_words_are_left_out_unless_nothing_else_is_left() -> None:
    found = alignment_words(
        "A queue stores items in first-in first-out order.", "Queues keep items in order.", "What is a queue?"
    )
    assert "queue" not in found.reference and "queues" not in found.answer
    assert found.reference == ("stores", "items", "order")  # "first" is a stop word
    only_question = alignment_words("A queue.", "A queue.", "What is a queue?")
    assert only_question.reference == ("queue",) and only_question.answer == ()


def test_same_stems_align_fully_and_other_words_by_similarity() -> None:
    found = AlignmentWords(reference=("stores", "order"), answer=("storing", "sequence"))
    reference = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    answer = np.array([[0.0, 1.0], [0.0, 0.6]], dtype=np.float32)  # "storing" unlike "stores" as vectors
    # "stores" ~ "storing" by stem (1.0); "order" best matches "storing" at 1.0 by vector.
    assert aligned_recall(found, reference, answer) == 1.0
    unrelated = AlignmentWords(reference=("stores", "order"), answer=("sequence",))
    assert aligned_recall(unrelated, reference, np.array([[0.0, 0.6]], dtype=np.float32)) == pytest.approx(0.3)
    assert aligned_recall(AlignmentWords(("stores",), ()), reference[:1], np.zeros((0, 2), np.float32)) == 0.0
