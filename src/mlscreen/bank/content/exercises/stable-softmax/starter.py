"""Numerically stable softmax, cross-entropy and its gradient."""

import numpy as np


def softmax(logits, axis=-1) -> np.ndarray:
    """Return the softmax of `logits` along `axis`."""
    raise NotImplementedError


def log_softmax(logits, axis=-1) -> np.ndarray:
    """Return log(softmax(logits)) along `axis`."""
    raise NotImplementedError


def cross_entropy(logits, targets) -> float:
    """Return the mean cross-entropy of (n, k) logits against n integer class targets."""
    raise NotImplementedError


def cross_entropy_grad(logits, targets) -> np.ndarray:
    """Return the gradient of `cross_entropy` with respect to the logits."""
    raise NotImplementedError
