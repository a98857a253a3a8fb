"""Wrong: computes every distance in a Python loop."""

import math

import numpy as np


class KNNClassifier:
    def __init__(self, k=5, weights="uniform"):
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        self.X_ = [list(map(float, row)) for row in X]
        self.y_ = list(np.asarray(y).tolist())
        self.classes_ = sorted(set(self.y_))
        return self

    def _votes(self, row):
        distances = sorted((math.dist(row, x), i) for i, x in enumerate(self.X_))[: self.k]
        exact = [i for d, i in distances if d == 0]
        votes = dict.fromkeys(self.classes_, 0.0)
        for d, i in distances:
            if self.weights == "uniform":
                votes[self.y_[i]] += 1.0
            elif exact:
                votes[self.y_[i]] += 1.0 if d == 0 else 0.0
            else:
                votes[self.y_[i]] += 1.0 / d
        return votes

    def predict_proba(self, X):
        rows = []
        for row in np.asarray(X, dtype=float).tolist():
            votes = self._votes(row)
            total = sum(votes.values())
            rows.append([votes[c] / total for c in self.classes_])
        return np.array(rows)

    def predict(self, X):
        out = []
        for row in np.asarray(X, dtype=float).tolist():
            votes = self._votes(row)
            best = max(votes.values())
            out.append(min(c for c in self.classes_ if votes[c] == best))
        return np.array(out)
