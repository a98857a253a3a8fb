"""Exercise references against independent implementations, on generated inputs of every class their prompts name.

The references are our own code, so they run here, outside the sandbox: this checks the reference, not the grader.
Each property compares a reference with a second implementation written differently (plain Python loops, or
scipy/scikit-learn where the exercise forbids them to candidates).
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special, stats

from mlscreen.bank import load_bank

SETTINGS = settings(
    max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _reference(exercise_id: str) -> ModuleType:
    path = load_bank().sidecar(exercise_id, "reference.py")
    spec = importlib.util.spec_from_file_location(f"reference_{exercise_id.replace('-', '_')}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------- data-cleaning

CLEANING = _reference("data-cleaning")
_INTS = st.integers(-1000, 1000)
_FLOATS = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def _cleaning_frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 9))
    columns: dict[str, Any] = {}
    for i, kind in enumerate(draw(st.lists(st.sampled_from(["float64", "Int64", "Float64", "text"]), max_size=4))):
        cells = draw(
            st.lists(st.one_of(st.none(), _INTS if kind == "Int64" else _FLOATS), min_size=rows, max_size=rows)
        )
        if kind == "float64":
            columns[f"c{i}"] = pd.Series([np.nan if v is None else v for v in cells], dtype="float64")
        elif kind == "text":
            columns[f"c{i}"] = pd.Series([None if v is None else f"t{v}" for v in cells], dtype=object)
        else:
            columns[f"c{i}"] = pd.Series(pd.array([pd.NA if v is None else v for v in cells], dtype=kind))
    return pd.DataFrame(columns, index=pd.RangeIndex(rows))


def _expected_column(column: pd.Series) -> tuple[list[float | None], str]:
    """Return a numeric column as imputation must leave it (None for a gap) and its dtype, by plain Python."""
    cells = [None if pd.isna(v) else v for v in column.tolist()]
    observed = [v for v in cells if v is not None]
    if not observed:
        return cells, str(column.dtype)
    median = statistics.median(observed)
    dtype = str(column.dtype)
    if dtype == "Int64" and median != int(median):
        dtype = "Float64"
    return [median if v is None else v for v in cells], dtype


@SETTINGS
@given(_cleaning_frames())
def test_data_cleaning_reference_matches_a_plain_python_imputation(frame: pd.DataFrame) -> None:
    before = frame.copy()
    report = CLEANING.missing_report(frame)
    out = CLEANING.impute_median(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(report.index) == list(frame.columns)
    for name in frame.columns:
        share = 100 * frame[name].isna().sum() / len(frame) if len(frame) else 0.0
        assert report[name] == pytest.approx(share)
        if frame[name].dtype == object:
            pd.testing.assert_series_equal(out[name], frame[name])
            continue
        values, dtype = _expected_column(frame[name])
        assert str(out[name].dtype) == dtype, name
        got = [None if pd.isna(v) else float(v) for v in out[name].tolist()]
        assert got == pytest.approx([None if v is None else float(v) for v in values]), name


# ---------------------------------------------------------------------------- metrics-from-scratch

METRICS = _reference("metrics-from-scratch")
_LABELS = st.lists(st.integers(0, 1), min_size=1, max_size=40)


def _as_form(labels: list[int], form: str, index: list[int]) -> object:
    if form == "list":
        return labels
    if form == "bool":
        return np.array(labels, dtype=bool)
    if form == "series":
        return pd.Series(labels, index=index)  # a shuffled, non-default index: labels, not positions
    return np.array(labels, dtype=np.int64)


@SETTINGS
@given(st.data(), _LABELS, st.sampled_from(["list", "int", "bool", "series"]), st.sampled_from([0.0, 1.0]))
def test_metrics_reference_matches_counting(data: st.DataObject, truth: list[int], form: str, zero: float) -> None:
    predicted = data.draw(st.lists(st.integers(0, 1), min_size=len(truth), max_size=len(truth)))
    index = data.draw(st.permutations(list(range(100, 100 + len(truth)))))
    tp = sum(t == 1 and p == 1 for t, p in zip(truth, predicted, strict=True))
    fp = sum(t == 0 and p == 1 for t, p in zip(truth, predicted, strict=True))
    fn = sum(t == 1 and p == 0 for t, p in zip(truth, predicted, strict=True))
    got = METRICS.precision_recall_f1(
        _as_form(truth, form, index), _as_form(predicted, form, index), zero_division=zero
    )
    assert got["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else zero)
    assert got["recall"] == pytest.approx(tp / (tp + fn) if tp + fn else zero)
    assert got["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else zero)


@SETTINGS
@given(st.data(), _LABELS, st.sampled_from(["list", "int", "bool", "series"]))
def test_roc_auc_reference_matches_pair_counting(data: st.DataObject, truth: list[int], form: str) -> None:
    scores = data.draw(
        st.lists(st.sampled_from([-3.5, -1.0, 0.0, 0.25, 0.5, 2.0, 1e9]), min_size=len(truth), max_size=len(truth))
    )
    index = data.draw(st.permutations(list(range(100, 100 + len(truth)))))
    positives = [s for t, s in zip(truth, scores, strict=True) if t == 1]
    negatives = [s for t, s in zip(truth, scores, strict=True) if t == 0]
    got = METRICS.roc_auc(_as_form(truth, form, index), pd.Series(scores, index=index) if form == "series" else scores)
    if not positives or not negatives:
        assert math.isnan(got)
        return
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    assert got == pytest.approx(wins / (len(positives) * len(negatives)))


# ---------------------------------------------------------------------------- stable-softmax

SOFTMAX = _reference("stable-softmax")


@st.composite
def _logits(draw: st.DrawFn) -> np.ndarray:
    rows, classes = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    cells = st.one_of(st.floats(-5000, 5000, allow_nan=False), st.sampled_from([-1000.0, 0.0, 1000.0, -np.inf]))
    x = np.array(draw(st.lists(cells, min_size=rows * classes, max_size=rows * classes))).reshape(rows, classes)
    x[:, draw(st.integers(0, classes - 1))] = draw(st.floats(-3000, 3000))  # at least one unmasked class per row
    return x


@SETTINGS
@given(_logits(), st.data())
def test_softmax_reference_matches_scipy(x: np.ndarray, data: st.DataObject) -> None:
    before = x.copy()
    targets = np.array([data.draw(st.sampled_from(np.flatnonzero(np.isfinite(row)).tolist())) for row in x])
    np.testing.assert_allclose(SOFTMAX.softmax(x), special.softmax(x, axis=-1), atol=1e-12)
    np.testing.assert_allclose(SOFTMAX.softmax(x.T, axis=0), special.softmax(x.T, axis=0), atol=1e-12)
    expected_log = special.log_softmax(x, axis=-1)
    np.testing.assert_allclose(SOFTMAX.log_softmax(x), expected_log, rtol=1e-9, atol=1e-9)
    picked = expected_log[np.arange(len(x)), targets]
    assert SOFTMAX.cross_entropy(x, targets) == pytest.approx(-picked.mean(), rel=1e-9, abs=1e-9)
    onehot = np.eye(x.shape[1])[targets]
    np.testing.assert_allclose(
        SOFTMAX.cross_entropy_grad(x, targets), (special.softmax(x, axis=-1) - onehot) / len(x), atol=1e-12
    )
    np.testing.assert_array_equal(x, before)


# ---------------------------------------------------------------------------- knn-classifier

KNN = _reference("knn-classifier")


def _knn_votes(train: list[list[int]], labels: list[Any], query: list[int], k: int, weights: str) -> dict[Any, float]:
    ranked = sorted(range(len(train)), key=lambda i: (math.dist(train[i], query), i))[:k]
    distances = [math.dist(train[i], query) for i in ranked]
    votes: dict[Any, float] = {}
    exact = [d == 0 for d in distances]
    for i, d, zero in zip(ranked, distances, exact, strict=True):
        if weights == "distance" and any(exact) and not zero:
            continue
        weight = 1.0 if weights == "uniform" or any(exact) else 1.0 / d
        votes[labels[i]] = votes.get(labels[i], 0.0) + weight
    return votes


@SETTINGS
@given(st.data(), st.integers(1, 12), st.sampled_from(["uniform", "distance"]), st.booleans())
def test_knn_reference_matches_sorting_every_distance(data: st.DataObject, k: int, weights: str, text: bool) -> None:
    points = st.lists(st.integers(-3, 3), min_size=2, max_size=2)
    train = data.draw(st.lists(points, min_size=1, max_size=15))
    codes = data.draw(st.lists(st.integers(0, 2), min_size=len(train), max_size=len(train)))
    labels: list[Any] = [["b", "a", "c"][c] for c in codes] if text else [[7, -1, 3][c] for c in codes]
    queries = data.draw(st.lists(points, min_size=1, max_size=6))
    model = KNN.KNNClassifier(k=k, weights=weights).fit(np.array(train), np.array(labels))
    proba, predicted = model.predict_proba(np.array(queries)), model.predict(np.array(queries))
    classes = sorted(set(labels))
    for row, query in enumerate(queries):
        votes = _knn_votes(train, labels, query, k, weights)
        total = sum(votes.values())
        assert proba[row].tolist() == pytest.approx([votes.get(c, 0.0) / total for c in classes])
        best = max(votes.values())
        assert predicted[row] == min(c for c in classes if votes.get(c, 0.0) == pytest.approx(best))


# ---------------------------------------------------------------------------- drift-detector

DRIFT = _reference("drift-detector")
_SAMPLE = st.lists(
    st.one_of(st.sampled_from([0.0, 1.0, 1.0, 2.5, np.nan]), st.floats(-50, 50)), min_size=1, max_size=30
)


def _psi_by_loops(ref: list[float], cur: list[float], bins: int, eps: float) -> float:
    cuts = sorted(set(np.quantile(ref, [i / bins for i in range(1, bins)]).tolist()))

    def shares(sample: list[float]) -> list[float]:
        counts = [0] * (len(cuts) + 1)
        for v in sample:
            counts[sum(c < v for c in cuts)] += 1  # right-closed bins: v lands after every cut below it
        return [max(n / len(sample), eps) for n in counts]

    p, q = shares(ref), shares(cur)
    return sum((b - a) * math.log(b / a) for a, b in zip(p, q, strict=True))


@SETTINGS
@given(_SAMPLE, _SAMPLE, st.integers(2, 10))
def test_drift_reference_matches_scipy_and_loops(reference: list[float], current: list[float], bins: int) -> None:
    ref = [v for v in reference if not math.isnan(v)]
    cur = [v for v in current if not math.isnan(v)]
    got_ks = DRIFT.ks_statistic(np.array(reference), pd.Series(current))
    got_psi = DRIFT.psi(pd.Series(reference), np.array(current), bins=bins)
    if not ref or not cur:
        assert math.isnan(got_ks) and math.isnan(got_psi)
        return
    with warnings.catch_warnings():  # only the statistic is used; SciPy may warn while computing its p-value
        warnings.simplefilter("ignore", RuntimeWarning)
        expected_ks = stats.ks_2samp(ref, cur).statistic
    assert got_ks == pytest.approx(expected_ks)
    assert got_psi == pytest.approx(_psi_by_loops(ref, cur, bins, 1e-4))


# ---------------------------------------------------------------------------- time-split

SPLIT = _reference("time-split")


@st.composite
def _events(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(1, 20))
    days = draw(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=rows, max_size=rows))
    users = draw(st.lists(st.sampled_from(["u1", "u2", "u3", "u4"]), min_size=rows, max_size=rows))
    index = draw(st.permutations(list(range(500, 500 + rows))))
    times = pd.to_datetime([None if d is None else pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for d in days])
    return pd.DataFrame({"ts": times, "user": users}, index=index)


@SETTINGS
@given(_events(), st.sampled_from([0.1, 0.25, 0.5, 0.9]), st.sampled_from(["0s", "1D", "3D"]), st.booleans())
def test_time_split_reference_matches_loops(frame: pd.DataFrame, size: float, gap: str, grouped: bool) -> None:
    before = frame.copy()
    got = SPLIT.time_split(frame, time_col="ts", valid_size=size, gap=gap, group_col="user" if grouped else None)
    pd.testing.assert_frame_equal(frame, before)
    stamped = sorted((t, label) for label, t in frame["ts"].items() if not pd.isna(t))
    if not stamped:
        assert got == {"train": [], "valid": []}
        return
    cutoff = stamped[len(stamped) - max(1, int(size * len(stamped)))][0]
    valid = {label for t, label in stamped if t >= cutoff}
    train = {label for t, label in stamped if t < cutoff - pd.Timedelta(gap)}
    if grouped:
        entities = {frame.at[label, "user"] for label in valid}
        train = {label for label in train if frame.at[label, "user"] not in entities}
    assert sorted(got["valid"]) == sorted(valid)
    assert sorted(got["train"]) == sorted(train)
