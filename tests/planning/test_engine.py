"""Each rule of the packaged rules fires exactly where its boundary says, with its reason and rule id."""

from __future__ import annotations

from typing import Any

import pytest

from mlscreen.planning import TeamPlan
from mlscreen.planning.engine import derive, fill
from tests.planning.conftest import Planner
from tests.planning.factories import facts

SIGNAL_IDS = {
    "signal-many-production-models",
    "signal-slow-deployment",
    "signal-infrastructure-time",
    "signal-monitoring-regressions",
    "signal-second-ml-engineer",
    "signal-third-production-use-case",
}


def warning_ids(plan: TeamPlan) -> set[str]:
    return {w.id for w in plan.warnings}


def signal_ids(plan: TeamPlan) -> set[str]:
    return {s.id for s in plan.mlops.signals}


def hires(plan: TeamPlan) -> dict[str, int]:
    return {w.role: w.count for w in plan.waves}


# ------------------------------------------------------------------------------------------------- org model


@pytest.mark.parametrize(
    ("use_cases", "expected"),
    [(0, "centralized"), (2, "centralized"), (3, "hub_and_spoke"), (10, "hub_and_spoke"), (11, "product_embedded")],
)
def test_org_model_boundaries_with_a_mature_platform_and_several_teams(
    plan: Planner, use_cases: int, expected: str
) -> None:
    result = plan(facts(use_cases=use_cases, product_teams=4, platform_maturity="high"))
    assert result.org.model == expected
    assert result.org.reasons and str(use_cases) in result.org.reasons[0].text
    assert result.org.reasons[0].rule == f"org-{expected.replace('_', '-')}"


@pytest.mark.parametrize("maturity", ["low", "medium", None])
def test_more_than_ten_use_cases_without_a_mature_platform_stays_hub_and_spoke(
    plan: Planner, maturity: str | None
) -> None:
    result = plan(facts(use_cases=11, product_teams=4, platform_maturity=maturity))
    assert result.org.model == "hub_and_spoke"
    (reason,) = result.org.reasons
    assert reason.rule == "org-product-embedded"
    assert "the platform is not mature" in reason.text and "Stay with hub and spoke" in reason.text
    assert "product team(s)" not in reason.text  # only the requirement that failed is named


@pytest.mark.parametrize(
    ("product_teams", "expected"), [(0, "hub_and_spoke"), (1, "hub_and_spoke"), (2, "product_embedded")]
)
def test_product_embedded_needs_several_product_teams(plan: Planner, product_teams: int, expected: str) -> None:
    result = plan(facts(use_cases=15, product_teams=product_teams, platform_maturity="high"))
    assert result.org.model == expected
    if expected == "hub_and_spoke":
        assert f"ML is used by {product_teams} product team(s)" in result.org.reasons[0].text


def test_both_missing_requirements_are_named(plan: Planner) -> None:
    text = plan(facts(use_cases=15, product_teams=1, platform_maturity="low")).org.reasons[0].text
    assert "1 product team(s)" in text and "platform maturity: low" in text


def test_org_advice_carries_trade_offs_and_the_failure_to_watch_for(plan: Planner) -> None:
    watch = {
        use_cases: plan(facts(use_cases=use_cases, product_teams=3, platform_maturity="high")).org.watch_for
        for use_cases in (1, 5, 20)
    }
    assert "service bureau" in watch[1]
    assert "too small" in watch[5]
    assert "Duplicated infrastructure" in watch[20] and "governance" in watch[20]


def test_ownership_splits_the_life_cycle(plan: Planner) -> None:
    owned = {o.team: o.owns for o in plan(facts()).ownership}
    assert "business outcomes" in owned["Product ML teams"]
    assert "monitoring" in owned["ML platform team"] and "guardrails" in owned["ML platform team"]
    assert "data foundation" in owned["Data engineering"]


# ------------------------------------------------------------------------------------------ first MLOps hire


@pytest.mark.parametrize(
    ("below", "at", "signal"),
    [
        ({"production_models": 5}, {"production_models": 6}, "signal-many-production-models"),
        ({"deployment_lead_time_days": 13}, {"deployment_lead_time_days": 14}, "signal-slow-deployment"),
        ({"infra_time_share": 0.5}, {"infra_time_share": 0.51}, "signal-infrastructure-time"),
        ({"monitoring_regressions": 1}, {"monitoring_regressions": 2}, "signal-monitoring-regressions"),
    ],
)
def test_late_signals_fire_at_their_thresholds(
    plan: Planner, below: dict[str, Any], at: dict[str, Any], signal: str
) -> None:
    quiet = plan(facts(**below))
    assert signal_ids(quiet) == set() and quiet.mlops.urgency == "not_yet"
    loud = plan(facts(**at))
    assert signal_ids(loud) == {signal}
    assert loud.mlops.urgency == "late"
    assert loud.mlops.signals[0].reason.text


