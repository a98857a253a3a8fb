"""Hidden tests of the debug-classifier exercise: graded by behaviour; test labels never enter the sandbox."""

import math

import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score, matthews_corrcoef
from sklearn.metrics import roc_auc_score

from mlscreen.grader import Call, check

# Metrics a candidate may choose, computed here (never in the sandbox) from labels and predictions (or, for the
# ranking metrics, the positive-class probabilities).
METRICS = {
    "balanced_accuracy": balanced_accuracy_score,
    "f1": f1_score,
    "roc_auc": roc_auc_score,
    "average_precision": average_precision_score,
    "matthews_corrcoef": matthews_corrcoef,
    "mcc": matthews_corrcoef,
}
RANKING = {"roc_auc", "average_precision"}


def _signal(seed=3, n=400):
    X, y = make_classification(
        n_samples=n, n_features=40, n_informative=6, n_redundant=4, weights=[0.8, 0.2], class_sep=1.5,
        random_state=seed,
    )
    return X, y


def _noise(n=100, p=1000, seed=11):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = np.array([0, 1] * (n // 2))
    rng.shuffle(y)
    return X, y


def _split(sub, X, y, **kwargs):
    train, test = sub.call("split_data", X, y, **kwargs)
    train, test = np.asarray(train).astype(int), np.asarray(test).astype(int)
    return train, test


@check(id="split-partition", kind="core", message="split_data must return disjoint training and test row indices "
       "that together cover every row, with about test_size of them in the test set.")
def split_partition(sub):
    X, y = _signal()
    for size in (0.25, 0.4):
        train, test = _split(sub, X, y, test_size=size, random_state=0)
        assert len(set(train.tolist()) & set(test.tolist())) == 0
        assert sorted(train.tolist() + test.tolist()) == list(range(len(y)))
        assert abs(len(test) - size * len(y)) <= 2


@check(id="signature-defaults", kind="core", message="The functions must keep their signatures and defaults: "
       "split_data(X, y) is split_data(X, y, test_size=0.25, random_state=0), run_experiment(X, y) uses "
       "random_state=0.")
def signature_defaults(sub):
    X, y = _signal(seed=6)
    default, explicit = sub.batch([Call("split_data", (X, y)), Call("split_data", (X, y), {"test_size": 0.25,
                                                                                          "random_state": 0})])
    assert np.array_equal(np.asarray(default[1]), np.asarray(explicit[1]))
    assert sub.call("run_experiment", X, y) == sub.call("run_experiment", X, y, random_state=0)


@check(id="selects-20-features", kind="core", message="build_pipeline must select the 20 best features before the "
       "logistic regression.")
def selects_20_features(sub):
    X, y = _signal(seed=9)
    assert sub.harness("final_step_width", X, y) == 20


@check(id="split-stratified", kind="ml", message="With rare positives and rows sorted by label, the test set must "
       "hold the same share of each class as the data, for every random_state (shuffle and stratify).")
def split_stratified(sub):
    X = np.arange(800, dtype=float).reshape(400, 2)
    y = np.array([0] * 360 + [1] * 40)
    # Ten seeds in one round trip: a shuffled but unstratified split lands within one positive of the exact 10 in
    # the 100 test rows for about 43% of seeds (measured over 3,000), so all ten pass about once in 5,000.
    calls = [Call("split_data", (X, y), {"test_size": 0.25, "random_state": seed}) for seed in range(10)]
    for train, test in sub.batch(calls):
        train, test = np.asarray(train).astype(int), np.asarray(test).astype(int)
        assert len(test) == 100 and abs(int(y[test].sum()) - 10) <= 1
        assert abs(int(y[train].sum()) - 30) <= 1


@check(id="split-deterministic", kind="property", message="split_data must give the same split for the same "
       "random_state and a different one for a different random_state.")
def split_deterministic(sub):
    X, y = _signal()
    first = _split(sub, X, y, test_size=0.25, random_state=5)
    again = _split(sub, X, y, test_size=0.25, random_state=5)
    other = _split(sub, X, y, test_size=0.25, random_state=6)
    assert np.array_equal(first[1], again[1])
    assert not np.array_equal(np.sort(first[1]), np.sort(other[1]))


@check(id="pipeline-learns", kind="core", message="build_pipeline must return an unfitted estimator that learns "
       "the held-out rows well when fitted on the training rows.")
def pipeline_learns(sub):
    X, y = _signal(seed=8)
    rng = np.random.default_rng(2)
    order = rng.permutation(len(y))
    train, test = order[:300], order[300:]
    predictions = np.asarray(sub.harness("fit_predict", X[train], y[train], X[test]))
    assert predictions.shape == (len(test),)
    assert balanced_accuracy_score(y[test], predictions.astype(int)) >= 0.75


def _experiment(sub, X, y, random_state=0):
    result = sub.call("run_experiment", X, y, random_state=random_state)
    assert isinstance(result, dict)
    metric, score = result.get("metric"), result.get("score")
    assert isinstance(metric, str) and isinstance(score, int | float) and math.isfinite(score)
    return metric, float(score)


@check(id="experiment-contract", kind="core", message="run_experiment must return {'metric': name, 'score': value} "
       "with a finite score that shows the model learns on data with signal.")
def experiment_contract(sub):
    metric, score = _experiment(sub, *_signal(seed=4))
    assert 0.6 <= score <= 1.0


@check(id="metric-value", kind="core", message="The score must be the value of the metric it names, computed on "
       "the held-out rows of split_data's split with build_pipeline() fitted on the training rows: from the "
       "predicted labels, or for roc_auc and average_precision from the positive-class probabilities.")
def metric_value(sub):
    X, y = _signal(seed=4)
    metric, score = _experiment(sub, X, y, random_state=3)
    scorer = METRICS.get(metric.strip().lower())
    assert scorer is not None
    train, test = _split(sub, X, y, test_size=0.25, random_state=3)
    fitted = sub.harness("fit_scores", X[train], y[train], X[test])
    assert isinstance(fitted, dict)
    predictions, probabilities = np.asarray(fitted.get("predictions")), np.asarray(fitted.get("probabilities"))
    assert predictions.shape == (len(test),) and probabilities.shape == (len(test), 2)
    if metric.strip().lower() in RANKING:
        expected = scorer(y[test], probabilities[:, 1].astype(float))
    else:
        expected = scorer(y[test], predictions.astype(int))
    assert abs(score - float(expected)) <= 1e-9


@check(id="few-features", kind="edge", message="With fewer than 20 features, run_experiment must keep all of them "
       "instead of failing, and still evaluate honestly.")
def few_features(sub):
    X, y = _signal(seed=4)
    metric, score = _experiment(sub, X[:, :8], y)
    assert METRICS.get(metric.strip().lower()) is not None and 0.5 <= score <= 1.0


@check(id="metric-imbalance", kind="ml", message="The metric must stay honest on imbalanced data: a model that "
       "always predicts the majority class must score poorly under it. Accepted names: "
       "balanced_accuracy, f1, roc_auc, average_precision, matthews_corrcoef.")
def metric_imbalance(sub):
    metric, _ = _experiment(sub, *_signal(seed=4))
    scorer = METRICS.get(metric.strip().lower())
    assert scorer is not None
    y_true = np.array([0] * 95 + [1] * 5)
    majority = np.zeros_like(y_true)
    assert scorer(y_true, majority) <= 0.55


@check(id="no-fit-sees-test-rows", kind="ml", message="No scaler, selector or model may be fitted on rows that are "
       "later used for evaluation: fit every step on the training rows only (put them in the pipeline).")
def no_fit_sees_test_rows(sub):
    X, y = _noise()
    report = sub.harness("spy_run", X, y, 0)
    fits = report["fits"]
    assert isinstance(fits, list) and fits
    assert all(isinstance(f, list) and len(f) == 2 and isinstance(f[1], int) for f in fits)
    assert max(f[1] for f in fits) < len(y)


@check(id="noise-at-chance", kind="ml", message="On features that are pure noise, an honest evaluation scores at "
       "chance level; a higher score means information from the test rows reached training.")
def noise_at_chance(sub):
    scores = [_experiment(sub, *_noise(seed=seed))[1] for seed in (11, 12, 13)]
    assert sum(scores) / len(scores) <= 0.65
