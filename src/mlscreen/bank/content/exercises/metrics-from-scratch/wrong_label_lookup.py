"""Wrong: reads values with y[i], a label lookup on a Series, so a non-default index pairs the wrong rows."""

import numpy as np


def _ratio(numerator: float, denominator: float, zero_division: float) -> float:
    return float(numerator / denominator) if denominator else float(zero_division)


def precision_recall_f1(y_true, y_pred, *, zero_division=0.0) -> dict:
    tp = fp = fn = 0
    for i in range(len(y_true)):
        truth, predicted = int(y_true[i]) == 1, int(y_pred[i]) == 1
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    return {
        "precision": _ratio(tp, tp + fp, zero_division),
        "recall": _ratio(tp, tp + fn, zero_division),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn, zero_division),
    }


def roc_auc(y_true, scores) -> float:
    truth = np.array([int(y_true[i]) == 1 for i in range(len(y_true))], dtype=bool)
    values = np.array([float(scores[i]) for i in range(len(scores))])
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    ranks = np.empty(len(values))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))
