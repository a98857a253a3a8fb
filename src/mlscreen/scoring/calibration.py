"""The calibrated model that turns an answer's features into a 0-1 score: fitted with numpy, stored as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mlscreen.errors import UsageError
from mlscreen.scoring.features import FEATURE_NAMES

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
Kind = Literal["ridge", "logistic"]
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Calibration:
    """A linear model on standardised features; `logistic` squashes its output, `ridge` clips it to 0-1."""

    kind: Kind
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    fitted_on: str = ""
    examples_weight: float = 0.0
    examples_prior: float = 0.0

    def examples_blend(self, n: int) -> float:
        """Return how far `n` graded examples move the score toward their estimate: `examples_weight` scaled by
        n / (n + `examples_prior`), so a few examples move it a little and many move it the whole weight."""
        if n <= 0:
            return 0.0
        return self.examples_weight * n / (n + self.examples_prior)

    def predict(self, x: Array) -> Array:
        """Return the 0-1 scores of the rows of `x` (features in `FEATURE_NAMES` order)."""
        index = [FEATURE_NAMES.index(name) for name in self.features]
        z = (x[:, index] - np.array(self.mean)) / np.array(self.scale)
        raw = z @ np.array(self.coef) + self.intercept
        if self.kind == "logistic":
            return np.asarray(1.0 / (1.0 + np.exp(-raw)), dtype=np.float64)
        return np.asarray(np.clip(raw, 0.0, 1.0), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """Return the calibration as a JSON-ready dict."""
        return asdict(self)


def fit(x: Array, y: Array, *, kind: Kind = "ridge", alpha: float = 1.0, fitted_on: str = "") -> Calibration:
    """Return a calibration fitted on features `x` and 0-1 targets `y` (binary labels for `logistic`)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    if kind == "ridge":
        zc = z - z.mean(axis=0)
        coef = np.linalg.solve(zc.T @ zc + alpha * np.eye(z.shape[1]), zc.T @ (y - y.mean()))
        intercept = float(y.mean() - z.mean(axis=0) @ coef)
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=1.0 / alpha, max_iter=1000)
        model.fit(z, y.astype(int))
        coef, intercept = model.coef_[0], float(model.intercept_[0])
    return Calibration(
        kind=kind,
        features=FEATURE_NAMES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in coef),
        intercept=intercept,
        fitted_on=fitted_on,
    )


def save(calibration: Calibration, path: Path) -> None:
    """Write `calibration` to `path` as JSON."""
    path.write_text(json.dumps(calibration.to_json(), indent=2) + "\n", encoding="utf-8")


@cache
def load(path: Path = CALIBRATION_PATH) -> Calibration:
    """Return the calibration stored at `path`; raises `UsageError` if it is missing or malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        calibration = Calibration(
            kind=raw["kind"],
            features=tuple(raw["features"]),
            mean=tuple(float(v) for v in raw["mean"]),
            scale=tuple(float(v) for v in raw["scale"]),
            coef=tuple(float(v) for v in raw["coef"]),
            intercept=float(raw["intercept"]),
            fitted_on=str(raw.get("fitted_on", "")),
            examples_weight=float(raw.get("examples_weight", 0.0)),
            examples_prior=float(raw.get("examples_prior", 0.0)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"cannot read the scoring calibration {path}: {exc}",
            hint="refit it with `mlscreen answers calibrate` (see docs/answer-scoring.md)",
        ) from None
    sizes = {len(calibration.mean), len(calibration.scale), len(calibration.coef)}
    unknown = [f for f in calibration.features if f not in FEATURE_NAMES]
    if calibration.kind not in ("ridge", "logistic") or unknown or sizes != {len(calibration.features)}:
        raise UsageError(f"the scoring calibration {path} does not match this version's features", hint="refit it")
    return calibration
