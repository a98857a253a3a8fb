"""Team facts with sensible defaults for the planning tests."""

from __future__ import annotations

from typing import Any

from mlscreen.planning import TeamFacts, facts_from

BASE: dict[str, Any] = {"use_cases": 1, "production_models": 0, "product_teams": 1, "stage": "early"}


def facts(headcount: dict[str, int] | None = None, **given: Any) -> TeamFacts:
    """Return facts: one use case, nothing in production, one product team, early stage, unless given."""
    return facts_from({**BASE, **given, "headcount": headcount or {}})
