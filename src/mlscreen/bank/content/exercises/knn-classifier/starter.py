"""A k-nearest-neighbour classifier with NumPy."""

import numpy as np


class KNNClassifier:
    """k-nearest-neighbour classifier with Euclidean distance."""

    def __init__(self, k=5, weights="uniform"):
        self.k = k
        self.weights = weights

    def fit(self, X, y):
        """Store the training data; return self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Return the vote share of each class (columns in sorted class order) for each row of X."""
        raise NotImplementedError

    def predict(self, X):
        """Return the predicted class of each row of X."""
        raise NotImplementedError
