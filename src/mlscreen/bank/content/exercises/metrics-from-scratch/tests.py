"""Hidden tests of the metrics-from-scratch exercise; scikit-learn gives the expected values, in the supervisor."""

import math
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from mlscreen.grader import Call, check

PROPERTY = settings(
    max_examples=20, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
KEYS = ("precision", "recall", "f1")


def _sklearn_prf(y_true, y_pred, zero_division=0.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "precision": precision_score(y_true, y_pred, zero_division=zero_division),
            "recall": recall_score(y_true, y_pred, zero_division=zero_division),
            "f1": f1_score(y_true, y_pred, zero_division=zero_division),
        }


def _number(value):
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return float(value)


def _prf_equal(got, expected):
    assert isinstance(got, dict) and set(KEYS) <= set(got)
    for key in KEYS:
        value = _number(got[key])
        assert math.isfinite(value) and abs(value - expected[key]) <= 1e-12, key


@check(id="prf-known", kind="core", message="precision_recall_f1 must return precision, recall and F1 of the "
       "positive class 1.")
def prf_known(sub):
    y_true = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    _prf_equal(sub.call("precision_recall_f1", y_true, y_pred), {"precision": 2 / 3, "recall": 0.5, "f1": 4 / 7})


@check(id="auc-known", kind="core", message="roc_auc must return the area under the ROC curve: the chance that a "
       "random positive scores above a random negative.")
def auc_known(sub):
    y_true = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.7, 0.6])
    value = _number(sub.call("roc_auc", y_true, scores))
    assert abs(value - roc_auc_score(y_true, scores)) <= 1e-12


@check(id="prf-matches-reference", kind="property", message="On random label vectors, precision, recall and F1 "
       "must match the standard definitions for every zero_division value.")
def prf_matches_reference(sub):
    labels = st.lists(st.booleans(), min_size=1, max_size=40)

    @PROPERTY
    @given(labels, st.data(), st.sampled_from([0.0, 1.0]))
    def holds(truth, data, zero_division):
        predicted = data.draw(st.lists(st.booleans(), min_size=len(truth), max_size=len(truth)))
        y_true, y_pred = np.array(truth, int), np.array(predicted, int)
        got = sub.call("precision_recall_f1", y_true, y_pred, zero_division=zero_division)
        _prf_equal(got, _sklearn_prf(y_true, y_pred, zero_division))

    holds()


@check(id="auc-matches-reference", kind="property", message="On random labels and scores with many ties, roc_auc "
       "must match the standard ROC-AUC.")
def auc_matches_reference(sub):
    @PROPERTY
    @given(st.lists(st.tuples(st.booleans(), st.integers(0, 6)), min_size=2, max_size=60))
    def holds(rows):
        y_true = np.array([int(t) for t, _ in rows] + [0, 1])
        scores = np.array([s / 4 for _, s in rows] + [0.5, 0.5])
        value = _number(sub.call("roc_auc", y_true, scores))
        assert abs(value - roc_auc_score(y_true, scores)) <= 1e-12

    holds()


@check(id="zero-division", kind="edge", message="When a ratio is 0/0 (no predicted positives, no actual "
       "positives, or neither), return the zero_division value (0.0 by default) instead of failing or returning NaN.")
def zero_division(sub):
    cases = [([1, 1, 0, 0], [0, 0, 0, 0]), ([0, 0, 0], [1, 0, 0]), ([0, 0, 0], [0, 0, 0])]
    for zero in (0.0, 1.0):
        for truth, predicted in cases:
            got = sub.call("precision_recall_f1", np.array(truth), np.array(predicted), zero_division=zero)
            _prf_equal(got, _sklearn_prf(truth, predicted, zero))
    _prf_equal(sub.call("precision_recall_f1", [0, 0, 0], [0, 0, 0]), _sklearn_prf([0, 0, 0], [0, 0, 0], 0.0))


@check(id="auc-all-tied", kind="edge", message="When every score is the same, the model cannot rank: ROC-AUC is "
       "0.5. Tied scores count half.")
def auc_all_tied(sub):
    value = _number(sub.call("roc_auc", np.array([1, 0, 1, 0, 0]), np.full(5, 0.3)))
    assert abs(value - 0.5) <= 1e-12


