"""Sandbox-side helpers of the debug-classifier exercise (not secret: no labels or answers here)."""

import numpy as np
from sklearn.base import BaseEstimator


def fit_predict(submission, X_train, y_train, X_test):
    """Fit the candidate's pipeline on the given training rows and return its predictions for X_test."""
    model = submission.build_pipeline()
    model.fit(X_train, y_train)
    return np.asarray(model.predict(X_test))


def fit_scores(submission, X_train, y_train, X_test):
    """Fit the candidate's pipeline on the training rows; return its predictions and positive-class probabilities."""
    model = submission.build_pipeline()
    model.fit(X_train, y_train)
    return {"predictions": np.asarray(model.predict(X_test)), "probabilities": np.asarray(model.predict_proba(X_test))}


def final_step_width(submission, X, y):
    """Fit the candidate's pipeline on all the given rows; return how many features its last step was fitted on."""
    model = submission.build_pipeline()
    model.fit(X, y)
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    return int(getattr(final, "n_features_in_", -1))


def _estimator_classes():
    seen, todo = set(), [BaseEstimator]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def spy_run(submission, X, y, random_state=0):
    """Run the candidate's experiment with every estimator's fit spied on; return the row counts each fit saw."""
    seen = []

    def spy(original):
        def wrapped(self, X, *args, **kwargs):
            seen.append([type(self).__name__, int(getattr(X, "shape", [len(X)])[0])])
            return original(self, X, *args, **kwargs)

        return wrapped

    for cls in _estimator_classes():
        for name in ("fit", "fit_transform"):
            if name in vars(cls):
                setattr(cls, name, spy(vars(cls)[name]))
    result = submission.run_experiment(X, y, random_state=random_state)
    return {"fits": seen, "result": result}
