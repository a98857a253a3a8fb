"""Hidden tests of the drift-detector exercise; expected values are computed here, in the supervisor."""

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mlscreen.grader import check

EPS = 1e-4
PROPERTY = settings(
    max_examples=15, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _expected_psi(reference, current, bins=10, eps=EPS, categorical=False):
    ref = [v for v in reference if v is not None and not (isinstance(v, float) and math.isnan(v))]
    cur = [v for v in current if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if categorical:
        keys = sorted(set(ref) | set(cur), key=str)
        p = np.array([ref.count(k) for k in keys], float) / len(ref)
        q = np.array([cur.count(k) for k in keys], float) / len(cur)
    else:
        r = np.sort(np.asarray(ref, float))
        cuts = sorted(set(np.quantile(r, [i / bins for i in range(1, bins)]).tolist()))
        edges = [-math.inf, *cuts, math.inf]
        p = np.array([np.sum((r > lo) & (r <= hi)) for lo, hi in zip(edges, edges[1:])], float) / len(r)
        c = np.asarray(cur, float)
        q = np.array([np.sum((c > lo) & (c <= hi)) for lo, hi in zip(edges, edges[1:])], float) / len(c)
    p, q = np.maximum(p, eps), np.maximum(q, eps)
    return float(np.sum((q - p) * np.log(q / p)))


def _expected_ks(a, b):
    """The KS statistic by its definition: the largest gap between the ECDFs over every observed value."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    gaps = [abs(np.mean(a <= x) - np.mean(b <= x)) for x in np.unique(np.concatenate([a, b]))]
    return float(max(gaps))


def _number(value):
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return float(value)


def _close(got, expected, tol=1e-7):
    got = _number(got)
    assert math.isfinite(got)
    assert abs(got - expected) <= tol * max(1.0, abs(expected))


@check(id="psi-quantile-bins", kind="core", message="psi must bin both samples on cut points taken from the "
       "quantiles of the reference sample (not equal-width bins) and sum (q - p) * ln(q / p) over the bins.")
def psi_quantile_bins(sub):
    rng = np.random.default_rng(1)
    reference, current = rng.lognormal(0.0, 1.0, 2000), rng.lognormal(0.2, 1.3, 1500)
    _close(sub.call("psi", reference, current), _expected_psi(reference, current))
    _close(sub.call("psi", reference, current, bins=5), _expected_psi(reference, current, bins=5))


@check(id="psi-identical-zero", kind="core", message="The PSI of a sample against itself (in any order) is 0.")
def psi_identical_zero(sub):
    rng = np.random.default_rng(2)
    sample = rng.normal(size=800)
    assert abs(_number(sub.call("psi", sample, sample))) <= 1e-12
    assert abs(_number(sub.call("psi", sample, rng.permutation(sample)))) <= 1e-12


@check(id="ks-matches-definition", kind="core", message="ks_statistic must be the largest absolute gap between the "
       "two samples' empirical CDFs.")
def ks_matches_definition(sub):
    rng = np.random.default_rng(3)
    for n, m, shift in ((300, 200, 0.0), (500, 700, 0.4), (50, 1000, 1.5)):
        a, b = rng.normal(size=n), rng.normal(shift, 1.0, size=m)
        _close(sub.call("ks_statistic", a, b), _expected_ks(a, b), tol=1e-9)


def _frames(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    reference = pd.DataFrame(
        {
            "latency": rng.gamma(2.0, 50.0, n),
            "amount": rng.normal(100.0, 15.0, n),
            "segment": rng.choice(["retail", "pro", "gov"], n, p=[0.7, 0.25, 0.05]),
            "is_mobile": rng.random(n) < 0.4,
        }
    )
    current = pd.DataFrame(
        {
            "latency": rng.gamma(2.0, 50.0, n),
            "amount": rng.normal(112.0, 15.0, n),
            "segment": rng.choice(["retail", "pro", "gov"], n, p=[0.4, 0.3, 0.3]),
            "is_mobile": rng.random(n) < 0.4,
        }
    )
    return reference, current


@check(id="detect-drift-report", kind="core", message="detect_drift must report every column (kind, psi, ks, "
       "drifted) and list the drifted columns in the frame's column order; text and boolean columns are "
       "categorical (ks is None), numeric columns get both statistics.")
def detect_drift_report(sub):
    reference, current = _frames(4)
    report = sub.call("detect_drift", reference, current)
    assert isinstance(report, dict)
    assert report.get("drifted") == ["amount", "segment"]
    features = report.get("features")
    assert isinstance(features, dict) and list(features) == list(reference.columns)
    for column in reference.columns:
        entry = features[column]
        categorical = column in ("segment", "is_mobile")
        assert entry.get("kind") == ("categorical" if categorical else "numeric")
        values_ref, values_cur = reference[column].tolist(), current[column].tolist()
        _close(entry.get("psi"), _expected_psi(values_ref, values_cur, categorical=categorical))
        if categorical:
            assert entry.get("ks") is None
        else:
            _close(entry.get("ks"), _expected_ks(values_ref, values_cur), tol=1e-9)
        assert entry.get("drifted") is (column in ("amount", "segment"))


@check(id="thresholds-respected", kind="core", message="detect_drift must flag a column when its PSI is above "
       "psi_threshold or its KS statistic above ks_threshold, using the thresholds it is given.")
def thresholds_respected(sub):
    reference, current = _frames(5)
    strict = sub.call("detect_drift", reference, current, psi_threshold=1e-9, ks_threshold=1.0)
    assert isinstance(strict, dict) and strict.get("drifted") == list(reference.columns)
    lax = sub.call("detect_drift", reference, current, psi_threshold=100.0, ks_threshold=1.0)
    assert isinstance(lax, dict) and lax.get("drifted") == []


@check(id="threshold-is-exclusive", kind="edge", message="A column drifts when a statistic is strictly above its "
       "threshold: a statistic exactly equal to the threshold is not drift.")
def threshold_is_exclusive(sub):
    reference = pd.DataFrame({"same": [1.0, 2.0, 3.0, 4.0], "shifted": [1.0, 2.0, 3.0, 4.0]})
    current = pd.DataFrame({"same": [4.0, 3.0, 2.0, 1.0], "shifted": [3.0, 4.0, 5.0, 6.0]})
    # "same" has PSI and KS exactly 0; "shifted" has KS exactly 0.5 (the CDFs step by quarters).
    at_ks = sub.call("detect_drift", reference, current, psi_threshold=100.0, ks_threshold=0.5)
    at_psi = sub.call("detect_drift", reference[["same"]], current[["same"]], psi_threshold=0.0, ks_threshold=0.0)
    below = sub.call("detect_drift", reference, current, psi_threshold=100.0, ks_threshold=0.4999)
    assert isinstance(at_ks, dict) and at_ks.get("drifted") == []
    assert isinstance(at_psi, dict) and at_psi.get("drifted") == []
    assert isinstance(below, dict) and below.get("drifted") == ["shifted"]


@check(id="few-distinct-numeric", kind="edge", message="A numeric column is numeric however few distinct values it "
       "has (counts, ratings): it gets both PSI and KS.")
def few_distinct_numeric(sub):
    rng = np.random.default_rng(12)
    reference = pd.DataFrame({"children": rng.integers(0, 3, 500), "rating": rng.choice([1.0, 2.0, 5.0], 500)})
    current = pd.DataFrame({"children": rng.integers(0, 4, 400), "rating": rng.choice([1.0, 5.0], 400)})
    report = sub.call("detect_drift", reference, current)
    assert isinstance(report, dict) and isinstance(report.get("features"), dict)
    for column in reference.columns:
        entry = report["features"].get(column)
        assert isinstance(entry, dict) and entry.get("kind") == "numeric", column
        values_ref, values_cur = reference[column].tolist(), current[column].tolist()
        _close(entry.get("ks"), _expected_ks(values_ref, values_cur), tol=1e-9)
        _close(entry.get("psi"), _expected_psi(values_ref, values_cur))


@check(id="default-thresholds", kind="core", message="detect_drift must use its default thresholds (PSI 0.2, KS "
       "0.1) and pass its bins on to the PSI: a small shift that only the KS statistic sees is still drift.")
def default_thresholds(sub):
    rng = np.random.default_rng(13)
    reference = pd.DataFrame({"subtle": rng.normal(0.0, 1.0, 3000), "steady": rng.normal(0.0, 1.0, 3000)})
    current = pd.DataFrame({"subtle": rng.normal(0.3, 1.0, 3000), "steady": rng.normal(0.0, 1.0, 3000)})
    expected_drifted = []
    for column in reference.columns:
        ref, cur = reference[column].tolist(), current[column].tolist()
        if _expected_psi(ref, cur) > 0.2 or _expected_ks(ref, cur) > 0.1:
            expected_drifted.append(column)
    assert expected_drifted == ["subtle"] and _expected_psi(reference["subtle"], current["subtle"]) < 0.2
    report = sub.call("detect_drift", reference, current)
    assert isinstance(report, dict) and report.get("drifted") == expected_drifted
    coarse = sub.call("detect_drift", reference, current, bins=4)
    assert isinstance(coarse, dict) and isinstance(coarse.get("features"), dict)
    for column in reference.columns:
        entry = coarse["features"].get(column)
        assert isinstance(entry, dict)
        _close(entry.get("psi"), _expected_psi(reference[column].tolist(), current[column].tolist(), bins=4))


@check(id="empty-bins-epsilon", kind="edge", message="A bin that is empty in one sample must not give an infinite "
       "or missing PSI, nor be skipped: floor each bin's proportion at eps.")
def empty_bins_epsilon(sub):
    rng = np.random.default_rng(6)
    reference = rng.normal(size=1000)
    current = np.full(300, 0.05) + rng.normal(0, 1e-3, 300)
    _close(sub.call("psi", reference, current), _expected_psi(reference, current))
    _close(sub.call("psi", reference, current, eps=1e-3), _expected_psi(reference, current, eps=1e-3))


@check(id="constant-column", kind="edge", message="A constant reference column must not fail: identical data has "
       "PSI and KS 0, a moved constant has a large PSI and a KS of 1.")
def constant_column(sub):
    reference, same, moved = np.full(200, 3.0), np.full(50, 3.0), np.full(50, 4.0)
    assert abs(_number(sub.call("psi", reference, same))) <= 1e-12
    _close(sub.call("psi", reference, moved), _expected_psi(reference, moved))
    assert abs(_number(sub.call("ks_statistic", reference, same))) <= 1e-12
    _close(sub.call("ks_statistic", reference, moved), 1.0)
    report = sub.call("detect_drift", pd.DataFrame({"c": reference}), pd.DataFrame({"c": np.full(200, 4.0)}))
    assert isinstance(report, dict) and report.get("drifted") == ["c"]


@check(id="missing-values", kind="edge", message="Missing values (NaN, None) must be left out of both statistics, "
       "in numeric and categorical columns alike; they are not a category.")
def missing_values(sub):
    rng = np.random.default_rng(7)
    reference, current = rng.normal(size=600), rng.normal(0.3, 1.0, 400)
    ref_gaps, cur_gaps = reference.copy(), current.copy()
    ref_gaps[rng.random(600) < 0.2] = np.nan
    cur_gaps[rng.random(400) < 0.3] = np.nan
    clean_ref, clean_cur = ref_gaps[~np.isnan(ref_gaps)], cur_gaps[~np.isnan(cur_gaps)]
    _close(sub.call("psi", ref_gaps, cur_gaps), _expected_psi(clean_ref, clean_cur))
    _close(sub.call("ks_statistic", ref_gaps, cur_gaps), _expected_ks(clean_ref, clean_cur), tol=1e-9)
    cats_ref = np.array(["a", "b", None, "a", "c", None, "b", "a"], dtype=object)
    cats_cur = np.array(["a", None, None, None, "c", "c"], dtype=object)
    _close(sub.call("psi", cats_ref, cats_cur, categorical=True),
           _expected_psi(cats_ref.tolist(), cats_cur.tolist(), categorical=True))


@check(id="ks-ties", kind="edge", message="With repeated values (ties), the empirical CDF at x must count every "
       "value <= x in each sample.")
def ks_ties(sub):
    rng = np.random.default_rng(8)
    for _ in range(4):
        a = rng.integers(0, 5, int(rng.integers(20, 200))).astype(float)
        b = rng.integers(0, 6, int(rng.integers(20, 200))).astype(float)
        _close(sub.call("ks_statistic", a, b), _expected_ks(a, b), tol=1e-9)


@check(id="categorical-unseen", kind="edge", message="Categorical PSI must cover categories seen in only one "
       "sample (new or vanished categories), with the eps floor.")
def categorical_unseen(sub):
    reference = np.array(["web"] * 60 + ["ios"] * 30 + ["android"] * 10, dtype=object)
    current = np.array(["web"] * 40 + ["ios"] * 35 + ["kiosk"] * 25, dtype=object)
    _close(sub.call("psi", reference, current, categorical=True),
           _expected_psi(reference.tolist(), current.tolist(), categorical=True))


@check(id="random-samples", kind="property", message="On random samples, PSI must be non-negative and 0 for a "
       "sample against itself, and KS must be symmetric, within [0, 1], and match its definition.")
def random_samples(sub):
    values = st.lists(st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 1)), min_size=1, max_size=60)

    @PROPERTY
    @given(values, values)
    def holds(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        assert _number(sub.call("psi", a, b)) >= -1e-12
        assert abs(_number(sub.call("psi", a, a))) <= 1e-12
        ks = _number(sub.call("ks_statistic", a, b))
        assert 0.0 <= ks <= 1.0 and abs(ks - _expected_ks(a, b)) <= 1e-9
        assert abs(ks - _number(sub.call("ks_statistic", b, a))) <= 1e-12

    holds()


@check(id="no-false-alarm", kind="ml", message="With default thresholds, samples from the same distribution must "
       "not be flagged, and a half-standard-deviation shift must be.")
def no_false_alarm(sub):
    rng = np.random.default_rng(9)
    reference = pd.DataFrame({"a": rng.normal(size=4000), "b": rng.exponential(size=4000)})
    same = pd.DataFrame({"a": rng.normal(size=4000), "b": rng.exponential(size=4000)})
    shifted = pd.DataFrame({"a": rng.normal(0.5, 1.0, 4000), "b": rng.exponential(size=4000)})
    quiet = sub.call("detect_drift", reference, same)
    assert isinstance(quiet, dict) and quiet.get("drifted") == []
    loud = sub.call("detect_drift", reference, shifted)
    assert isinstance(loud, dict) and loud.get("drifted") == ["a"]
