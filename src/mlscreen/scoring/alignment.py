"""Word alignment of an answer with what it is scored against, after Sultan, Salazar & Sumner (2016).

Each content word of the reference (the expected points or the reference answer) is aligned with the answer word
most like it: the same stem counts 1, any other pair its embedding cosine. Words of the question are demoted (left
out on both sides) unless nothing else is left, since an answer gets no credit for repeating the question. The
feature is the mean alignment of the reference's words: how much of what was expected the answer says, in its own
words or others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlscreen.scoring.text import content_words, stem

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class AlignmentWords:
    """The content words aligned for one answer: the reference's and the answer's, question words left out."""

    reference: tuple[str, ...]
    answer: tuple[str, ...]


NO_WORDS = AlignmentWords((), ())
"""Nothing to align (an empty answer)."""


def _demoted(found: tuple[str, ...], question: set[str]) -> tuple[str, ...]:
    kept = tuple(dict.fromkeys(w for w in found if stem(w) not in question))
    return kept if kept else tuple(dict.fromkeys(found))


def alignment_words(reference: str, answer: str, question: str | None) -> AlignmentWords:
    """Return the distinct content words of the reference and of the answer to align."""
    asked = {stem(w) for w in content_words(question)} if question else set()
    answer_words = tuple(dict.fromkeys(w for w in content_words(answer) if stem(w) not in asked))
    return AlignmentWords(_demoted(content_words(reference), asked), answer_words)


def aligned_recall(found: AlignmentWords, reference_vectors: Matrix, answer_vectors: Matrix) -> float:
    """Return the mean, over the reference's words, of their best alignment with an answer word (0 when either
    side has none). The vectors are the unit-norm embeddings of `found.reference` and `found.answer`."""
    if not found.reference or not found.answer:
        return 0.0
    sims = reference_vectors.astype(np.float64) @ answer_vectors.astype(np.float64).T
    answer_stems = [stem(w) for w in found.answer]
    for i, word in enumerate(found.reference):
        s = stem(word)
        for j, other in enumerate(answer_stems):
            if other == s:
                sims[i, j] = 1.0
    return float(sims.max(axis=1).mean())
