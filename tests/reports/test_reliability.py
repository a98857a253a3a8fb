"""Reliability figures equal pingouin's ICC and the krippendorff package's alpha on the same simulated tables."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest

from mlscreen.reports import Design, Rating, icc, ordinal_alpha, reliability, simulate
from mlscreen.reports.bands import alpha_band, icc_band
from mlscreen.reports.reliability import panel_matrix


# pingouin 0.7 calls a pandas method pandas 3.1 deprecates; the warning is theirs.
@pytest.mark.filterwarnings("ignore:The inplace keyword")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc_equals_pingouin(seed: int) -> None:
    sim = simulate(Design(candidates=200, noise_sd=0.4 + 0.2 * seed), seed=seed)
    matrix = np.array(panel_matrix([r for r in sim.ratings if r.category == "coding"]))
    n, k = matrix.shape
    long = pd.DataFrame([(i, j, matrix[i, j]) for i in range(n) for j in range(k)], columns=["c", "r", "y"])
    theirs = pingouin.intraclass_corr(long, targets="c", raters="r", ratings="y").set_index("Type")
    ours = icc(matrix)
    assert ours.icc1 == pytest.approx(theirs.at["ICC(A,1)", "ICC"], abs=1e-9)
    assert ours.icck == pytest.approx(theirs.at["ICC(A,k)", "ICC"], abs=1e-9)
    # pingouin rounds its intervals to two decimals.
    assert [ours.icc1_low, ours.icc1_high] == pytest.approx(list(theirs.at["ICC(A,1)", "CI95"]), abs=0.006)
    assert [ours.icck_low, ours.icck_high] == pytest.approx(list(theirs.at["ICC(A,k)", "CI95"]), abs=0.006)
    assert (ours.candidates, ours.raters) == (n, k)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_equals_krippendorff(seed: int) -> None:
    sim = simulate(Design(candidates=200, raters_per_candidate=2 + seed % 2), seed=seed)
    rows = [r for r in sim.ratings if r.category == "ml_depth"]
    candidates = sorted({r.candidate for r in rows})
    raters = sorted({r.rater for r in rows})
    data = np.full((len(raters), len(candidates)), np.nan)
    units: dict[int, list[int]] = {}
    for r in rows:
        data[raters.index(r.rater), candidates.index(r.candidate)] = r.level
        units.setdefault(r.candidate, []).append(int(r.level))
    ours = ordinal_alpha(list(units.values()))
    assert ours is not None
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4])
    assert ours.alpha == pytest.approx(expected, abs=1e-9)
    assert ours.low < ours.alpha < ours.high
    assert ours.candidates == len(candidates)


def test_unpaired_ratings_and_constant_ratings_give_no_figure() -> None:
    assert ordinal_alpha([[3], [2], [4]]) is None
    assert ordinal_alpha([[3, 3], [3, 3]]) is None
    same = [Rating(c, r, "panel", "coding", 3) for c in range(5) for r in range(2)]
    assert reliability(same) == []


def test_reliable_and_unreliable_categories_are_told_apart() -> None:
    careful = simulate(Design(candidates=300, leniency_sd=0.05, noise_sd=0.15), seed=4)
    careless = simulate(Design(candidates=300, leniency_sd=0.8, noise_sd=1.2), seed=4)
    good = reliability(careful.ratings)
    bad = reliability(careless.ratings)
    assert good and bad
    assert not any(row.flagged for row in good)
    assert all(row.flagged for row in bad)
    assert all(row.icc is not None and row.icc.icck > row.icc.icc1 for row in good)


@pytest.mark.parametrize(
    ("value", "band"), [(0.49, "poor"), (0.5, "moderate"), (0.75, "good"), (0.9, "excellent"), (None, None)]
)
def test_icc_bands(value: float | None, band: str | None) -> None:
    assert icc_band(value) == band


@pytest.mark.parametrize(
    ("value", "band"), [(0.666, "unreliable"), (0.667, "tentative"), (0.8, "reliable"), (None, None)]
)
def test_alpha_bands(value: float | None, band: str | None) -> None:
    assert alpha_band(value) == band
