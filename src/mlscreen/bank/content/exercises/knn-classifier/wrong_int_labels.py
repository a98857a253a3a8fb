"""Wrong: forces the labels to integers."""

import numpy as np


class KNNClassifier:
    """k-nearest-neighbour classifier with Euclidean distance, uniform or inverse-distance votes."""

    def __init__(self, k=5, weights="uniform"):
        if k < 1:
            raise ValueError("k must be at least 1")
        if weights not in ("uniform", "distance"):
            raise ValueError("weights must be 'uniform' or 'distance'")
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        """Store the training data; return self."""
        self.X_ = np.array(X, dtype=float)
        self.classes_, self.y_codes_ = np.unique(np.asarray(y, dtype=int), return_inverse=True)
        return self

    def _votes(self, X):
        X = np.asarray(X, dtype=float)
        distances = np.vstack(
            [np.sqrt(((chunk[:, None, :] - self.X_[None, :, :]) ** 2).sum(-1)) for chunk in np.array_split(
                X, max(1, len(X) // 64))]
        ) if len(X) else np.zeros((0, len(self.X_)))
        k = min(self.k, len(self.X_))
        nearest = np.argsort(distances, axis=1, kind="stable")[:, :k]
        near_d = np.take_along_axis(distances, nearest, axis=1)
        if self.weights == "uniform":
            weight = np.ones_like(near_d)
        else:
            exact = near_d == 0
            with np.errstate(divide="ignore"):
                weight = np.where(exact.any(1, keepdims=True), exact.astype(float), 1.0 / near_d)
        votes = np.zeros((len(X), len(self.classes_)))
        np.add.at(votes, (np.arange(len(X))[:, None], self.y_codes_[nearest]), weight)
        return votes

    def predict_proba(self, X):
        """Return the vote share of each class (columns in sorted class order) for each row of X."""
        votes = self._votes(X)
        return votes / votes.sum(1, keepdims=True)

    def predict(self, X):
        """Return the class with the most votes for each row of X; ties go to the smallest class."""
        return self.classes_[np.argmax(self._votes(X), axis=1)]
