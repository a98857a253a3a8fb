"""The calibrated model: fitting, JSON round trip, refusing malformed files, the shipped file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from mlscreen.errors import UsageError
from mlscreen.scoring import calibration
from mlscreen.scoring.examples import fit_prior
from mlscreen.scoring.features import FEATURE_NAMES


def _data(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((n, len(FEATURE_NAMES)))
    y = np.clip(0.8 * x[:, 0] + 0.1 * rng.random(n), 0, 1)
    return x, y


def test_ridge_learns_the_signal_and_round_trips_through_json(tmp_path: Path) -> None:
    x, y = _data()
    model = calibration.fit(x, y, kind="ridge", fitted_on="synthetic")
    pred = model.predict(x)
    assert np.corrcoef(pred, y)[0, 1] > 0.9
    assert pred.min() >= 0.0 and pred.max() <= 1.0
    path = tmp_path / "cal.json"
    calibration.save(model, path)
    again = calibration.load(path)
    assert again == model
    assert np.allclose(again.predict(x), pred)


def test_logistic_gives_probabilities() -> None:
    x, y = _data()
    model = calibration.fit(x, (y > 0.5).astype(float), kind="logistic")
    prob = model.predict(x)
    assert ((prob > 0.5) == (y > 0.5)).mean() > 0.8


def test_malformed_calibration_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"kind": "ridge", "features": ["nope"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0})
    )
    with pytest.raises(UsageError, match="does not match"):
        calibration.load(path)
    with pytest.raises(UsageError, match="cannot read"):
        calibration.load(tmp_path / "missing.json")


def test_the_shipped_calibration_loads_and_is_not_pickle() -> None:
    shipped = calibration.load()
    assert shipped.features == FEATURE_NAMES
    assert shipped.fitted_on
    json.loads(calibration.CALIBRATION_PATH.read_text(encoding="utf-8"))


def test_a_few_graded_examples_pull_less_than_many() -> None:
    x, y = _data()
    model = dataclasses.replace(calibration.fit(x, y), examples_weight=0.6, examples_prior=10.0)
    assert model.examples_blend(0) == 0.0
    assert model.examples_blend(10) == pytest.approx(0.3)
    assert model.examples_blend(1) < model.examples_blend(3) < model.examples_blend(100) < 0.6
    shipped = calibration.load()
    assert shipped.examples_prior > 0 and shipped.examples_blend(1) < shipped.examples_blend(50)


def test_the_prior_is_fitted_to_how_much_examples_say_at_each_count() -> None:
    rng = np.random.default_rng(1)
    grades = rng.random(2000)
    base = np.full(2000, 0.5)
    weight, prior = 0.8, 5.0
    # The estimate from n examples is right with the share of the pull that weight * n / (n + prior) gives.
    estimates = {}
    for n in (1, 3, 10, 30):
        share = weight * n / (n + prior)
        estimates[n] = base + (grades - base) / share
    assert fit_prior(base, estimates, grades, weight) == prior
    assert fit_prior(base, {n: grades for n in (1, 3)}, grades, 1.0) == 0.0  # perfect estimates: no shrinkage
