"""Precision, recall, F1 and ROC-AUC with NumPy only."""

import numpy as np


def _safe_div(a, b, default):
    if b == 0:
        return float(default)
    return float(a) / float(b)


def precision_recall_f1(y_true, y_pred, *, zero_division=0.0) -> dict:
    actual = np.asarray(y_true).astype(int)
    guess = np.asarray(y_pred).astype(int)
    true_pos = np.count_nonzero((actual == 1) & (guess == 1))
    false_pos = np.count_nonzero((actual != 1) & (guess == 1))
    false_neg = np.count_nonzero((actual == 1) & (guess != 1))
    p = _safe_div(true_pos, true_pos + false_pos, zero_division)
    r = _safe_div(true_pos, true_pos + false_neg, zero_division)
    f = _safe_div(2 * true_pos, 2 * true_pos + false_pos + false_neg, zero_division)
    return dict(precision=p, recall=r, f1=f)


def roc_auc(y_true, scores) -> float:
    labels = np.asarray(y_true).astype(int) == 1
    values = np.asarray(scores, dtype=float)
    n_pos = labels.sum()
    n_neg = labels.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(-values, kind="stable")
    values, labels = values[order], labels[order]
    area = 0.0
    tp = 0
    i = 0
    while i < values.size:
        j = i
        while j < values.size and values[j] == values[i]:
            j += 1
        pos_here = int(labels[i:j].sum())
        neg_here = (j - i) - pos_here
        area += neg_here * (tp + 0.5 * pos_here)
        tp += pos_here
        i = j
    return float(area / (n_pos * n_neg))
