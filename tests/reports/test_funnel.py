"""The funnel counts, rates and times in stage."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from mlscreen.reports import Design, StageVisit, funnel, simulate

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_counts_rates_times_and_reasons() -> None:
    visits = [
        StageVisit(1, 0, "screen", T0, T0 + timedelta(days=1), "passed"),
        StageVisit(2, 0, "screen", T0, T0 + timedelta(days=3), "exited", "withdrew"),
        StageVisit(3, 0, "screen", T0, T0 + timedelta(days=2), "exited"),
        StageVisit(4, 0, "screen", T0),
        StageVisit(1, 1, "panel", T0 + timedelta(days=1)),
    ]
    screen, panel = funnel(visits)
    assert (screen.entered, screen.passed, screen.exited, screen.open) == (4, 1, 2, 1)
    assert screen.pass_rate == pytest.approx(1 / 3)
    assert screen.days_median == 2.0
    assert screen.days_p90 == pytest.approx(2.8)
    assert screen.exits_by_reason == {"unspecified": 1, "withdrew": 1}
    assert (panel.stage, panel.entered, panel.pass_rate, panel.days_median) == ("panel", 1, None, None)


def test_simulated_funnel_narrows() -> None:
    stages = funnel(simulate(Design(candidates=300), seed=1).visits)
    assert [s.stage for s in stages] == ["screen", "exercise", "panel", "decision"]
    assert all(a.passed == b.entered for a, b in itertools.pairwise(stages))
