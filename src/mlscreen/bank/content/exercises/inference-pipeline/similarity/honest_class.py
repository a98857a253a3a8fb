"""Ticket classifier inference, NumPy only."""

import re

import numpy as np
from exercise_support import load_model


class _Classifier:
    def __init__(self, model):
        self.lowercase = model["lowercase"]
        self.pattern = re.compile(model["token_pattern"])
        self.columns = model["vocabulary"]
        self.weights = np.array(model["idf"], dtype=float)
        self.W = np.array(model["coef"], dtype=float)
        self.b = np.array(model["intercept"], dtype=float)
        self.labels = list(model["classes"])

    def vectorise(self, texts):
        X = np.zeros((len(texts), self.weights.shape[0]))
        for i, text in enumerate(texts):
            if self.lowercase:
                text = text.lower()
            for token in self.pattern.findall(text):
                j = self.columns.get(token)
                if j is not None:
                    X[i, j] += 1.0
        X = X * self.weights
        length = np.sqrt((X * X).sum(axis=1))
        length[length == 0] = 1.0
        return X / length[:, None]

    def scores(self, texts):
        z = self.vectorise(texts) @ self.W.T + self.b
        z = z - z.max(axis=1)[:, None]
        p = np.exp(z)
        return p / p.sum(axis=1)[:, None]


_CLF = _Classifier(load_model())


def predict(texts: list[str]) -> list[dict]:
    texts = list(texts)
    if len(texts) == 0:
        return []
    probs = _CLF.scores(texts)
    results = []
    for row in probs:
        k = int(np.argmax(row))
        results.append({"label": _CLF.labels[k], "confidence": float(row[k])})
    return results


def predict_one(text: str) -> dict:
    return predict([text])[0]
