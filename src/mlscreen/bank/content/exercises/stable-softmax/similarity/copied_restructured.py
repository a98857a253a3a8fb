import numpy as np


def log_softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits, axis=-1):
    return np.exp(log_softmax(logits, axis=axis))


def cross_entropy(logits, targets):
    x = np.asarray(logits, dtype=float)
    t = np.asarray(targets, dtype=int)
    if x.ndim == 1:
        x, t = x[None, :], t.reshape(1)
    return float(-np.mean(log_softmax(x)[np.arange(len(t)), t]))


def cross_entropy_grad(logits, targets):
    x = np.asarray(logits, dtype=float)
    t = np.asarray(targets, dtype=int)
    if x.ndim == 1:
        x, t = x[None, :], t.reshape(1)
    grad = softmax(x)
    for row in range(len(t)):
        grad[row, t[row]] -= 1.0
    return (grad / len(t)).reshape(np.shape(logits))
