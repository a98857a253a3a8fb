"""Graded examples: answers a person already graded for the same question pull the score toward their grades."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def centroid(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Return the unit-length mean of clause vectors (zeros for no clauses)."""
    if not len(vectors):
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0)
    mean = vectors.astype(np.float64).mean(axis=0)
    return np.asarray(mean / (float(np.linalg.norm(mean)) or 1.0), dtype=np.float64)


def estimate(answer: Array, examples: Array, grades: Array, *, k: int, temperature: float) -> float:
    """Return the grade of the `k` most similar examples, weighted by a softmax of similarity / `temperature`."""
    sims = examples @ answer
    top = np.argsort(-sims)[:k]
    weights = np.exp((sims[top] - sims[top].max()) / temperature)
    return float((weights * grades[top]).sum() / weights.sum())


def fit_weight(base: Array, estimates: Array, grades: Array) -> float:
    """Return the blend weight in [0, 1] that best moves `base` scores toward `estimates` (least squares)."""
    delta = estimates - base
    denominator = float((delta * delta).sum())
    if denominator == 0.0:
        return 0.0
    return float(np.clip((delta * (grades - base)).sum() / denominator, 0.0, 1.0))
