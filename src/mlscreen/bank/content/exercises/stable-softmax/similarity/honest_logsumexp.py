import numpy as np


def _logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


def softmax(logits, axis=-1):
    z = np.array(logits, dtype=np.float64)
    return np.exp(z - _logsumexp(z, axis))


def log_softmax(logits, axis=-1):
    z = np.array(logits, dtype=np.float64)
    return z - _logsumexp(z, axis)


def cross_entropy(logits, targets):
    z = np.atleast_2d(np.array(logits, dtype=np.float64))
    y = np.atleast_1d(np.array(targets)).astype(int)
    logp = log_softmax(z, axis=1)
    picked = logp[np.arange(z.shape[0]), y]
    return float(-picked.sum() / z.shape[0])


def cross_entropy_grad(logits, targets):
    original_shape = np.shape(logits)
    z = np.atleast_2d(np.array(logits, dtype=np.float64))
    y = np.atleast_1d(np.array(targets)).astype(int)
    onehot = np.zeros_like(z)
    onehot[np.arange(z.shape[0]), y] = 1.0
    g = (softmax(z, axis=1) - onehot) / z.shape[0]
    return g.reshape(original_shape)
