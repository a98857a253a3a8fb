import math

import numpy as np
import pandas as pd


def _clean(values):
    s = pd.Series(values)
    return s[s.notna()]


def psi(reference, current, *, bins=10, eps=1e-4, categorical=False):
    ref = _clean(reference)
    cur = _clean(current)
    if ref.empty or cur.empty:
        return float("nan")
    if categorical:
        labels = list(dict.fromkeys(list(ref) + list(cur)))
        ref_share = [max(float((ref == lab).sum()) / len(ref), eps) for lab in labels]
        cur_share = [max(float((cur == lab).sum()) / len(cur), eps) for lab in labels]
    else:
        r = ref.astype(float).to_numpy()
        c = cur.astype(float).to_numpy()
        edges = sorted(set(np.quantile(r, [i / bins for i in range(1, bins)]).tolist()))
        ref_share, cur_share = [], []
        lower = -math.inf
        for upper in [*edges, math.inf]:
            in_r = np.sum((r > lower) & (r <= upper))
            in_c = np.sum((c > lower) & (c <= upper))
            ref_share.append(max(in_r / len(r), eps))
            cur_share.append(max(in_c / len(c), eps))
            lower = upper
    total = 0.0
    for p, q in zip(ref_share, cur_share):
        total += (q - p) * math.log(q / p)
    return float(total)


def ks_statistic(reference, current):
    a = np.sort(_clean(reference).astype(float).to_numpy())
    b = np.sort(_clean(current).astype(float).to_numpy())
    if a.size == 0 or b.size == 0:
        return float("nan")
    best = 0.0
    for x in np.unique(np.concatenate([a, b])):
        fa = np.searchsorted(a, x, side="right") / a.size
        fb = np.searchsorted(b, x, side="right") / b.size
        best = max(best, abs(fa - fb))
    return float(best)


def detect_drift(reference, current, *, psi_threshold=0.2, ks_threshold=0.1, bins=10):
    report = {"features": {}, "drifted": []}
    for name in reference.columns:
        col = reference[name]
        is_num = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if is_num:
            p = psi(col.astype(float), current[name].astype(float), bins=bins)
            k = ks_statistic(col, current[name])
            hit = p > psi_threshold or k > ks_threshold
        else:
            p = psi(col, current[name], bins=bins, categorical=True)
            k = None
            hit = p > psi_threshold
        report["features"][name] = {
            "kind": "numeric" if is_num else "categorical",
            "psi": p,
            "ks": k,
            "drifted": bool(hit),
        }
        if hit:
            report["drifted"].append(name)
    return report
