"""`exercise mutants`: grade every mutant of an exercise's reference in the warm pool and report the survivors.

A mutant is killed when at least one hidden test fails on it (or its job ends: timeout, killed, error). A
survivor must be listed under `equivalent_mutants` in the exercise's YAML with the reason it behaves like the
reference; any other survivor is unreviewed. A listed id that is no longer generated is stale. A listed mutant
that a run kills is reported, not an error: a timing check on a busy machine may kill a mutant that only
changes speed.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.grader.mutants import Mutant, generate
from mlscreen.grader.pool import GraderPool
from mlscreen.grader.result import GradeResult

# A mutant's job may take this many times the reference's grading time (at least MIN_WALL_SECONDS) before it
# counts as killed by the time limit: a mutant that loops forever must not hold a worker for the whole limit.
WALL_FACTOR = 4.0
MIN_WALL_SECONDS = 5.0


@dataclass(frozen=True)
class MutantOutcome:
    """How one mutant fared: killed or not, and by which test (or job end)."""

    mutant: Mutant
    killed: bool
    killed_by: str | None


@dataclass
class MutationReport:
    """The mutation run of one exercise."""

    exercise: str
    outcomes: list[MutantOutcome]
    reference_status: str
    equivalent: dict[str, str]
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def generated(self) -> int:
        """Return how many mutants were graded."""
        return len(self.outcomes)

    @property
    def killed(self) -> int:
        """Return how many mutants some hidden test caught."""
        return sum(o.killed for o in self.outcomes)

    @property
    def survivors(self) -> list[MutantOutcome]:
        """Return the mutants no hidden test caught."""
        return [o for o in self.outcomes if not o.killed]

    @property
    def unreviewed(self) -> list[MutantOutcome]:
        """Return the survivors not marked equivalent in the exercise's YAML."""
        return [o for o in self.survivors if o.mutant.id not in self.equivalent]

    @property
    def stale(self) -> list[str]:
        """Return the ids marked equivalent that are no longer generated (the reference changed)."""
        return sorted(set(self.equivalent) - {o.mutant.id for o in self.outcomes})

    @property
    def reviewed_but_killed(self) -> list[str]:
        """Return the ids marked equivalent that this run killed anyway."""
        return sorted(o.mutant.id for o in self.outcomes if o.killed and o.mutant.id in self.equivalent)

    @property
    def score(self) -> float:
        """Return the mutation score: killed / (generated - marked equivalent)."""
        live = self.generated - len(set(self.equivalent) & {o.mutant.id for o in self.survivors})
        return self.killed / live if live else 1.0

    @property
    def ok(self) -> bool:
        """Return whether the reference passes and every survivor is reviewed (and every review still applies)."""
        return not self.problems and not self.unreviewed and not self.stale

    def to_json(self) -> dict[str, object]:
        """Return the report as plain JSON data."""
        return {
            "exercise": self.exercise,
            "generated": self.generated,
            "killed": self.killed,
            "equivalent": len(set(self.equivalent) & {o.mutant.id for o in self.survivors}),
            "score": round(self.score, 4),
            "unreviewed": [_survivor(o.mutant) for o in self.unreviewed],
            "stale": self.stale,
            "reviewed_but_killed": self.reviewed_but_killed,
            "seconds": round(self.seconds, 2),
            "problems": self.problems,
        }


def _survivor(mutant: Mutant) -> dict[str, object]:
    return {"id": mutant.id, "line": mutant.line, "change": mutant.description}


def _killer(result: GradeResult) -> str | None:
    if result.status in ("timeout", "killed", "error"):
        return result.status
    failed = [t.id for t in result.tests if not t.passed]
    return failed[0] if failed else None


def mutate_exercise(pool: GraderPool, bank: Bank, exercise_id: str) -> MutationReport:
    """Return the mutation run of one exercise, graded through `pool`, `pool.workers` mutants at a time.

    While it runs, the pool's wall-clock limit is `WALL_FACTOR` times the reference's grading time.
    Raises `NotFoundError` for an unknown exercise and `ContentError` when its tests do not load.
    """
    started = time.perf_counter()
    exercise = bank.get(exercise_id, Exercise)
    reference = bank.exercise_source(exercise_id, "reference")
    equivalent = {m.id: m.why for m in exercise.equivalent_mutants}
    pool.warm(exercise_id)
    baseline = pool.grade(reference, exercise_id)
    report = MutationReport(exercise_id, [], baseline.status, equivalent, 0.0)
    if baseline.status != "passed":
        report.problems.append(f"the reference must pass every test; status {baseline.status}")
        return report
    mutants = sorted(generate(reference), key=lambda m: (m.line, m.id))

    def grade(mutant: Mutant) -> MutantOutcome:
        killer = _killer(pool.grade(mutant.source, exercise_id, stop_at_failure=True))
        return MutantOutcome(mutant, killer is not None, killer)

    saved = pool.max_wall_seconds
    pool.max_wall_seconds = max(MIN_WALL_SECONDS, WALL_FACTOR * baseline.duration_ms / 1000)
    try:
        with ThreadPoolExecutor(max_workers=pool.workers) as executor:
            report.outcomes = list(executor.map(grade, mutants))
    finally:
        pool.max_wall_seconds = saved
    report.seconds = time.perf_counter() - started
    return report


def mutate_exercises(
    exercise_ids: list[str] | None = None, *, bank: Bank | None = None, isolated: bool = True, workers: int = 2
) -> list[MutationReport]:
    """Return the mutation run of each exercise in `exercise_ids` (all exercises when None), `workers` mutants
    graded at a time. Raises `NotFoundError` for an unknown id and `SandboxUnavailableError` when no sandbox can
    start."""
    bank = bank or load_bank()
    ids = exercise_ids or [e.id for e in bank.items(Exercise)]
    with GraderPool(workers=workers, bank=bank, isolated=isolated, with_signals=False) as pool:
        return [mutate_exercise(pool, bank, exercise_id) for exercise_id in ids]
