"""Wrong: wraps scikit-learn's KNeighborsClassifier instead of implementing the search."""

import numpy as np
from sklearn.neighbors import KNeighborsClassifier as _Sklearn


class KNNClassifier:
    def __init__(self, k=5, weights="uniform"):
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        self.model_ = _Sklearn(n_neighbors=min(self.k, len(X)), weights=self.weights, algorithm="brute").fit(X, y)
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(np.asarray(X, dtype=float))

    def predict(self, X):
        return self.model_.predict(np.asarray(X, dtype=float))