def test_second_ml_engineer_means_now(plan: Planner) -> None:
    assert plan(facts(headcount={"ml_engineers": 1})).mlops.urgency == "not_yet"
    result = plan(facts(headcount={"ml_engineers": 2}))
    assert signal_ids(result) == {"signal-second-ml-engineer"}
    assert result.mlops.urgency == "now"


def test_third_production_use_case_means_now(plan: Planner) -> None:
    # Use cases in production: the smaller of real use cases and models in production.
    assert plan(facts(use_cases=2, production_models=4)).mlops.urgency == "not_yet"
    assert plan(facts(use_cases=5, production_models=2)).mlops.urgency == "not_yet"
    result = plan(facts(use_cases=3, production_models=3))
    assert signal_ids(result) == {"signal-third-production-use-case"}
    assert result.mlops.urgency == "now"


def test_late_wins_over_now_and_every_fired_signal_is_listed(plan: Planner) -> None:
    result = plan(
        facts(
            use_cases=8,
            production_models=9,
            deployment_lead_time_days=30,
            infra_time_share=0.7,
            monitoring_regressions=4,
            headcount={"ml_engineers": 3},
        )
    )
    assert signal_ids(result) == SIGNAL_IDS
    assert result.mlops.urgency == "late"


def test_unknown_signal_facts_are_reported_not_guessed(plan: Planner) -> None:
    result = plan(facts())
    assert result.mlops.unknown_facts == ["deployment_lead_time_days", "infra_time_share", "monitoring_regressions"]
    assert plan(facts(deployment_lead_time_days=2)).mlops.unknown_facts == [
        "infra_time_share",
        "monitoring_regressions",
    ]
    assert "None of the signals fired" in result.mlops.reason


# -------------------------------------------------------------------------------------------------- ratios


@pytest.mark.parametrize(
    ("stage", "ml_engineers", "data_scientists", "data_engineers", "status"),
    [
        ("early", 2, 1, 1, "ok"),  # 3 roles per data engineer: top of 2-3
        ("early", 2, 0, 1, "ok"),  # 2 per data engineer: bottom of 2-3
        ("early", 3, 3, 1, "too_few"),  # 6 roles want at least 2
        ("early", 1, 0, 2, "too_many"),  # 1 role wants at most 1
        ("growth", 2, 0, 1, "ok"),  # 1:2
        ("growth", 2, 0, 2, "ok"),  # 1:1
        ("growth", 4, 1, 1, "too_few"),  # 5 roles want at least 2
        ("growth", 1, 0, 2, "too_many"),
        ("early", 0, 0, 2, "no_roles"),
        ("late", 9, 9, 0, "no_band"),
    ],
)
def test_data_engineering_ratio_bands(
    plan: Planner, stage: str, ml_engineers: int, data_scientists: int, data_engineers: int, status: str
) -> None:
    roles = {"ml_engineers": ml_engineers, "data_scientists": data_scientists, "data_engineers": data_engineers}
    ratio = plan(facts(stage=stage, headcount=roles)).ratios
    assert ratio.status == status
    assert ratio.flagged == (status in ("too_few", "too_many"))
    assert ratio.reason.rule == "ratio-data-engineering" and ratio.reason.text
    if status == "no_band":
        assert ratio.band is None and "clear interfaces" in ratio.reason.text


def test_too_few_data_engineers_becomes_a_hire_of_the_gap(plan: Planner) -> None:
    result = plan(facts(stage="growth", headcount={"ml_engineers": 4, "data_scientists": 4, "data_engineers": 1}))
    assert result.ratios.expected_data_engineers == {"min": 4, "max": 8}
    assert hires(result)["data_engineer"] == 3


# ------------------------------------------------------------------------------------------- anti-patterns


def test_one_person_owning_the_whole_stack(plan: Planner) -> None:
    result = plan(facts(use_cases=2, headcount={"ml_engineers": 1}))
    assert "warn-one-person-stack" in warning_ids(result)
    assert hires(result)["data_engineer"] == 1  # the first split takes the data foundation off the stack
    assert "warn-one-person-stack" not in warning_ids(plan(facts(headcount={"ml_engineers": 1, "data_engineers": 1})))


def test_data_science_apart_from_engineering(plan: Planner) -> None:
    result = plan(facts(headcount={"data_scientists": 2, "data_engineers": 1}))
    assert "warn-science-apart" in warning_ids(result)
    (wave,) = [w for w in result.waves if w.role == "ml_engineer"]
    assert wave.count == 1 and wave.profile == "ml-engineer"
    assert "warn-science-apart" not in warning_ids(plan(facts(headcount={"data_scientists": 2, "ml_engineers": 1})))


