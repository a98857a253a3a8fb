"""Wrong: subtracts the largest logit of the whole batch instead of each row's."""

import numpy as np


def log_softmax(logits, axis=-1) -> np.ndarray:
    """Return log(softmax(logits)) along `axis`, computed without overflow; the input is unchanged."""
    x = np.asarray(logits, dtype=float)
    shifted = x - np.max(x)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits, axis=-1) -> np.ndarray:
    """Return the softmax of `logits` along `axis` (each slice sums to 1)."""
    return np.exp(log_softmax(logits, axis=axis))


def _batch(logits, targets) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(logits, dtype=float)
    t = np.asarray(targets, dtype=int)
    if x.ndim == 1:
        x, t = x[None, :], t.reshape(1)
    return x, t


def cross_entropy(logits, targets) -> float:
    """Return the mean cross-entropy of (n, k) logits against n integer class targets."""
    x, t = _batch(logits, targets)
    return float(-np.mean(log_softmax(x)[np.arange(len(t)), t]))


def cross_entropy_grad(logits, targets) -> np.ndarray:
    """Return the gradient of `cross_entropy` with respect to the logits, shaped like the logits."""
    x, t = _batch(logits, targets)
    grad = softmax(x)
    grad[np.arange(len(t)), t] -= 1.0
    return (grad / len(t)).reshape(np.shape(logits))
