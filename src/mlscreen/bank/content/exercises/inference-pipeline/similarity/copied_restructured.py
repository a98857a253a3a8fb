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


def _row(text, matrix, row):
    counts = Counter(t for t in _TOKEN.findall(text.lower()) if t in _VOCAB)
    for token, count in counts.items():
        matrix[row, _VOCAB[token]] = count


def predict(texts):
    if not texts:
        return []
    texts = list(texts)
    matrix = np.zeros((len(texts), len(_IDF)))
    row = 0
    while row < len(texts):
        _row(texts[row], matrix, row)
        row += 1
    matrix *= _IDF
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    features = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    logits = features @ _COEF.T + _INTERCEPT
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    return [{"label": _CLASSES[i], "confidence": float(p[i])} for i, p in zip(best, probabilities)]


def predict_one(text):
    return predict([text])[0]
