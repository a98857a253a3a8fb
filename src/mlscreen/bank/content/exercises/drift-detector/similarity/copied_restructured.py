import numpy as np
import pandas as pd


def _observed(values):
    return pd.Series(values).dropna()


def psi(reference, current, *, bins=10, eps=1e-4, categorical=False):
    ref, cur = _observed(reference), _observed(current)
    if len(ref) == 0 or len(cur) == 0:
        return float("nan")
    if categorical:
        categories = pd.Index(pd.concat([ref, cur]).unique())
        p = np.maximum(ref.value_counts().reindex(categories, fill_value=0).to_numpy(float) / len(ref), eps)
        q = np.maximum(cur.value_counts().reindex(categories, fill_value=0).to_numpy(float) / len(cur), eps)
    else:
        r, c = ref.to_numpy(float), cur.to_numpy(float)
        cuts = np.unique(np.quantile(r, np.arange(1, bins) / bins))
        p = np.maximum(np.bincount(np.searchsorted(cuts, r, side="left"), minlength=len(cuts) + 1) / len(r), eps)
        q = np.maximum(np.bincount(np.searchsorted(cuts, c, side="left"), minlength=len(cuts) + 1) / len(c), eps)
    return float(np.sum((q - p) * np.log(q / p)))


def ks_statistic(reference, current):
    a = np.sort(_observed(reference).to_numpy(float))
    b = np.sort(_observed(current).to_numpy(float))
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def _one(ref, cur, psi_threshold, ks_threshold, bins):
    numeric = pd.api.types.is_numeric_dtype(ref) and not pd.api.types.is_bool_dtype(ref)
    if numeric:
        ref, cur = ref.astype("float64"), cur.astype("float64")
    value = psi(ref, cur, bins=bins, categorical=not numeric)
    ks = ks_statistic(ref, cur) if numeric else None
    flagged = bool(value > psi_threshold or (ks is not None and ks > ks_threshold))
    return {"kind": "numeric" if numeric else "categorical", "psi": value, "ks": ks, "drifted": flagged}


def detect_drift(reference, current, *, psi_threshold=0.2, ks_threshold=0.1, bins=10):
    features = {}
    columns = list(reference.columns)
    i = 0
    while i < len(columns):
        features[columns[i]] = _one(reference[columns[i]], current[columns[i]], psi_threshold, ks_threshold, bins)
        i += 1
    return {"features": features, "drifted": [c for c in columns if features[c]["drifted"]]}
