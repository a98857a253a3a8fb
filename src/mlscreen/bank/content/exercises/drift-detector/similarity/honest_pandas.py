"""Feature drift: PSI and KS per column."""

import numpy as np
import pandas as pd


def _shares(ref: pd.Series, cur: pd.Series, bins: int, categorical: bool) -> tuple[np.ndarray, np.ndarray]:
    if categorical:
        both = pd.concat([ref, cur], ignore_index=True).astype(object)
        keys = both.drop_duplicates().tolist()
        p = ref.astype(object).value_counts(normalize=True).reindex(keys).fillna(0.0)
        q = cur.astype(object).value_counts(normalize=True).reindex(keys).fillna(0.0)
        return p.to_numpy(float), q.to_numpy(float)
    cuts = np.unique(ref.quantile(np.linspace(0, 1, bins + 1)[1:-1]).to_numpy(float))
    edges = np.concatenate([[-np.inf], cuts, [np.inf]])
    p = pd.cut(ref, edges, right=True).value_counts(normalize=True, sort=False)
    q = pd.cut(cur, edges, right=True).value_counts(normalize=True, sort=False)
    return p.to_numpy(float), q.to_numpy(float)


def psi(reference, current, *, bins=10, eps=1e-4, categorical=False) -> float:
    ref = pd.Series(reference).dropna()
    cur = pd.Series(current).dropna()
    if not categorical:
        ref, cur = ref.astype(float), cur.astype(float)
    if len(ref) == 0 or len(cur) == 0:
        return float("nan")
    p, q = _shares(ref, cur, bins, categorical)
    p, q = np.clip(p, eps, None), np.clip(q, eps, None)
    return float(((q - p) * np.log(q / p)).sum())


def ks_statistic(reference, current) -> float:
    ref = pd.Series(reference, dtype=float).dropna()
    cur = pd.Series(current, dtype=float).dropna()
    if ref.empty or cur.empty:
        return float("nan")
    points = np.union1d(ref.to_numpy(), cur.to_numpy())
    ecdf_ref = np.searchsorted(np.sort(ref.to_numpy()), points, side="right") / len(ref)
    ecdf_cur = np.searchsorted(np.sort(cur.to_numpy()), points, side="right") / len(cur)
    return float(np.abs(ecdf_ref - ecdf_cur).max())


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(series)


def detect_drift(reference: pd.DataFrame, current: pd.DataFrame, *, psi_threshold=0.2, ks_threshold=0.1,
                 bins=10) -> dict:
    features = {}
    for column in reference.columns:
        numeric = _is_numeric(reference[column])
        value = psi(reference[column], current[column], bins=bins, categorical=not numeric)
        ks = ks_statistic(reference[column], current[column]) if numeric else None
        drift = value > psi_threshold or (numeric and ks > ks_threshold)
        features[column] = {"kind": "numeric" if numeric else "categorical", "psi": value, "ks": ks,
                            "drifted": bool(drift)}
    return {"features": features, "drifted": [c for c, f in features.items() if f["drifted"]]}
