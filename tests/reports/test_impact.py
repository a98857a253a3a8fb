"""Adverse impact: rates and ratios equal a hand computation; small groups are suppressed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scipy.stats import fisher_exact

from mlscreen.reports import Design, Identity, StageScore, StageVisit, scoring, selection, simulate
from mlscreen.reports.impact import SMALL_GROUPS

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _visits(group_outcomes: dict[str, tuple[int, int]]) -> tuple[list[StageVisit], list[Identity]]:
    visits, identities, c = [], [], 0
    for sex, (passed, total) in group_outcomes.items():
        for i in range(total):
            visits.append(StageVisit(c, 0, "screen", T0, T0, "passed" if i < passed else "exited"))
            identities.append(Identity(c, sex=sex, race="asian"))
            c += 1
    return visits, identities


def test_impact_ratios_equal_a_hand_computation() -> None:
    visits, identities = _visits({"female": (12, 40), "male": (30, 60), "x": (1, 4)})
    rows = {r.group: r for r in selection(visits, identities) if r.dimension == "sex"}
    assert rows["male"].rate == 0.5 and rows["male"].impact_ratio == 1.0 and rows["male"].p_value is None
    assert rows["female"].rate == pytest.approx(0.3)
    assert rows["female"].impact_ratio == pytest.approx(0.3 / 0.5)
    assert rows["female"].below_four_fifths
    assert rows["female"].p_value == pytest.approx(fisher_exact([[12, 28], [30, 30]]).pvalue)
    assert "x" not in rows  # a small group's name is never shown
    small = rows[SMALL_GROUPS]
    assert small.suppressed and small.selected is None and small.rate is None and small.total == 4


def test_suppressed_group_is_never_the_reference_and_threshold_is_configurable() -> None:
    visits, identities = _visits({"female": (4, 4), "male": (3, 10), "x": (0, 2)})
    rows = {r.group: r for r in selection(visits, identities) if r.dimension == "sex"}
    assert set(rows) == {"male", SMALL_GROUPS} and rows["male"].impact_ratio == 1.0
    assert rows[SMALL_GROUPS].total == 6  # the two small groups together, neither named
    rows = {r.group: r for r in selection(visits, identities, min_group=3) if r.dimension == "sex"}
    assert rows["male"].impact_ratio == pytest.approx(0.3)


def test_open_visits_and_missing_identities() -> None:
    visits, identities = _visits({"female": (5, 10)})
    visits.append(StageVisit(99, 0, "screen", T0))  # still in the stage: not decided, not counted
    visits += [StageVisit(100 + i, 0, "screen", T0, T0, "passed") for i in range(5)]  # no self-identification
    rows = {r.group: r for r in selection(visits, identities) if r.dimension == "sex"}
    assert rows["female"].total == 10
    assert rows["not_said"].rate == 1.0 and rows["not_said"].impact_ratio == 2.0  # reported, never the reference
    intersectional = {r.group for r in selection(visits, identities) if r.dimension == "sex_race"}
    assert intersectional == {"female / asian", "not_said / not_said"}


def test_scoring_rate_is_the_share_above_the_median() -> None:
    identities = [Identity(c, sex="female" if c < 6 else "male") for c in range(12)]
    scores = [StageScore(c, "exercise", float(s)) for c, s in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])]
    rows = {r.group: r for r in scoring(scores, identities) if r.dimension == "sex"}
    assert rows["female"].selected == 0 and rows["male"].selected == 6
    assert rows["female"].impact_ratio == 0.0


def test_simulated_gap_is_found() -> None:
    sim = simulate(Design(candidates=600, pass_rates={"female": 0.35, "male": 0.7}), seed=5)
    screen = {r.group: r for r in selection(sim.visits, sim.identities) if r.stage == "screen" and r.dimension == "sex"}
    assert screen["female"].impact_ratio == pytest.approx(0.5, abs=0.12)
    assert (
        screen["female"].below_four_fifths and screen["female"].p_value is not None and screen["female"].p_value < 0.001
    )
