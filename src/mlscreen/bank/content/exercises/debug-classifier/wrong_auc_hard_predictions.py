"""Wrong: reports ROC-AUC computed from hard 0/1 predictions instead of probabilities."""

from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
import numpy as np


def split_data(X, y, test_size=0.25, random_state=0):
    """Return (train_idx, test_idx), shuffled and stratified by label."""
    indices = np.arange(len(y))
    train_idx, test_idx = train_test_split(
        indices, test_size=test_size, random_state=random_state, shuffle=True, stratify=y
    )
    return train_idx, test_idx


def build_pipeline():
    """Return an unfitted pipeline: every fitted step learns from the training rows only."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("select", SelectKBest(f_classif, k=20)),
            ("model", LogisticRegression(max_iter=1000, class_weight="balanced")),
        ]
    )


def run_experiment(X, y, random_state=0):
    """Evaluate on held-out rows with a metric that stays honest when classes are imbalanced."""
    train_idx, test_idx = split_data(X, y, random_state=random_state)
    model = build_pipeline()
    if X.shape[1] < 20:
        model.set_params(select__k="all")
    model.fit(X[train_idx], y[train_idx])
    predictions = model.predict(X[test_idx])
    return {"metric": "roc_auc", "score": float(roc_auc_score(y[test_idx], predictions))}
