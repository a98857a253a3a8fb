"""Interviewer calibration: each interviewer's leniency as an offset with a 95% interval, from a mixed model in
which candidates are random effects (so meeting stronger candidates does not make an interviewer look lenient)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlscreen.reports.tables import LEVELS, Rating, Recommendation

Z95 = 1.959963984540054
POSITIVE = frozenset({"strong_yes", "yes"})


@dataclass(frozen=True)
class InterviewerCalibration:
    """One interviewer: offset from the average interviewer in rating levels (positive = lenient), its 95%
    interval, how many ratings and candidates it rests on, their level counts and panel disagreement."""

    rater: int
    offset: float
    low: float
    high: float
    ratings: int
    candidates: int
    distribution: dict[int, int]
    reading: str
    disagreements: int
    panels: int
    disagreement_rate: float | None


@dataclass(frozen=True)
class CalibrationReport:
    """The interviewers, most lenient first, and the model's variance components and any fitting warning."""

    interviewers: list[InterviewerCalibration]
    candidate_variance: float | None
    residual_variance: float | None
    observations: int
    note: str | None


def _reading(low: float, high: float) -> str:
    if low > 0:
        return "lenient"
    return "severe" if high < 0 else "in line"


def _design(ratings: Sequence[Rating]) -> tuple[list[int], Any, Any, Any]:
    """The raters, the fixed-effects design (one column per interviewer, then categories but the first), the
    levels, and each rating's candidate as an index."""
    import numpy as np

    rater_ids, rater_col = np.unique(np.array([r.rater for r in ratings]), return_inverse=True)
    _cats, cat_col = np.unique(np.array([r.category for r in ratings]), return_inverse=True)
    k, rows = len(rater_ids), np.arange(len(ratings))
    exog = np.zeros((len(ratings), k + len(_cats) - 1))
    exog[rows, rater_col] = 1.0
    other = cat_col > 0
    exog[rows[other], k + cat_col[other] - 1] = 1.0
    endog = np.array([r.level for r in ratings], dtype=float)
    _, groups = np.unique(np.array([r.candidate for r in ratings]), return_inverse=True)
    raters = [int(r) for r in rater_ids]
    return raters, exog[:, _estimable(exog, k)], endog, groups


def _estimable(exog: Any, k: int) -> list[int]:
    """Return the columns to fit: every interviewer's, and each category's that is not already determined by the
    columns before it. A category rated only by interviewers whose every rating is of that category (a small or
    lopsided organisation) is aliased with them, and a design with it could not be solved; leaving it out changes
    no estimable offset."""
    import numpy as np

    gram = exog.T @ exog
    keep = list(range(k))
    for column in range(k, exog.shape[1]):
        trial = [*keep, column]
        if np.linalg.matrix_rank(gram[np.ix_(trial, trial)]) == len(trial):
            keep = trial
    return keep


@dataclass(frozen=True)
class _Moments:
    """What GLS needs, computed once: X'X, X'y, y'y, per-candidate sizes and means of X and y, and n, p."""

    xtx: Any
    xty: Any
    yty: float
    sizes: Any
    x_means: Any
    y_means: Any
    n: int
    p: int


def _moments(exog: Any, endog: Any, groups: Any) -> _Moments:
    import numpy as np
    from scipy.sparse import csr_matrix

    sizes = np.bincount(groups).astype(float)
    indicator = csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(len(sizes), len(groups)))
    x_means = np.asarray(indicator @ exog) / sizes[:, None]
    y_means = np.asarray(indicator @ endog) / sizes
    n, p = exog.shape
    return _Moments(exog.T @ exog, exog.T @ endog, float(endog @ endog), sizes, x_means, y_means, n, p)


def _gls(log_ratio: float, m: _Moments) -> tuple[float, Any, Any, float]:
    """GLS at a candidate-to-residual variance ratio exp(`log_ratio`), as OLS on rows quasi-demeaned by each
    candidate's theta (here in closed form from the moments); return minus the profiled REML log-likelihood (up
    to a constant), the estimates, (X*'X*)^-1 and the residual sum of squares."""
    import numpy as np

    ratio = float(np.exp(log_ratio))
    theta = 1.0 - 1.0 / np.sqrt(1.0 + m.sizes * ratio)
    w = m.sizes * (2 * theta - theta**2)
    xtx = m.xtx - (m.x_means * w[:, None]).T @ m.x_means
    xty = m.xty - (m.x_means * w[:, None]).T @ m.y_means
    yty = m.yty - float((w * m.y_means**2).sum())
    inverse = np.linalg.inv(xtx)
    beta = inverse @ xty
    rss = max(yty - float(beta @ xty), 1e-300)
    _sign, logdet = np.linalg.slogdet(xtx)
    objective = 0.5 * ((m.n - m.p) * np.log(rss) + np.log1p(m.sizes * ratio).sum() + logdet)
    return float(objective), beta, inverse, rss


