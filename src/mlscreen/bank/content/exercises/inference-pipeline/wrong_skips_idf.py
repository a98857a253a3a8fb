"""Wrong: uses raw token counts, without the idf weights."""

import re
from collections import Counter

import numpy as np
from exercise_support import load_model

_MODEL = load_model()
_TOKEN = re.compile(_MODEL["token_pattern"])
_VOCAB = _MODEL["vocabulary"]
_IDF = np.asarray(_MODEL["idf"])
_COEF = np.asarray(_MODEL["coef"])
_INTERCEPT = np.asarray(_MODEL["intercept"])
_CLASSES = _MODEL["classes"]


def _features(texts: list[str]) -> np.ndarray:
    matrix = np.zeros((len(texts), len(_IDF)))
    for row, text in enumerate(texts):
        counts = Counter(t for t in _TOKEN.findall(text.lower()) if t in _VOCAB)
        for token, count in counts.items():
            matrix[row, _VOCAB[token]] = count
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _probabilities(features: np.ndarray) -> np.ndarray:
    logits = features @ _COEF.T + _INTERCEPT
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def predict(texts: list[str]) -> list[dict]:
    """Return one {"label", "confidence"} per ticket, in order."""
    if not texts:
        return []
    probabilities = _probabilities(_features(list(texts)))
    best = probabilities.argmax(axis=1)
    return [{"label": _CLASSES[i], "confidence": float(p[i])} for i, p in zip(best, probabilities)]


def predict_one(text: str) -> dict:
    """Return {"label": str, "confidence": float} for one ticket."""
    return predict([text])[0]
