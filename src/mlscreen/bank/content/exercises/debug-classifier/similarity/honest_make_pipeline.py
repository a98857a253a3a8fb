"""A churn classifier that looks great offline and fails in production. Find and fix the bugs."""

import numpy as np
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def split_data(X, y, test_size=0.25, random_state=0):
    """Return (train_idx, test_idx): integer row indices of the training and the held-out test rows."""
    rows = np.arange(len(X))
    # stratify: only ~10% churn, a plain split can leave the test set almost without positives
    train_idx, test_idx = train_test_split(rows, test_size=test_size, stratify=y, random_state=random_state)
    return train_idx, test_idx


def build_pipeline(k=20):
    """Return an unfitted estimator: scaling, selection of the 20 best features, logistic regression."""
    return make_pipeline(StandardScaler(), SelectKBest(f_classif, k=k), LogisticRegression(max_iter=1000))


def run_experiment(X, y, random_state=0):
    """Split, train on the training rows, evaluate on the held-out rows; return {"metric": name, "score": value}."""
    train_idx, test_idx = split_data(X, y, random_state=random_state)
    model = build_pipeline()
    if X.shape[1] < 20:
        model.set_params(selectkbest__k="all")
    model.fit(X[train_idx], y[train_idx])
    predictions = model.predict(X[test_idx])
    return {"metric": "f1", "score": float(f1_score(y[test_idx], predictions))}
