"""Matching an answer's clauses with expected points, and the handful of features the calibrated model reads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlscreen.scoring.config import ScoringConfig
from mlscreen.scoring.points import Target
from mlscreen.scoring.text import Clause, content_terms, polarity_mismatch, words

FEATURE_NAMES: tuple[str, ...] = (
    "sim_mean",
    "sim_min",
    "sim_max",
    "coverage_50",
    "coverage_65",
    "covered",
    "centroid",
    "answer_precision",
    "lexical_recall",
    "lexical_precision",
    "length_ratio",
    "negation",
    "aligned_recall",
    "token_recall",
    "token_precision",
    "token_recall_gain",
    "token_precision_gain",
)
# A clause that contradicts a point may still be the most similar one; it is pushed below every agreeing clause.
_MISMATCH_PENALTY = 0.5

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PointMatch:
    """How well one expected point is matched by the answer's best clause."""

    clause: int | None
    similarity: float
    lexical_recall: float
    contradicted: bool
    covered: bool


@dataclass(frozen=True)
class Analysis:
    """The per-point matches of one answer and its feature vector (in `FEATURE_NAMES` order)."""

    matches: tuple[PointMatch, ...]
    features: tuple[float, ...]


def _terms(text: str, drop: set[str]) -> set[str]:
    terms = set(content_terms(text))
    kept = terms - drop
    return kept if kept else terms


def _recall(needed: set[str], have: set[str]) -> float:
    return len(needed & have) / len(needed) if needed else 0.0


def analyse(
    target: Target,
    clauses: list[Clause],
    clause_vectors: Matrix,
    form_vectors: list[Matrix],
    config: ScoringConfig,
    *,
    aligned_recall: float = 0.0,
    token_alignment: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0),
) -> Analysis:
    """Return the matches and features of an answer split into `clauses` (embedded as `clause_vectors`).

    `form_vectors[i]` holds the embeddings of point i's text and variants; `aligned_recall` is the answer's word
    alignment with the reference (see `alignment.py`), `token_alignment` its contextual token alignment (recall,
    precision, and both over the question's own; see `tokens.py`).
    """
    drop = set(content_terms(target.question)) if target.question else set()
    clause_terms = [_terms(c.text, drop) for c in clauses]
    weights = np.array([p.weight for p in target.points], dtype=np.float64)
    weights = weights / weights.sum()
    matches: list[PointMatch] = []
    for point, forms in zip(target.points, form_vectors, strict=True):
        if not clauses:
            matches.append(PointMatch(None, 0.0, 0.0, False, False))
            continue
        sims = forms @ clause_vectors.T  # forms x clauses
        best_form = sims.argmax(axis=0)
        raw = sims.max(axis=0)
        form_terms = [_terms(f, drop) for f in point.forms]
        recall = np.array([_recall(form_terms[best_form[j]], clause_terms[j]) for j in range(len(clauses))])
        contradicted = np.array(
            [polarity_mismatch(point.forms[best_form[j]], c.text) for j, c in enumerate(clauses)], dtype=bool
        )
        effective = raw - _MISMATCH_PENALTY * contradicted
        j = int(effective.argmax())
        similarity = float(raw[j])
        covered = not bool(contradicted[j]) and (
            similarity >= config.covered_similarity
            or (similarity >= config.lexical_covered_similarity and bool(recall[j] >= config.lexical_covered_recall))
        )
        most_similar_contradicts = bool(contradicted[int(raw.argmax())])
        matches.append(PointMatch(j, similarity, float(recall[j]), most_similar_contradicts, covered))
    features = _features(target, clauses, clause_vectors, form_vectors, matches, weights, drop)
    return Analysis(tuple(matches), (*features, aligned_recall, *token_alignment))


def _features(
    target: Target,
    clauses: list[Clause],
    clause_vectors: Matrix,
    form_vectors: list[Matrix],
    matches: list[PointMatch],
    weights: npt.NDArray[np.float64],
    drop: set[str],
) -> tuple[float, ...]:
    sims = np.array([0.0 if m.contradicted else m.similarity for m in matches])
    answer_words = len(words(" ".join(c.text for c in clauses)))
    reference_words = max(1, len(words(target.reference)))
    if clauses:
        centroid = clause_vectors.mean(axis=0)
        points_centroid = np.stack([f[0] for f in form_vectors]).mean(axis=0)
        norm = float(np.linalg.norm(centroid) * np.linalg.norm(points_centroid)) or 1.0
        centroid_cos = float(centroid @ points_centroid) / norm
        all_forms = np.concatenate(form_vectors)
        answer_precision = float((clause_vectors @ all_forms.T).max(axis=1).mean())
    else:
        centroid_cos = answer_precision = 0.0
    reference_terms = _terms(target.reference, drop)
    answer_terms = set().union(*[_terms(c.text, drop) for c in clauses]) if clauses else set()
    return (
        float(weights @ sims),
        float(sims.min()),
        float(sims.max()),
        float(weights @ (sims >= 0.5)),
        float(weights @ (sims >= 0.65)),
        float(weights @ np.array([m.covered for m in matches], dtype=np.float64)),
        centroid_cos,
        answer_precision,
        _recall(reference_terms, answer_terms),
        _recall(answer_terms, reference_terms),
        math.log((1 + answer_words) / (1 + reference_words)),
        float(weights @ np.array([m.contradicted for m in matches], dtype=np.float64)),
    )