def test_experimentation_over_mlops(plan: Planner) -> None:
    heavy = plan(facts(use_cases=4, headcount={"data_scientists": 4, "ml_engineers": 2}))
    assert "warn-experimentation-over-mlops" in warning_ids(heavy)
    balanced = plan(facts(use_cases=4, headcount={"data_scientists": 3, "ml_engineers": 2, "mlops_engineers": 1}))
    assert "warn-experimentation-over-mlops" not in warning_ids(balanced)


def test_no_goal(plan: Planner) -> None:
    assert "warn-no-goal" in warning_ids(plan(facts(use_cases=0, headcount={"data_scientists": 3})))
    assert "warn-no-goal" not in warning_ids(plan(facts(use_cases=0)))


def test_org_model_failures_are_warned(plan: Planner) -> None:
    assert "warn-hub-without-platform" in warning_ids(plan(facts(use_cases=4)))
    assert "warn-service-bureau" in warning_ids(plan(facts(use_cases=2, product_teams=3)))
    embedded = plan(facts(use_cases=12, product_teams=3, platform_maturity="high"))
    assert "warn-embedded-governance" in warning_ids(embedded)
    small_platform = plan(facts(use_cases=4, production_models=8, headcount={"mlops_engineers": 1}))
    assert "warn-platform-too-small" in warning_ids(small_platform)
    assert hires(small_platform)["mlops_engineer"] == 1


# ------------------------------------------------------------------------------------ leadership and waves


def test_leadership_roles_are_reported_with_what_they_own(plan: Planner) -> None:
    lead = {x.role: x for x in plan(facts(headcount={"head_of_ml": 1})).leadership}
    assert lead["head_of_ml"].present and not lead["ml_product_manager"].present
    assert "strategy, architecture and delivery" in lead["head_of_ml"].owns.lower()
    assert "success metrics" in lead["ml_product_manager"].owns


def test_leaders_are_hired_once_there_is_a_team_or_several_use_cases(plan: Planner) -> None:
    assert {"head_of_ml", "ml_product_manager"}.isdisjoint(hires(plan(facts(headcount={"ml_engineers": 1}))))
    grown = hires(plan(facts(use_cases=3, headcount={"ml_engineers": 1})))
    assert grown["head_of_ml"] == 1 and grown["ml_product_manager"] == 1
    led = hires(plan(facts(use_cases=3, headcount={"ml_engineers": 1, "head_of_ml": 1, "ml_product_managers": 1})))
    assert {"head_of_ml", "ml_product_manager"}.isdisjoint(led)


def test_waves_are_ordered_linked_to_loops_and_ready_for_openings(plan: Planner) -> None:
    result = plan(
        facts(
            use_cases=5,
            production_models=6,
            product_teams=3,
            stage="growth",
            headcount={"ml_engineers": 2, "data_scientists": 3, "data_engineers": 1},
        )
    )
    assert [w.role for w in result.waves] == [
        "mlops_engineer",
        "head_of_ml",
        "data_engineer",
        "ml_product_manager",
        "ml_engineer",
    ]
    assert [w.order for w in result.waves] == [1, 2, 3, 4, 5]
    by_role = {w.role: w for w in result.waves}
    assert by_role["mlops_engineer"].profile == "mlops-engineer"
    assert by_role["mlops_engineer"].loop[0].stage == "recruiter-screen"
    assert by_role["ml_engineer"].count == 1  # three product teams, two ML engineers: one spoke short
    for role in ("head_of_ml", "data_engineer", "ml_product_manager"):
        assert by_role[role].profile is None and by_role[role].loop == []
        note = by_role[role].profile_note
        assert note and "No screening profile" in note
    assert all(w.why for w in result.waves)


def test_two_rules_for_one_role_merge_into_one_wave(plan: Planner) -> None:
    # No ML engineer at all (first ML engineer) and three product teams without a spoke each (spokes).
    result = plan(facts(use_cases=4, product_teams=3, headcount={"data_scientists": 1}))
    (wave,) = [w for w in result.waves if w.role == "ml_engineer"]
    assert wave.count == 3
    assert [r.rule for r in wave.reasons] == ["hire-ml-engineer-first", "hire-ml-engineers-spokes"]
    assert wave.why == " ".join(r.text for r in wave.reasons)
    assert [w.order for w in result.waves] == list(range(1, len(result.waves) + 1))


def test_a_quiet_small_team_gets_no_hire(plan: Planner) -> None:
    result = plan(facts(use_cases=1, headcount={"ml_engineers": 1, "data_engineers": 1, "head_of_ml": 1}))
    assert result.waves == []


def test_texts_show_readable_values() -> None:
    values = derive(facts(deployment_lead_time_days=14.0, infra_time_share=0.55))
    assert fill("{deployment_lead_time_days} days, {infra_time_share_percent}%", values) == "14 days, 55%"
    assert fill("{monitoring_regressions}", values) == "unknown"
