"""Inter-rater reliability per stage and rubric category: ICC(2,1) and ICC(2,k) (two-way random effects, absolute
agreement; Shrout and Fleiss) and Krippendorff's alpha for ordinal data, with 95% intervals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlscreen.reports.bands import alpha_band, icc_band
from mlscreen.reports.tables import LEVELS, Rating

BOOTSTRAP = 400
"""Resamples of candidates behind alpha's interval."""


@dataclass(frozen=True)
class Icc:
    """ICC(2,1) and ICC(2,k) with their F-based 95% intervals, over `candidates` rated by `raters` each."""

    icc1: float
    icc1_low: float
    icc1_high: float
    icck: float
    icck_low: float
    icck_high: float
    candidates: int
    raters: int


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's ordinal alpha with a bootstrap 95% interval, over `candidates` with two or more ratings."""

    alpha: float
    low: float
    high: float
    candidates: int


@dataclass(frozen=True)
class CategoryReliability:
    """One stage and rubric category: its figures, their bands and whether it is flagged as unreliable."""

    stage: str
    category: str
    icc: Icc | None
    alpha: Alpha | None
    icc_band: str | None
    alpha_band: str | None
    flagged: bool


def icc(matrix: Any) -> Icc:
    """ICC(2,1) and ICC(2,k) of an n candidates x k raters matrix without gaps (n >= 2, k >= 2)."""
    import numpy as np
    from scipy.stats import f

    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((x - grand) ** 2).sum() - ss_rows - ss_cols
    msb, msj = ss_rows / (n - 1), ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
    icc2k = (msb - mse) / (msb + (msj - mse) / n)
    fj = msj / mse
    vn = (n - 1) * (k - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f2u, f2l = f.ppf(0.975, n - 1, v), f.ppf(0.975, v, n - 1)
    low = n * (msb - f2u * mse) / (f2u * (k * msj + (k * n - k - n) * mse) + n * msb)
    high = n * (f2l * msb - mse) / (k * msj + (k * n - k - n) * mse + n * f2l * msb)
    return Icc(
        icc1=float(icc2),
        icc1_low=float(low),
        icc1_high=float(high),
        icck=float(icc2k),
        icck_low=float(low * k / (1 + low * (k - 1))),
        icck_high=float(high * k / (1 + high * (k - 1))),
        candidates=n,
        raters=k,
    )


def _alpha_from_coincidences(o: Any) -> Any:
    """Ordinal alpha of one coincidence matrix (L x L) or a stack of them (B x L x L)."""
    import numpy as np

    nc = o.sum(axis=-1)
    n = nc.sum(axis=-1)
    cum = np.cumsum(nc, axis=-1)
    lo = np.minimum.outer(np.arange(o.shape[-1]), np.arange(o.shape[-1]))
    hi = np.maximum.outer(np.arange(o.shape[-1]), np.arange(o.shape[-1]))
    between = cum[..., hi] - cum[..., lo] + nc[..., lo]
    delta = (between - (nc[..., :, None] + nc[..., None, :]) / 2) ** 2
    observed = (o * delta).sum(axis=(-2, -1))
    expected = (nc[..., :, None] * nc[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (n - 1) * observed / expected


def ordinal_alpha(units: Sequence[Sequence[int]], *, seed: int = 0) -> Alpha | None:
    """Krippendorff's alpha (ordinal) of the levels given to each candidate; candidates with one rating are not
    pairable and are left out. None when fewer than two candidates remain or all levels are equal."""
    import numpy as np

    unit = np.repeat(np.arange(len(units)), [len(u) for u in units])
    levels = np.fromiter((level for u in units for level in u), dtype=np.int64, count=len(unit))
    return _alpha(_level_counts(unit, levels, len(units)), seed=seed)


def _level_counts(unit: Any, levels: Any, n_units: int) -> Any:
    """Units x levels: how many ratings of each level each unit has."""
    import numpy as np

    flat = np.bincount(unit * len(LEVELS) + (levels - LEVELS[0]), minlength=n_units * len(LEVELS))
    return flat.reshape(n_units, len(LEVELS)).astype(float)


def _alpha(all_counts: Any, *, seed: int) -> Alpha | None:
    import numpy as np

    counts = all_counts[all_counts.sum(axis=1) >= 2]
    if len(counts) < 2:
        return None
    m = counts.sum(axis=1)
    eye = np.eye(len(LEVELS))
    per_unit = (counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * eye) / (m - 1)[:, None, None]
    value = float(_alpha_from_coincidences(per_unit.sum(axis=0)))
    if not np.isfinite(value):
        return None
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(counts), size=(BOOTSTRAP, len(counts)))
    weights = np.stack([np.bincount(row, minlength=len(counts)) for row in draws]).astype(float)
    stacked = (weights @ per_unit.reshape(len(counts), -1)).reshape(BOOTSTRAP, len(LEVELS), len(LEVELS))
    boot = _alpha_from_coincidences(stacked)
    boot = boot[np.isfinite(boot)]
    low, high = np.quantile(boot, [0.025, 0.975]) if len(boot) else (value, value)
    return Alpha(value, float(low), float(high), len(counts))


def _panel(candidate: Any, rater: Any, level: Any) -> Any:
    """Candidates x raters: the most common panel size k (at least 2), each candidate with k or more ratings
    contributing its first k by interviewer (panels rotate, so columns are panel seats, not people)."""
    import numpy as np

    order = np.lexsort((rater, candidate))
    cand, lev = candidate[order], level[order]
    starts = np.flatnonzero(np.r_[True, cand[1:] != cand[:-1]])
    sizes = np.diff(np.r_[starts, len(cand)])
    paired = sizes[sizes >= 2]
    if not len(paired):
        return np.empty((0, 0))
    values, times = np.unique(paired, return_counts=True)
    k = int(values[np.argmax(times)])
    keep = starts[sizes >= k]
    return lev[keep[:, None] + np.arange(k)[None, :]]


def panel_matrix(ratings: Sequence[Rating]) -> list[list[float]]:
    """The candidates x panel seats matrix of one stage and category (see `_panel`)."""
    import numpy as np

    candidate = np.array([r.candidate for r in ratings])
    rater = np.array([r.rater for r in ratings])
    level = np.array([r.level for r in ratings], dtype=float)
    matrix: list[list[float]] = _panel(candidate, rater, level).tolist()
    return matrix


def reliability(ratings: Sequence[Rating]) -> list[CategoryReliability]:
    """Reliability of every stage and category with two or more raters on the same candidates, flagging those
    whose ICC(2,1) is poor (below .5) or whose alpha is below .667."""
    import numpy as np

    cells: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    for r in ratings:
        cells[(r.stage, r.category)].append(r)
    out = []
    for (stage, category), rows in sorted(cells.items()):
        candidate = np.array([r.candidate for r in rows])
        level = np.array([r.level for r in rows], dtype=float)
        matrix = _panel(candidate, np.array([r.rater for r in rows]), level)
        value = icc(matrix) if len(matrix) >= 2 and _varies(matrix) else None
        _ids, unit = np.unique(candidate, return_inverse=True)
        alpha = _alpha(_level_counts(unit, np.rint(level).astype(np.int64), len(_ids)), seed=0)
        if value is None and alpha is None:
            continue
        i_band = icc_band(value.icc1 if value else None)
        a_band = alpha_band(alpha.alpha if alpha else None)
        flagged = i_band == "poor" or a_band == "unreliable"
        out.append(CategoryReliability(stage, category, value, alpha, i_band, a_band, flagged))
    return out


def _varies(matrix: Any) -> bool:
    """ICC is undefined without spread between candidates and within them."""
    import numpy as np

    x = np.asarray(matrix)
    return bool(np.ptp(x.mean(axis=1)) > 0 and (x != x[:, :1]).any())
