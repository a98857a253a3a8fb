"""The team planner: advice on ML org structure and the next hires, from rules kept as data."""

from mlscreen.planning.engine import plan_team
from mlscreen.planning.facts import Headcount, TeamFacts, facts_from, load_facts
from mlscreen.planning.plan import TeamPlan, Wave
from mlscreen.planning.rules import Rules, RulesError, load_rules

__all__ = [
    "Headcount",
    "Rules",
    "RulesError",
    "TeamFacts",
    "TeamPlan",
    "Wave",
    "facts_from",
    "load_facts",
    "load_rules",
    "plan_team",
]
