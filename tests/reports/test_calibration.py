"""The calibration report recovers the interviewers' known leniency from simulated histories."""

from __future__ import annotations

import pytest
from scipy.stats import spearmanr

from mlscreen.reports import Design, Rating, Recommendation, calibration, simulate


def test_recovers_leniency_ordering_on_rubric_levels() -> None:
    sim = simulate(Design(candidates=1500, interviewers=6, leniency_sd=0.6, noise_sd=0.5), seed=7)
    report = calibration(sim.ratings, sim.recommendations)
    assert [row.rater for row in report.interviewers] == sorted(sim.leniency, key=lambda r: -sim.leniency[r])
    assert spearmanr(
        [row.offset for row in report.interviewers], [sim.leniency[row.rater] for row in report.interviewers]
    ).statistic == pytest.approx(1.0)
    assert sum(row.offset for row in report.interviewers) == pytest.approx(0.0, abs=1e-9)
    assert all(row.low < row.offset < row.high for row in report.interviewers)
    assert {row.reading for row in report.interviewers} >= {"lenient", "severe"}


def test_stronger_candidates_do_not_make_an_interviewer_lenient() -> None:
    # Interviewer 0 meets only strong candidates, 1 only weak ones; 2 meets everyone. All three are equally lenient.
    ratings = []
    for c in range(40):
        strong = c % 2 == 0
        ability = 1.0 if strong else -1.0
        noise = ((c * 7) % 5 - 2) / 10
        ratings.append(Rating(c, 0 if strong else 1, "panel", "coding", 2.5 + ability + noise))
        ratings.append(Rating(c, 2, "panel", "coding", 2.5 + ability - noise))
    report = calibration(ratings)
    assert all(abs(row.offset) < 0.1 for row in report.interviewers)
    assert all(row.reading == "in line" for row in report.interviewers)


@pytest.mark.slow
def test_intervals_cover_the_truth_in_at_least_90_of_100_simulations() -> None:
    design = Design(candidates=40, interviewers=5, raters_per_candidate=3, rounded=False, categories=("coding",))
    covered = 0
    for seed in range(100):
        sim = simulate(design, seed=seed)
        row = next(r for r in calibration(sim.ratings).interviewers if r.rater == 0)
        covered += row.low <= sim.leniency[0] <= row.high
    assert covered >= 90


def test_panel_disagreement_counts_against_the_rest_of_the_panel() -> None:
    recs = [
        Recommendation(1, 10, "panel", "yes"),
        Recommendation(1, 11, "panel", "strong_yes"),
        Recommendation(1, 12, "panel", "no"),
        Recommendation(2, 10, "panel", "no"),
        Recommendation(2, 11, "panel", "strong_no"),
        Recommendation(2, 12, "panel", "no"),
    ]
    ratings = [Rating(c, r, "panel", "coding", 2 + (c + r) % 3) for c in (1, 2, 3) for r in (10, 11, 12)]
    report = calibration(ratings, recs)
    by_rater = {row.rater: row for row in report.interviewers}
    assert (by_rater[12].disagreements, by_rater[12].panels) == (1, 2)
    assert (by_rater[10].disagreements, by_rater[10].panels) == (0, 1)  # 11 and 12 split on candidate 1: no majority
    assert by_rater[10].distribution == {1: 0, 2: 1, 3: 1, 4: 1}


def test_no_model_without_shared_candidates() -> None:
    report = calibration([Rating(1, 1, "panel", "coding", 3), Rating(2, 2, "panel", "coding", 2)])
    assert report.interviewers == []
    assert report.note is not None


def test_a_category_only_one_interviewer_rates_is_left_out_not_a_crash() -> None:
    # Interviewers 1 and 2 rate candidates 1-4 on coding; interviewer 3 rates only "design", which nobody else
    # rates: the design category is aliased with interviewer 3's offset (the demo's history has such cases).
    ratings = [Rating(c, r, "panel", "coding", 2 + (c + r) % 3) for c in range(1, 5) for r in (1, 2)]
    ratings += [Rating(c, 3, "panel", "design", 3) for c in range(1, 5)]
    report = calibration(ratings)
    assert sorted(row.rater for row in report.interviewers) == [1, 2, 3]
    assert all(row.offset == row.offset for row in report.interviewers)  # finite, not NaN


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_equals_statsmodels_mixedlm(seed: int) -> None:
    import numpy as np
    from statsmodels.regression.mixed_linear_model import MixedLM

    from mlscreen.reports.calibration import _design, fit_offsets

    sim = simulate(Design(candidates=150, rounded=bool(seed % 2)), seed=seed)
    raters, offsets, ses, candidate_var, residual_var, _note = fit_offsets(sim.ratings)
    _raters, exog, endog, groups = _design(sim.ratings)
    theirs = MixedLM(endog, exog, groups).fit(reml=True)
    k = len(raters)
    centre = np.eye(k) - 1 / k
    cov = np.asarray(theirs.cov_params())[:k, :k]
    assert offsets == pytest.approx(list(centre @ np.asarray(theirs.fe_params)[:k]), abs=1e-4)
    assert ses == pytest.approx(list(np.sqrt(np.diag(centre @ cov @ centre.T))), abs=2e-3)
    assert candidate_var == pytest.approx(float(np.asarray(theirs.cov_re)[0, 0]), abs=1e-3)
    assert residual_var == pytest.approx(float(theirs.scale), abs=1e-3)
