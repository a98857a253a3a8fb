"""Softmax and cross-entropy, careful about overflow."""
import numpy as np


def softmax(logits, axis=-1) -> np.ndarray:
    arr = np.asarray(logits, dtype=float)
    peak = arr.max(axis=axis, keepdims=True)
    e = np.exp(arr - peak)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(logits, axis=-1) -> np.ndarray:
    arr = np.asarray(logits, dtype=float)
    peak = arr.max(axis=axis, keepdims=True)
    centred = arr - peak
    return centred - np.log(np.exp(centred).sum(axis=axis, keepdims=True))


def cross_entropy(logits, targets) -> float:
    arr = np.asarray(logits, dtype=float)
    labels = np.asarray(targets, dtype=int).ravel()
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    rows = log_softmax(arr, axis=1)
    loss = 0.0
    for i, label in enumerate(labels):
        loss -= rows[i, label]
    return float(loss / len(labels))


def cross_entropy_grad(logits, targets) -> np.ndarray:
    arr = np.asarray(logits, dtype=float)
    one_d = arr.ndim == 1
    if one_d:
        arr = arr.reshape(1, -1)
    labels = np.asarray(targets, dtype=int).ravel()
    probs = softmax(arr, axis=1)
    for i, label in enumerate(labels):
        probs[i, label] -= 1
    probs /= len(labels)
    return probs[0] if one_d else probs
