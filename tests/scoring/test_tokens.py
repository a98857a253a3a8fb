"""Contextual token alignment: which word pieces count, question demotion, and what the model's pieces give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlscreen.scoring import embedder as embedder_module
from mlscreen.scoring.embedder import Embedder
from mlscreen.scoring.runtime import OnnxRuntime, export_onnx, onnx_path
from mlscreen.scoring.scorer import score_answer
from mlscreen.scoring.text import split_clauses
from mlscreen.scoring.tokens import TokenVectors, joined, token_alignment, token_features, token_vectors


def _pieces(*pairs: tuple[str, list[float]]) -> TokenVectors:
    vectors = np.array([v for _, v in pairs], dtype=np.float32)
    rows = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return TokenVectors(tuple(t for t, _ in pairs), rows, rows.mean(axis=0))


NOTHING = TokenVectors((), np.zeros((0, 2), np.float32), np.zeros(2, np.float32))


def test_special_tokens_and_punctuation_are_dropped_and_rows_normalised() -> None:
    hidden = np.array([[3.0, 0.0], [0.0, 2.0], [1.0, 1.0], [5.0, 5.0], [0.0, 9.0]], dtype=np.float32)
    found = token_vectors(["[CLS]", "queue", "##s", ",", "[SEP]"], hidden)
    assert found.tokens == ("queue", "##s")
    assert np.allclose(np.linalg.norm(found.vectors, axis=1), 1.0)
    assert np.allclose(found.vectors[0], [0.0, 1.0])
    assert token_vectors(["[CLS]", "?", "[SEP]"], hidden[:3]).tokens == ()
    pooled = hidden.mean(axis=0)
    assert np.allclose(found.sentence, pooled / np.linalg.norm(pooled))  # mean pooling over every piece


def test_recall_and_precision_are_mean_best_matches() -> None:
    reference = _pieces(("stores", [1.0, 0.0]), ("order", [0.0, 1.0]))
    answer = _pieces(("keeps", [1.0, 0.0]), ("noise", [-1.0, 0.0]))
    recall, precision = token_alignment(reference, answer, NOTHING)
    assert recall == pytest.approx((1.0 + 0.0) / 2)  # "stores" found, "order" not
    assert precision == pytest.approx((1.0 + 0.0) / 2)  # "keeps" on topic, "noise" best matches "order" at 0


def test_question_pieces_and_function_words_are_demoted_unless_nothing_else_is_left() -> None:
    question = _pieces(("queue", [0.0, 1.0]))
    reference = _pieces(("the", [0.6, 0.8]), ("queue", [0.0, 1.0]), ("fifo", [1.0, 0.0]))
    parrot = _pieces(("a", [0.6, 0.8]), ("queue", [0.0, 1.0]))
    recall, _ = token_alignment(reference, parrot, question)
    # Only "fifo" is aligned; the parrot has nothing but demoted pieces, so all of them are used.
    assert recall == pytest.approx(0.6)
    knows = _pieces(("queue", [0.0, 1.0]), ("fifo", [1.0, 0.0]))
    assert token_alignment(reference, knows, question)[0] == pytest.approx(1.0)
    assert token_alignment(reference, NOTHING, question) == (0.0, 0.0)
    assert token_alignment(NOTHING, knows, question) == (0.0, 0.0)


def test_gains_are_over_what_the_question_itself_aligns() -> None:
    question = _pieces(("queue", [0.6, 0.8]))  # a question close to the reference's "fifo"
    reference = _pieces(("queue", [0.0, 1.0]), ("fifo", [1.0, 0.0]))
    knows = _pieces(("fifo", [1.0, 0.0]))
    recall, precision, recall_gain, precision_gain = token_features(reference, knows, question)
    asked_recall, asked_precision = token_alignment(reference, question, question)
    assert (recall, precision) == token_alignment(reference, knows, question)
    assert asked_recall == pytest.approx(0.6)
    assert recall_gain == pytest.approx(recall - 0.6)
    assert precision_gain == pytest.approx(precision - asked_precision)
    assert token_features(reference, NOTHING, question) == (0.0, 0.0, 0.0, 0.0)


def test_an_answers_clauses_join_into_one_text() -> None:
    one, two = _pieces(("fifo", [1.0, 0.0])), _pieces(("order", [0.0, 1.0]), ("kept", [0.6, 0.8]))
    both = joined([one, two])
    assert both.tokens == ("fifo", "order", "kept")
    assert both.vectors.shape == (3, 2)
    assert np.linalg.norm(both.sentence) == pytest.approx(1.0)
    assert joined([]).tokens == ()


@pytest.fixture(scope="module")
def model_file(embedder: Embedder) -> Path:
    path = onnx_path()
    return path if path.is_file() else export_onnx(path)


def test_parallel_token_batches_equal_one_thread_in_input_order(model_file: Path) -> None:
    texts = [f"Answer {i}: a {'deque ' * (i % 5)}pops from both ends." for i in range(40)]
    serial = OnnxRuntime(model_file, threads=1).encode_tokens(texts)
    parallel = OnnxRuntime(model_file, threads=2).encode_tokens(texts)
    sentences = OnnxRuntime(model_file, threads=2).encode(texts)
    for one, two, sentence in zip(serial, parallel, sentences, strict=True):
        assert one.tokens == two.tokens
        assert np.abs(one.vectors - two.vectors).max() < 1e-5
        assert np.abs(one.sentence - sentence).max() < 1e-5  # the same pass gives what `encode` gives
    assert serial[3].tokens[:3] == ("answer", "3", "a")  # in input order, special tokens and ":" dropped


def test_a_paraphrase_aligns_better_than_an_answer_that_repeats_the_question(embedder: Embedder) -> None:
    question = "What is the role of a prototype program in problem solving?"
    reference = "To simulate the behaviour of portions of the desired software product."
    paraphrase = "It imitates parts of the final software so you can try them before building it."
    parrot = "A prototype program has a role in problem solving."
    ref, good, bad, asked = embedder.tokens([reference, paraphrase, parrot, question])
    assert token_alignment(ref, good, asked)[0] > token_alignment(ref, bad, asked)[0] + 0.05
    scored = score_answer(paraphrase, reference_answer=reference, question=question)
    clauses = embedder.tokens([c.text for c in split_clauses(paraphrase)])
    assert scored.features["token_recall"] == pytest.approx(token_alignment(ref, joined(clauses), asked)[0])


def test_token_embeddings_are_cached_for_recent_texts_only(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module, "_TOKEN_ITEMS", 2)
    own = Embedder()
    first = own.tokens(["one reference", "two reference"])
    assert own.tokens(["one reference"])[0] is first[0]  # from memory
    own.tokens(["three reference"])  # "two" is now the oldest, and goes
    assert own.tokens(["one reference"])[0] is first[0]
    again = own.tokens(["two reference"])[0]
    assert again is not first[1] and again.tokens == first[1].tokens
    assert np.allclose(own.embed(["three reference"])[0], own.tokens(["three reference"])[0].sentence)