def fit_offsets(ratings: Sequence[Rating]) -> tuple[list[int], list[float], list[float], float, float, str | None]:
    """Fit level ~ interviewer + category + (1 | candidate) by REML (profiled over the variance ratio, exact GLS
    for the fixed effects; the same model as statsmodels' MixedLM, fitted in a fraction of its time); return the
    raters, their centred offsets, the offsets' standard errors, the candidate and residual variances, and a
    note when the candidate variance is estimated at zero."""
    import numpy as np
    from scipy.optimize import minimize_scalar

    raters, exog, endog, groups = _design(ratings)
    moments = _moments(exog, endog, groups)
    found = minimize_scalar(lambda v: _gls(v, moments)[0], bounds=(-12.0, 8.0), method="bounded")
    log_ratio = float(found.x)
    _obj, beta, inverse, rss = _gls(log_ratio, moments)
    n, p = exog.shape
    scale = rss / (n - p)
    k = len(raters)
    cov = scale * inverse[:k, :k]
    centre = np.eye(k) - np.full((k, k), 1.0 / k)
    offsets = centre @ beta[:k]
    se = np.sqrt(np.clip(np.diag(centre @ cov @ centre.T), 0.0, None))
    note = (
        "candidates' variance estimated at zero: ratings vary no more between candidates than within"
        if log_ratio < -11.5
        else None
    )
    return raters, offsets.tolist(), se.tolist(), float(np.exp(log_ratio) * scale), float(scale), note


def _disagreements(recommendations: Sequence[Recommendation]) -> dict[int, tuple[int, int]]:
    """Per rater: (scorecards whose yes/no differs from the rest of the panel's majority, scorecards with a panel)."""
    panels: dict[tuple[int, str], list[Recommendation]] = defaultdict(list)
    for rec in recommendations:
        panels[(rec.candidate, rec.stage)].append(rec)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for panel in panels.values():
        for rec in panel:
            others = [o.recommendation in POSITIVE for o in panel if o is not rec]
            yes = sum(others)
            if not others or yes * 2 == len(others):
                continue
            counts[rec.rater][1] += 1
            counts[rec.rater][0] += int((rec.recommendation in POSITIVE) != (yes * 2 > len(others)))
    return {r: (c[0], c[1]) for r, c in counts.items()}


def calibration(ratings: Sequence[Rating], recommendations: Sequence[Recommendation] = ()) -> CalibrationReport:
    """The calibration report; with fewer than two interviewers or no shared candidates there is no model."""
    per_rater: dict[int, list[Rating]] = defaultdict(list)
    for r in ratings:
        per_rater[r.rater].append(r)
    shared = Counter(r.candidate for r in {(x.candidate, x.rater): x for x in ratings}.values())
    if len(per_rater) < 2 or not any(n >= 2 for n in shared.values()):
        return CalibrationReport([], None, None, len(ratings), "needs two interviewers rating the same candidates")
    raters, offsets, ses, cand_var, resid_var, note = fit_offsets(ratings)
    disagree = _disagreements(recommendations)
    rows = []
    for rater, offset, se in zip(raters, offsets, ses, strict=True):
        mine = per_rater[rater]
        dist = Counter(round(r.level) for r in mine)
        bad, panels = disagree.get(rater, (0, 0))
        low, high = offset - Z95 * se, offset + Z95 * se
        rows.append(
            InterviewerCalibration(
                rater=rater,
                offset=offset,
                low=low,
                high=high,
                ratings=len(mine),
                candidates=len({r.candidate for r in mine}),
                distribution={level: dist.get(level, 0) for level in LEVELS},
                reading=_reading(low, high),
                disagreements=bad,
                panels=panels,
                disagreement_rate=bad / panels if panels else None,
            )
        )
    rows.sort(key=lambda row: -row.offset)
    return CalibrationReport(rows, cand_var, resid_var, len(ratings), note)
