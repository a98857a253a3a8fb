"""A churn classifier that looks great offline and fails in production. Find and fix the bugs."""

import numpy as np
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler


def split_data(X, y, test_size=0.25, random_state=0):
    """Return (train_idx, test_idx): integer row indices of the training and the held-out test rows."""
    n_test = int(len(X) * test_size)
    return np.arange(n_test, len(X)), np.arange(n_test)


def build_pipeline():
    """Return an unfitted estimator: scaling, selection of the 20 best features, logistic regression."""
    return LogisticRegression(max_iter=1000)


def run_experiment(X, y, random_state=0):
    """Split, train on the training rows, evaluate on the held-out rows; return {"metric": name, "score": value}."""
    X = StandardScaler().fit_transform(X)
    X = SelectKBest(f_classif, k=min(20, X.shape[1])).fit_transform(X, y)
    train_idx, test_idx = split_data(X, y, random_state=random_state)
    model = build_pipeline().fit(X[train_idx], y[train_idx])
    predictions = model.predict(X[test_idx])
    return {"metric": "accuracy", "score": float(accuracy_score(y[test_idx], predictions))}
