import numpy as np


class KNNClassifier:
    def __init__(self, k=5, weights="uniform"):
        if k < 1:
            raise ValueError("k must be positive")
        if weights != "uniform" and weights != "distance":
            raise ValueError("unknown weights")
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        self.train = np.asarray(X, dtype=float)
        self.labels = list(y)
        self.classes = sorted(set(self.labels))
        return self

    def _neighbours(self, row):
        dists = np.sqrt(((self.train - np.asarray(row)) ** 2).sum(axis=1))
        order = np.argsort(dists, kind="stable")[: min(self.k, len(dists))]
        return [(float(dists[i]), int(i)) for i in order]

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
