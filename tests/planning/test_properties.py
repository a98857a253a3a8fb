"""Properties of the packaged rules that must hold for every team, checked on generated facts."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlscreen.planning import Rules, TeamFacts, TeamPlan
from mlscreen.planning.facts import HEADCOUNT_ROLES
from mlscreen.planning.rules import URGENCY_ORDER
from tests.planning.conftest import Planner

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
counts = st.integers(min_value=0, max_value=30)
headcounts = st.fixed_dictionaries(
    {},
    optional={role: st.integers(min_value=0, max_value=12) for role in HEADCOUNT_ROLES},
)
team_facts = st.builds(
    lambda data: TeamFacts.model_validate(data),
    st.fixed_dictionaries(
        {
            "use_cases": counts,
            "production_models": counts,
            "product_teams": st.integers(min_value=0, max_value=8),
            "stage": st.sampled_from(["early", "growth", "late"]),
            "headcount": headcounts,
        },
        optional={
            "deployment_lead_time_days": st.floats(min_value=0, max_value=120),
            "infra_time_share": st.floats(min_value=0, max_value=1),
            "monitoring_regressions": st.integers(min_value=0, max_value=10),
            "platform_maturity": st.sampled_from(["low", "medium", "high"]),
        },
    ),
)


def with_changes(team: TeamFacts, **changes: Any) -> TeamFacts:
    data = team.model_dump()
    headcount = changes.pop("headcount", {})
    data.update(changes)
    data["headcount"].update(headcount)
    return TeamFacts.model_validate(data)


@SETTINGS
@given(team=team_facts, more=st.integers(min_value=1, max_value=20))
def test_more_use_cases_never_recommend_a_more_centralized_model(
    plan: Planner, rules: Rules, team: TeamFacts, more: int
) -> None:
    before = plan(team).org.model
    after = plan(with_changes(team, use_cases=team.use_cases + more)).org.model
    assert rules.centralization[after] <= rules.centralization[before]


def _fire(team: TeamFacts, signal: str) -> TeamFacts:
    """Change the facts only in the direction that makes `signal` fire (never lowering any other fact)."""
    h = team.headcount
    if signal == "signal-many-production-models":
        return with_changes(team, production_models=max(team.production_models, 6))
    if signal == "signal-slow-deployment":
        return with_changes(team, deployment_lead_time_days=max(team.deployment_lead_time_days or 0, 14))
    if signal == "signal-infrastructure-time":
        return with_changes(team, infra_time_share=max(team.infra_time_share or 0, 0.75))
    if signal == "signal-monitoring-regressions":
        return with_changes(team, monitoring_regressions=max(team.monitoring_regressions or 0, 2))
    if signal == "signal-second-ml-engineer":
        return with_changes(team, headcount={"ml_engineers": max(h.ml_engineers, 2)})
    return with_changes(team, use_cases=max(team.use_cases, 3), production_models=max(team.production_models, 3))


@SETTINGS
@given(team=team_facts, signal_index=st.integers(min_value=0, max_value=5))
def test_adding_a_fired_signal_never_lowers_urgency(
    plan: Planner, rules: Rules, team: TeamFacts, signal_index: int
) -> None:
    signal = rules.mlops.signals[signal_index]
    before = plan(team).mlops
    after = plan(_fire(team, signal.id)).mlops
    assert signal.id in {s.id for s in after.signals}
    assert URGENCY_ORDER.index(after.urgency) >= URGENCY_ORDER.index(before.urgency)
    assert URGENCY_ORDER.index(after.urgency) >= URGENCY_ORDER.index(signal.urgency)


def _reasons(plan: TeamPlan) -> list[tuple[str, str]]:
    """Return (what, reason text) for every recommendation in the plan."""
    out = [("org", r.text) for r in plan.org.reasons] or [("org", "")]
    out.append(("mlops", plan.mlops.reason))
    out += [(f"signal {s.id}", s.reason.text) for s in plan.mlops.signals]
    out.append(("ratios", plan.ratios.reason.text))
    out += [(f"warning {w.id}", w.reason.text) for w in plan.warnings]
    out += [(f"leadership {x.role}", x.reason.text) for x in plan.leadership]
    out += [(f"wave {w.role}", w.why) for w in plan.waves]
    return out


@SETTINGS
@given(team=team_facts)
def test_every_recommendation_carries_a_reason(plan: Planner, team: TeamFacts) -> None:
    result = plan(team)
    for what, text in _reasons(result):
        assert text.strip(), what
        assert "{" not in text, (what, text)  # every placeholder was filled
    for wave in result.waves:
        assert wave.count >= 1 and wave.reasons
        assert all(r.rule and r.section for r in wave.reasons)
        assert (wave.profile is None) == (wave.loop == [])
