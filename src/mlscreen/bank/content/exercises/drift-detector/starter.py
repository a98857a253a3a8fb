"""Detect feature drift between a reference sample and current production data."""

import numpy as np
import pandas as pd


def psi(reference, current, *, bins=10, eps=1e-4, categorical=False) -> float:
    """Return the population stability index of `current` against `reference`."""
    raise NotImplementedError


def ks_statistic(reference, current) -> float:
    """Return the two-sample Kolmogorov-Smirnov statistic of two numeric samples."""
    raise NotImplementedError


def detect_drift(reference: pd.DataFrame, current: pd.DataFrame, *, psi_threshold=0.2, ks_threshold=0.1,
                 bins=10) -> dict:
    """Return {"features": {column: {"kind", "psi", "ks", "drifted"}}, "drifted": [columns]}."""
    raise NotImplementedError
