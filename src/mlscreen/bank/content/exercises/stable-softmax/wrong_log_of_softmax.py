"""Wrong: log_softmax is the log of a stable softmax, which underflows to -inf for far-below classes."""

import numpy as np


def softmax(logits, axis=-1) -> np.ndarray:
    x = np.asarray(logits, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(logits, axis=-1) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(softmax(logits, axis=axis))


def _batch(logits, targets) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(logits, dtype=float)
    t = np.asarray(targets, dtype=int)
    if x.ndim == 1:
        x, t = x[None, :], t.reshape(1)
    return x, t


def cross_entropy(logits, targets) -> float:
    x, t = _batch(logits, targets)
    return float(-np.mean(log_softmax(x)[np.arange(len(t)), t]))


def cross_entropy_grad(logits, targets) -> np.ndarray:
    x, t = _batch(logits, targets)
    grad = softmax(x)
    grad[np.arange(len(t)), t] -= 1.0
    return (grad / len(t)).reshape(np.shape(logits))
