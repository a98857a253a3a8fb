"""Rubric mapping: correctness 4 needs every core, edge, property and behaviour test to pass."""

from __future__ import annotations

import pytest

from mlscreen.grader.result import TestResult
from mlscreen.grader.rubric import correctness, propose


def _tests(failing: str | None) -> list[TestResult]:
    kinds = ["core", "core", "edge", "property", "behaviour", "ml"]
    return [TestResult(f"t{i}", kind, kind != failing, "m") for i, kind in enumerate(kinds)]


@pytest.mark.parametrize(("failing", "level"), [(None, 4), ("edge", 3), ("property", 3), ("behaviour", 3), ("ml", 4)])
def test_correctness_four_needs_every_behaviour_test(failing: str | None, level: int) -> None:
    assert correctness(_tests(failing), loaded=True) == level


def test_a_wrong_property_caps_correctness_but_not_other_categories() -> None:
    levels = propose(_tests("property"), {"ml-awareness": ["ml"], "problem-solving": ["property"]}, loaded=True)
    assert levels == {"correctness": 3, "ml_awareness": 3, "problem_solving": 1}
    some_core = [TestResult("c1", "core", True, "m"), TestResult("c2", "core", False, "m")]
    assert correctness(some_core, loaded=True) == 2
    assert correctness(_tests("core"), loaded=True) == 1
    assert correctness(_tests(None), loaded=False) == 1
