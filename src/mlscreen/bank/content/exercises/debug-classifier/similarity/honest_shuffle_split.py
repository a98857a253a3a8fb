import numpy as np
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


class _TopK(SelectKBest):
    """SelectKBest that keeps every feature when there are fewer than k."""

    def fit(self, X, y):
        self.k = min(20, X.shape[1])
        return super().fit(X, y)


def split_data(X, y, test_size=0.25, random_state=0):
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_idx, test_idx = next(splitter.split(np.zeros(len(y)), y))
    return train_idx, test_idx


def build_pipeline():
    steps = [
        ("scaler", StandardScaler()),
        ("kbest", _TopK(score_func=f_classif)),
        ("clf", LogisticRegression(max_iter=2000, class_weight="balanced")),
    ]
    return Pipeline(steps)


def run_experiment(X, y, random_state=0):
    X = np.asarray(X)
    y = np.asarray(y)
    tr, te = split_data(X, y, random_state=random_state)
    pipe = build_pipeline().fit(X[tr], y[tr])
    scores = pipe.predict_proba(X[te])[:, 1]
    return {"metric": "roc_auc", "score": float(roc_auc_score(y[te], scores))}
