"""Sandbox-side functions of the knn-classifier exercise (not secret): build, fit and query the candidate's class."""

import numpy as np


def fit_predict(submission, X_train, y_train, X_test, **params):
    """Fit KNNClassifier(**params) and return whether fit returned the model, and its predictions for X_test."""
    model = submission.KNNClassifier(**params)
    returned = model.fit(X_train, y_train)
    return {"fit_returns_self": returned is model, "predictions": np.asarray(model.predict(X_test))}


def fit_predict_proba(submission, X_train, y_train, X_test, **params):
    """Fit KNNClassifier(**params) and return its class probabilities for X_test."""
    model = submission.KNNClassifier(**params)
    model.fit(X_train, y_train)
    return np.asarray(model.predict_proba(X_test), dtype=float)


def without_sklearn_neighbours(submission, X_train, y_train, X_test, **params):
    """Like `fit_predict`, with scikit-learn's neighbour searches disabled."""
    from sklearn.neighbors import _base

    def refuse(*args, **kwargs):
        raise RuntimeError("scikit-learn's neighbour search is not allowed in this exercise")

    saved = {name: getattr(_base.KNeighborsMixin, name) for name in ("kneighbors",)}
    saved_fit = _base.NeighborsBase._fit
    _base.KNeighborsMixin.kneighbors = refuse
    _base.NeighborsBase._fit = refuse
    try:
        return fit_predict(submission, X_train, y_train, X_test, **params)
    finally:
        for name, value in saved.items():
            setattr(_base.KNeighborsMixin, name, value)
        _base.NeighborsBase._fit = saved_fit
