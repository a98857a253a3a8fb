from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
import numpy as np


def split_data(X, y, test_size=0.25, random_state=0):
    train_idx, test_idx = train_test_split(
        np.arange(len(y)), test_size=test_size, random_state=random_state, shuffle=True, stratify=y
    )
    return train_idx, test_idx


def _steps():
    return [
        ("scale", StandardScaler()),
        ("select", SelectKBest(f_classif, k=20)),
        ("model", LogisticRegression(max_iter=1000, class_weight="balanced")),
    ]


def build_pipeline():
    return Pipeline(_steps())


def run_experiment(X, y, random_state=0):
    train_idx, test_idx = split_data(X, y, random_state=random_state)
    model = build_pipeline()
    if X.shape[1] < 20:
        model.set_params(select__k="all")
    model.fit(X[train_idx], y[train_idx])
    predictions = model.predict(X[test_idx])
    score = balanced_accuracy_score(y[test_idx], predictions)
    return {"metric": "balanced_accuracy", "score": float(score)}
