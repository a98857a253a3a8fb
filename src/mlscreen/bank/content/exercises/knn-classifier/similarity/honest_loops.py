import math

import numpy as np


class KNNClassifier:
    def __init__(self, k=5, weights="uniform"):
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        self.train = [list(map(float, row)) for row in X]
        self.labels = list(y)
        self.classes = sorted(set(self.labels))
        return self

    def _neighbours(self, row):
        dists = []
        for i, other in enumerate(self.train):
            d = math.sqrt(sum((a - b) ** 2 for a, b in zip(row, other)))
            dists.append((d, i))
        dists.sort()
        return dists[: min(self.k, len(dists))]

    def _tally(self, row):
        near = self._neighbours(row)
        counts = {c: 0.0 for c in self.classes}
        zero = [i for d, i in near if d == 0]
        if self.weights == "distance" and zero:
            for i in zero:
                counts[self.labels[i]] += 1
            return counts
        for d, i in near:
            counts[self.labels[i]] += 1.0 if self.weights == "uniform" else 1.0 / d
        return counts

    def predict_proba(self, X):
        rows = []
        for row in X:
            counts = self._tally([float(v) for v in row])
            total = sum(counts.values())
            rows.append([counts[c] / total for c in self.classes])
        return np.array(rows)

    def predict(self, X):
        out = []
        for row in X:
            counts = self._tally([float(v) for v in row])
            best = max(counts.values())
            out.append(min(c for c in self.classes if counts[c] == best))
        return np.array(out)
