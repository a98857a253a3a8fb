"""Wrong: takes the k nearest with an unstable sort, so ties are not broken by training order."""

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
        self.classes_, self.y_codes_ = np.unique(np.asarray(y), return_inverse=True)
        return self

    def _nearest(self, X):
        """Return the indices of the k nearest training rows of each query (ties: earlier row first)."""
        squared = (X**2).sum(1)[:, None] - 2 * X @ self.X_.T + (self.X_**2).sum(1)[None, :]
        distances = np.maximum(squared, 0.0)
        k = min(self.k, len(self.X_))
        return np.argsort(distances, axis=1)[:, :k]

    def _votes(self, X):
        X = np.asarray(X, dtype=float)
        nearest = self._nearest(X)
        near_d = np.sqrt(((X[:, None, :] - self.X_[nearest]) ** 2).sum(-1))  # exact, for the chosen few
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
