"""Every exercise's reference passes in the sandbox and every must_fail variant fails the tests it names."""

from __future__ import annotations

import pytest

from mlscreen.bank import Bank, Exercise
from mlscreen.grader import GraderPool
from mlscreen.grader.authoring import check_exercise

pytestmark = pytest.mark.sandbox


def test_every_exercise_has_material(bank: Bank) -> None:
    assert "data-cleaning" in {e.id for e in bank.items(Exercise)}


@pytest.mark.parametrize("exercise_id", ["data-cleaning", "debug-classifier", "inference-pipeline"])
def test_reference_passes_and_variants_are_caught(pool: GraderPool, bank: Bank, exercise_id: str) -> None:
    report = check_exercise(pool, bank, exercise_id)
    problems = report.problems + [f"{v.file}: {p}" for v in report.variants for p in v.problems]
    assert report.ok, problems
    assert report.variants[0].status == "passed"
    assert all(v.status != "passed" for v in report.variants[1:])
