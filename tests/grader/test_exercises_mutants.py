"""Every mutant of every packaged exercise's reference is killed by a hidden test or reviewed as equivalent.

This is what keeps the hidden tests honest: a new survivor (a weakened test, a changed reference) fails here
until a test kills it or the exercise's YAML records why it behaves like the reference. The whole run takes about
three to four minutes on two cores (`mlscreen exercise mutants`, 12 exercises, about 490 mutants).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.grader import GraderPool
from mlscreen.grader.mutants_run import mutate_exercise
from tests.grader.conftest import needs_bwrap

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]
EXERCISE_IDS = [e.id for e in load_bank().items(Exercise)]


@pytest.fixture(scope="module")
def mutation_pool() -> Iterator[GraderPool]:
    needs_bwrap()
    with GraderPool(workers=2, with_signals=False) as pool:
        yield pool


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_every_surviving_mutant_is_reviewed(mutation_pool: GraderPool, bank: Bank, exercise_id: str) -> None:
    report = mutate_exercise(mutation_pool, bank, exercise_id)
    assert report.problems == []
    unreviewed = [f"{o.mutant.id} (line {o.mutant.line}: {o.mutant.description})" for o in report.unreviewed]
    assert unreviewed == [], "kill these mutants with a test, or mark them equivalent in the exercise's YAML"
    assert report.stale == [], "these mutants are marked equivalent but no longer generated: remove them"
    assert report.generated >= 10 and report.killed >= report.generated // 2
