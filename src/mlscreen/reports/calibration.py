"""Interviewer calibration: each interviewer's leniency as an offset with a 95% interval, from a mixed model in
which candidates are random effects (so meeting stronger candidates does not make an interviewer look lenient)."""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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


def fit_offsets(ratings: Sequence[Rating]) -> tuple[list[int], list[float], list[float], float, float, str | None]:
    """Fit level ~ interviewer + category + (1 | candidate) by REML; return the raters, their centred offsets, the
    offsets' standard errors, the candidate and residual variances, and a fitting warning if there was one."""
    import numpy as np
    from statsmodels.regression.mixed_linear_model import MixedLM

    raters = sorted({r.rater for r in ratings})
    categories = sorted({r.category for r in ratings})
    r_index = {r: i for i, r in enumerate(raters)}
    c_index = {c: i for i, c in enumerate(categories)}
    n, k = len(ratings), len(raters)
    exog = np.zeros((n, k + len(categories) - 1))
    rows = np.arange(n)
    exog[rows, [r_index[r.rater] for r in ratings]] = 1.0
    for i, r in enumerate(ratings):
        if c_index[r.category]:
            exog[i, k + c_index[r.category] - 1] = 1.0
    endog = np.array([r.level for r in ratings], dtype=float)
    groups = np.array([r.candidate for r in ratings])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = MixedLM(endog, exog, groups).fit(reml=True)
    note = str(caught[0].message).splitlines()[0] if caught else None
    beta = np.asarray(result.fe_params)[:k]
    cov = np.asarray(result.cov_params())[:k, :k]
    centre = np.eye(k) - np.full((k, k), 1.0 / k)
    offsets = centre @ beta
    se = np.sqrt(np.clip(np.diag(centre @ cov @ centre.T), 0.0, None))
    return raters, offsets.tolist(), se.tolist(), float(np.asarray(result.cov_re)[0, 0]), float(result.scale), note


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
