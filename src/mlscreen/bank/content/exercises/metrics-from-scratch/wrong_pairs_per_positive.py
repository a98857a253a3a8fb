"""Wrong: compares each positive with every negative, O(n_pos x n_neg) time."""

import numpy as np


def _ratio(numerator: float, denominator: float, zero_division: float) -> float:
    return float(numerator / denominator) if denominator else float(zero_division)


def precision_recall_f1(y_true, y_pred, *, zero_division=0.0) -> dict:
    """Return {"precision", "recall", "f1"} of the positive class 1; `zero_division` when a ratio is 0/0."""
    truth = np.asarray(y_true).astype(int) == 1
    predicted = np.asarray(y_pred).astype(int) == 1
    tp = int(np.sum(truth & predicted))
    fp = int(np.sum(~truth & predicted))
    fn = int(np.sum(truth & ~predicted))
    return {
        "precision": _ratio(tp, tp + fp, zero_division),
        "recall": _ratio(tp, tp + fn, zero_division),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn, zero_division),
    }


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    group_rank = (starts + ends + 1) / 2.0  # mean of the 1-based ranks start+1 .. end
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(group_rank, ends - starts)
    return ranks


def roc_auc(y_true, scores) -> float:
    """Return the ROC-AUC (ties count half); NaN when only one class is present."""
    truth = np.asarray(y_true).astype(int) == 1
    values = np.asarray(scores, dtype=float)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    negative = np.sort(values[~truth])
    wins = 0.0
    for score in values[truth]:
        wins += np.count_nonzero(negative < score) + 0.5 * np.count_nonzero(negative == score)
    return float(wins / (positives * negatives))
