"""Wrong: flags a column whose statistic equals its threshold (>= where the prompt says above)."""

import numpy as np
import pandas as pd


def _observed(values) -> pd.Series:
    return pd.Series(values).dropna()


def _floored(counts: np.ndarray, total: int, eps: float) -> np.ndarray:
    return np.maximum(counts / total, eps)


def psi(reference, current, *, bins=10, eps=1e-4, categorical=False) -> float:
    """Return the population stability index of `current` against `reference` (missing values dropped)."""
    ref, cur = _observed(reference), _observed(current)
    if len(ref) == 0 or len(cur) == 0:
        return float("nan")
    if categorical:
        categories = pd.Index(pd.concat([ref, cur]).unique())
        p = _floored(ref.value_counts().reindex(categories, fill_value=0).to_numpy(float), len(ref), eps)
        q = _floored(cur.value_counts().reindex(categories, fill_value=0).to_numpy(float), len(cur), eps)
    else:
        r, c = ref.to_numpy(float), cur.to_numpy(float)
        cuts = np.unique(np.quantile(r, np.arange(1, bins) / bins))
        p = _floored(np.bincount(np.searchsorted(cuts, r, side="left"), minlength=len(cuts) + 1), len(r), eps)
        q = _floored(np.bincount(np.searchsorted(cuts, c, side="left"), minlength=len(cuts) + 1), len(c), eps)
    return float(np.sum((q - p) * np.log(q / p)))


def ks_statistic(reference, current) -> float:
    """Return the two-sample Kolmogorov-Smirnov statistic of two numeric samples (missing values dropped)."""
    a = np.sort(_observed(reference).to_numpy(float))
    b = np.sort(_observed(current).to_numpy(float))
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def detect_drift(reference, current, *, psi_threshold=0.2, ks_threshold=0.1, bins=10) -> dict:
    """Return {"features": {column: {"kind", "psi", "ks", "drifted"}}, "drifted": [columns]} in column order."""
    features, drifted = {}, []
    for column in reference.columns:
        numeric = pd.api.types.is_numeric_dtype(reference[column]) and not pd.api.types.is_bool_dtype(
            reference[column]
        )
        ref, cur = reference[column], current[column]
        if numeric:
            ref, cur = ref.astype("float64"), cur.astype("float64")
        value = psi(ref, cur, bins=bins, categorical=not numeric)
        ks = ks_statistic(ref, cur) if numeric else None
        flagged = bool(value >= psi_threshold or (ks is not None and ks >= ks_threshold))
        features[column] = {"kind": "numeric" if numeric else "categorical", "psi": value, "ks": ks, "drifted": flagged}
        if flagged:
            drifted.append(column)
    return {"features": features, "drifted": drifted}
