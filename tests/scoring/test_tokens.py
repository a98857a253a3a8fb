"""Contextual token alignment: which word pieces count, question demotion, and what the model's pieces give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlscreen.scoring import embedder as embedder_module
from mlscreen.scoring.embedder import Embedder
from mlscreen.scoring.runtime import OnnxRuntime, export_onnx, onnx_path
from mlscreen.scoring.scorer import score_answer
from mlscreen.scoring.tokens import TokenVectors, token_alignment, token_vectors


def _pieces(*pairs: tuple[str, list[float]]) -> TokenVectors:
    vectors = np.array([v for _, v in pairs], dtype=np.float32)
    return TokenVectors(tuple(t for t, _ in pairs), vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def test_special_tokens_and_punctuation_are_dropped_and_rows_normalised() -> None:
    hidden = np.array([[3.0, 0.0], [0.0, 2.0], [1.0, 1.0], [5.0, 5.0], [0.0, 9.0]], dtype=np.float32)
    found = token_vectors(["[CLS]", "queue", "##s", ",", "[SEP]"], hidden)
    assert found.tokens == ("queue", "##s")
    assert np.allclose(np.linalg.norm(found.vectors, axis=1), 1.0)
    assert np.allclose(found.vectors[0], [0.0, 1.0])
    assert token_vectors(["[CLS]", "?", "[SEP]"], hidden[:3]).tokens == ()


def test_recall_and_precision_are_mean_best_matches() -> None:
    reference = _pieces(("stores", [1.0, 0.0]), ("order", [0.0, 1.0]))
    answer = _pieces(("keeps", [1.0, 0.0]), ("noise", [-1.0, 0.0]))
    recall, precision = token_alignment(reference, answer, TokenVectors((), np.zeros((0, 2), np.float32)))
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
    empty = TokenVectors((), np.zeros((0, 2), np.float32))
    assert token_alignment(reference, empty, question) == (0.0, 0.0)
    assert token_alignment(empty, knows, question) == (0.0, 0.0)


@pytest.fixture(scope="module")
def model_file(embedder: Embedder) -> Path:
    path = onnx_path()
    return path if path.is_file() else export_onnx(path)


def test_parallel_token_batches_equal_one_thread_in_input_order(model_file: Path) -> None:
    texts = [f"Answer {i}: a {'deque ' * (i % 5)}pops from both ends." for i in range(40)]
    serial = OnnxRuntime(model_file, threads=1).encode_tokens(texts)
    parallel = OnnxRuntime(model_file, threads=2).encode_tokens(texts)
    for one, two in zip(serial, parallel, strict=True):
        assert one.tokens == two.tokens
        assert np.abs(one.vectors - two.vectors).max() < 1e-5
    assert serial[3].tokens[:3] == ("answer", "3", "a")  # in input order, special tokens and ":" dropped


def test_a_paraphrase_aligns_better_than_an_answer_that_repeats_the_question(embedder: Embedder) -> None:
    question = "What is the role of a prototype program in problem solving?"
    reference = "To simulate the behaviour of portions of the desired software product."
    paraphrase = "It imitates parts of the final software so you can try them before building it."
    parrot = "A prototype program has a role in problem solving."
    ref, good, bad, asked = embedder.tokens([reference, paraphrase, parrot, question])
    assert token_alignment(ref, good, asked)[0] > token_alignment(ref, bad, asked)[0] + 0.05
    scored = score_answer(paraphrase, reference_answer=reference, question=question)
    assert scored.features["token_recall"] == pytest.approx(token_alignment(ref, good, asked)[0], abs=1e-6)


def test_token_embeddings_are_cached_for_recent_texts_only(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module, "_TOKEN_ITEMS", 2)
    own = Embedder()
    first = own.tokens(["one reference", "two reference"])
    assert own.tokens(["one reference"])[0] is first[0]  # from memory
    own.tokens(["three reference"])  # "two" is now the oldest, and goes
    assert own.tokens(["one reference"])[0] is first[0]
    again = own.tokens(["two reference"])[0]
    assert again is not first[1] and again.tokens == first[1].tokens
