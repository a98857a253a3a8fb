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


PRIOR_GRID = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 30.0, 50.0)


def fit_prior(base: Array, estimates: dict[int, Array], grades: Array, weight: float) -> float:
    """Return the prior c (from `PRIOR_GRID`) for which blending with weight `weight * n / (n + c)` best fits the
    grades (least squares), given the estimates from n graded examples for several n."""

    def error(prior: float) -> float:
        total = 0.0
        for n, estimate_n in estimates.items():
            blend = weight * n / (n + prior)
            total += float((((1 - blend) * base + blend * estimate_n - grades) ** 2).sum())
        return total

    return min(PRIOR_GRID, key=error)
