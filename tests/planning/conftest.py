"""Planning fixtures: the packaged rules loaded once, and a planner bound to them and the packaged bank."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlscreen.bank import Bank
from mlscreen.planning import Rules, TeamFacts, TeamPlan, load_rules, plan_team

Planner = Callable[[TeamFacts], TeamPlan]


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="session")
def plan(rules: Rules, bank: Bank) -> Planner:
    """`plan(facts)`: the plan from the packaged rules and bank."""

    def run(team: TeamFacts) -> TeamPlan:
        return plan_team(team, rules=rules, bank=bank)

    return run