@check(id="single-class", kind="edge", message="With only one class in y_true, ROC-AUC is undefined: return NaN "
       "(as documented) instead of raising or returning a number.")
def single_class(sub):
    for truth in ([1, 1, 1], [0, 0, 0, 0]):
        value = sub.call("roc_auc", np.array(truth), np.linspace(0, 1, len(truth)))
        assert isinstance(value, float) and math.isnan(value)


@check(id="input-types", kind="edge", message="Both functions must accept lists, boolean arrays and pandas Series "
       "as well as integer arrays.")
def input_types(sub):
    truth, predicted = [True, False, True, True, False], [True, True, False, True, False]
    expected = _sklearn_prf(np.array(truth, int), np.array(predicted, int))
    _prf_equal(sub.call("precision_recall_f1", truth, predicted), expected)
    _prf_equal(sub.call("precision_recall_f1", np.array(truth), pd.Series(predicted)), expected)
    scores = [0.9, 0.2, 0.4, 0.8, 0.5]
    auc = roc_auc_score(np.array(truth, int), scores)
    assert abs(_number(sub.call("roc_auc", truth, scores)) - auc) <= 1e-12
    assert abs(_number(sub.call("roc_auc", pd.Series(np.array(truth, int)), pd.Series(scores))) - auc) <= 1e-12


@check(id="auc-rank-invariant", kind="ml", message="ROC-AUC depends only on how scores rank the rows: it must not "
       "change under a monotone transformation of the scores (raw margins, log-odds, tiny differences).")
def auc_rank_invariant(sub):
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 400)
    margins = rng.normal(size=400) + y_true * 0.8
    expected = roc_auc_score(y_true, margins)
    for scores in (margins, margins * 40.0, 1e-6 / (1 + np.exp(-margins))):
        assert abs(_number(sub.call("roc_auc", y_true, scores)) - expected) <= 1e-9


def _large_case(n, seed):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.3).astype(int)
    return y_true, np.round(rng.normal(size=n) + y_true, 3)


_SMALL, _LARGE = _large_case(12_500, 4), _large_case(100_000, 5)
_LARGE_AUC = (roc_auc_score(*_SMALL), roc_auc_score(*_LARGE))
# 8x the rows, CPU time of the sandbox in one job: O(n log n) measured 6-8x under a load average of 10-12 on
# 2 cores, every positive against every negative 31-34x; the limit sits between them.
GROWTH_LIMIT = 15.0


@check(id="auc-large-input", kind="behaviour", message="roc_auc must scale to a hundred thousand rows and more "
       "(sort once, O(n log n)): with 8 times the rows it may take at most 15 times the CPU time (sorting gives "
       "about 7, comparing every positive with every negative about 30).")
def auc_large_input(sub):
    growth = sub.growth(Call("roc_auc", _SMALL), Call("roc_auc", _LARGE))
    assert abs(_number(growth.small_value) - _LARGE_AUC[0]) <= 1e-9
    assert abs(_number(growth.large_value) - _LARGE_AUC[1]) <= 1e-9
    assert growth.ratio <= GROWTH_LIMIT


@check(id="series-by-position", kind="edge", message="A pandas Series is read by position, whatever its index: "
       "its i-th value pairs with the i-th value of the other argument.")
def series_by_position(sub):
    rng = np.random.default_rng(6)
    truth = rng.integers(0, 2, 40)
    predicted = rng.integers(0, 2, 40)
    scores = np.round(rng.normal(size=40) + truth, 2)
    shuffled = pd.Series(truth, index=rng.permutation(40))  # labels 0..39 in another order than the positions
    far = pd.Series(truth, index=rng.permutation(40) + 1000)
    expected = _sklearn_prf(truth, predicted)
    _prf_equal(sub.call("precision_recall_f1", shuffled, predicted), expected)
    _prf_equal(sub.call("precision_recall_f1", far, pd.Series(predicted, index=rng.permutation(40))), expected)
    auc = roc_auc_score(truth, scores)
    assert abs(_number(sub.call("roc_auc", shuffled, scores)) - auc) <= 1e-12
    assert abs(_number(sub.call("roc_auc", far, pd.Series(scores, index=rng.permutation(40)))) - auc) <= 1e-12
