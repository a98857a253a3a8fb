"""Hidden tests of the fix-feature-pipeline exercise: graded by behaviour; held-out labels never enter the sandbox."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score

from mlscreen.grader import check

PLANS = ["basic", "plus", "pro"]
SMOOTHING, FOLDS = 10.0, 5


def _customers(n, seed, cities=60, noise=False):
    rng = np.random.default_rng(seed)
    age = rng.normal(40, 12, n).round()
    income = rng.lognormal(10.5, 0.5, n).round(-2)
    plan = rng.choice(PLANS, n, p=[0.5, 0.3, 0.2]).astype(object)
    city = np.array([f"city{int(c)}" for c in rng.integers(0, cities, n)], dtype=object)
    effect = np.random.default_rng(1234).normal(0, 1.2, cities)  # the same cities in every sample
    logit = -0.04 * (age - 40) + np.where(plan == "basic", 0.8, -0.6) + effect[[int(c[4:]) for c in city]]
    y = (rng.random(n) < 0.5).astype(int) if noise else (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    age[rng.random(n) < 0.1] = np.nan
    income[rng.random(n) < 0.1] = np.nan
    plan[rng.random(n) < 0.05] = None
    city[rng.random(n) < 0.05] = None
    frame = pd.DataFrame({"age": age, "income": income, "plan": plan, "city": city})
    return frame, y


def _encoding(city, y):
    prior = float(np.mean(y))
    sums, counts = {}, {}
    for c, label in zip(city, y):
        if c is None or (isinstance(c, float) and np.isnan(c)):
            continue
        sums[c] = sums.get(c, 0.0) + label
        counts[c] = counts.get(c, 0) + 1
    return prior, {c: (sums[c] + SMOOTHING * prior) / (counts[c] + SMOOTHING) for c in sums}


def _base(train, frame):
    columns = []
    for name in ("age", "income"):
        median = train[name].median()
        filled = train[name].fillna(median)
        std = filled.std(ddof=0) or 1.0
        columns.append(((frame[name].fillna(median) - filled.mean()) / std).to_numpy(float))
    plans = sorted(train["plan"].dropna().unique())
    columns += [np.array([1.0 if p == plan else 0.0 for p in frame["plan"]]) for plan in plans]
    return np.column_stack(columns)


def _expected_transform(train, y, frame):
    prior, means = _encoding(train["city"], y)
    city = np.array([means.get(c, prior) if isinstance(c, str) else prior for c in frame["city"]])
    return np.column_stack([_base(train, frame), city])


def _expected_fit_transform(train, y):
    fold = np.arange(len(train)) % FOLDS
    city = np.empty(len(train))
    for k in range(FOLDS):
        held = fold == k
        prior, means = _encoding(train["city"][~held], y[~held])
        city[held] = [means.get(c, prior) if isinstance(c, str) else prior for c in train["city"][held]]
    return np.column_stack([_base(train, train), city])


def _matrix(value, rows):
    assert isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == rows
    assert np.all(np.isfinite(value))
    return value


def _transforms(sub, train, y, frames):
    got = sub.harness("fit_then", train, y, frames)
    assert isinstance(got, list) and len(got) == len(frames)
    return [_matrix(m, len(f)) for m, f in zip(got, frames)]


@check(id="serving-features", kind="core", message="transform must build the documented features from statistics "
       "learnt in fit on the training rows only: imputation, scaling, plan columns and city encoding.")
def serving_features(sub):
    train, y = _customers(500, 1)
    test, _ = _customers(120, 2)
    (got,) = _transforms(sub, train, y, [test])
    expected = _expected_transform(train, y, test)
    assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-9)


@check(id="training-features-out-of-fold", kind="core", message="fit_transform must return the training features "
       "with the city encoded out of fold (5 folds by row position), the other columns as transform gives them.")
def training_features_out_of_fold(sub):
    train, y = _customers(400, 3)
    report = sub.harness("fit_transform_then", train, y, [])
    assert isinstance(report, dict)
    got = _matrix(report.get("train"), len(train))
    expected = _expected_fit_transform(train, y)
    assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-9)


@check(id="feature-names", kind="core", message="feature_names must list the numeric columns, one plan=<value> "
       "column per training plan in sorted order, then city_te, matching the feature matrix.")
def feature_names(sub):
    train, y = _customers(200, 4)
    report = sub.harness("fit_transform_then", train, y, [])
    assert isinstance(report, dict)
    assert report.get("names") == ["age", "income", "plan=basic", "plan=plus", "plan=pro", "city_te"]
    assert _matrix(report.get("train"), len(train)).shape[1] == 6


@check(id="shuffled-columns", kind="edge", message="Serving frames may arrive with their columns in another order "
       "and with extra columns: select features by name.")
def shuffled_columns(sub):
    train, y = _customers(300, 5)
    test, _ = _customers(50, 6)
    shuffled = test[["city", "income", "plan", "age"]].assign(channel="web")
    first, second = _transforms(sub, train, y, [test, shuffled])
    assert np.allclose(first, second) and np.allclose(first, _expected_transform(train, y, test), atol=1e-9)


@check(id="unseen-categories", kind="edge", message="Plans and cities never seen in training (or missing) must not "
       "fail or add columns: no plan column is set, and the city gets the training prior.")
def unseen_categories(sub):
    train, y = _customers(300, 7)
    test = pd.DataFrame(
        {
            "age": [30.0, 50.0, 41.0],
            "income": [30_000.0, 52_000.0, 41_000.0],
            "plan": ["enterprise", None, "pro"],
            "city": ["atlantis", "city3", None],
        }
    )
    (got,) = _transforms(sub, train, y, [test])
    expected = _expected_transform(train, y, test)
    assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-9)


@check(id="serving-missing-values", kind="edge", message="Missing numbers at serving time must be filled with the "
       "training medians, even when a whole serving batch is missing them.")
def serving_missing_values(sub):
    train, y = _customers(300, 8)
    test = pd.DataFrame({"age": [np.nan, np.nan], "income": [np.nan, np.nan], "plan": ["basic", "plus"],
                         "city": ["city1", "city2"]})
    (got,) = _transforms(sub, train, y, [test])
    assert np.allclose(got, _expected_transform(train, y, test), atol=1e-9)


@check(id="constant-column", kind="edge", message="A numeric column that is constant in training (standard "
       "deviation 0) must be scaled with 1 instead, never giving infinite or missing features.")
def constant_column(sub):
    train, y = _customers(300, 14)
    train["age"] = np.where(np.isnan(train["age"]), np.nan, 40.0)  # one observed value, and gaps filled with it
    test, _ = _customers(50, 15)
    got = sub.harness("fit_transform_then", train, y, [test])
    assert isinstance(got, dict) and isinstance(got.get("frames"), list) and len(got["frames"]) == 1
    assert np.allclose(_matrix(got.get("train"), len(train)), _expected_fit_transform(train, y), atol=1e-9)
    assert np.allclose(_matrix(got["frames"][0], len(test)), _expected_transform(train, y, test), atol=1e-9)


@check(id="no-plans-seen", kind="edge", message="When training has no plan at all (every plan missing), there are "
       "no plan columns: the features are age, income and city_te.")
def no_plans_seen(sub):
    train, y = _customers(200, 16)
    train["plan"] = None
    test, _ = _customers(30, 17)
    report = sub.harness("fit_transform_then", train, y, [test])
    assert isinstance(report, dict) and report.get("names") == ["age", "income", "city_te"]
    assert np.allclose(_matrix(report.get("train"), len(train)), _expected_fit_transform(train, y), atol=1e-9)
    assert isinstance(report.get("frames"), list) and len(report["frames"]) == 1
    assert np.allclose(_matrix(report["frames"][0], len(test)), _expected_transform(train, y, test), atol=1e-9)


@check(id="single-row-serving", kind="ml", message="A row must get the same features whether it is served alone "
       "or in a batch: nothing may be fitted on serving data (train/serve skew).")
def single_row_serving(sub):
    train, y = _customers(300, 9)
    test, _ = _customers(12, 10)
    frames = [test, *[test.iloc[[i]] for i in range(len(test))]]
    batch, *rows = _transforms(sub, train, y, frames)
    assert all(r.shape == (1, batch.shape[1]) for r in rows)
    assert np.allclose(np.vstack(rows), batch)


@check(id="no-target-leakage", kind="ml", message="On features that carry no signal, the training features must not "
       "predict the training labels: a row's own label must never feed its own target encoding.")
def no_target_leakage(sub):
    train, y = _customers(600, 11, cities=150, noise=True)
    report = sub.harness("fit_transform_then", train, y, [])
    assert isinstance(report, dict)
    features = _matrix(report.get("train"), len(train))
    model = LogisticRegression(max_iter=1000)
    assert cross_val_score(model, features, y, cv=5, scoring="roc_auc").mean() <= 0.6


@check(id="held-out-signal", kind="ml", message="A model trained on the training features must carry over to "
       "held-out rows featurised by transform.")
def held_out_signal(sub):
    train, y = _customers(1500, 12)
    test, y_test = _customers(600, 13)
    report = sub.harness("fit_transform_then", train, y, [test])
    assert isinstance(report, dict)
    features = _matrix(report.get("train"), len(train))
    (served,) = report.get("frames")
    served = _matrix(served, len(test))
    model = LogisticRegression(max_iter=1000).fit(features, y)
    assert roc_auc_score(y_test, model.predict_proba(served)[:, 1]) >= 0.7
