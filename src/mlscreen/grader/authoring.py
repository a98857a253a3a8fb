"""`exercise check`: an exercise's reference must pass every hidden test; each must_fail variant must be caught."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.grader.pool import GraderPool
from mlscreen.grader.result import GradeResult


@dataclass
class VariantReport:
    """How one solution file fared: what was expected, what failed, and the problems found."""

    file: str
    expect: str
    failed: list[str]
    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the file behaved as the exercise says it should."""
        return not self.problems


@dataclass
class ExerciseReport:
    """The check of one exercise."""

    exercise: str
    variants: list[VariantReport]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the reference passes and every must_fail variant is caught."""
        return not self.problems and all(v.ok for v in self.variants)


def _failed(result: GradeResult) -> list[str]:
    return [t.id for t in result.tests if not t.passed]


def check_exercise(pool: GraderPool, bank: Bank, exercise_id: str) -> ExerciseReport:
    """Return the check of one exercise, graded through `pool`.

    Raises `NotFoundError` for an unknown exercise and `ContentError` when its tests do not load.
    """
    exercise = bank.get(exercise_id, Exercise)
    directory = bank.source(exercise_id).path.parent
    report = ExerciseReport(exercise_id, [])
    reference = pool.grade((directory / exercise.reference).read_text(encoding="utf-8"), exercise_id)
    known = {t.id for t in reference.tests}
    ref = VariantReport(exercise.reference, "pass", _failed(reference), reference.status)
    if reference.status != "passed":
        ref.problems.append(f"the reference must pass every test; status {reference.status}, failed: {ref.failed}")
    report.variants.append(ref)
    if len(exercise.must_fail) < 3:
        report.problems.append(f"an exercise needs at least 3 must_fail variants, it has {len(exercise.must_fail)}")
    for variant in exercise.must_fail:
        unknown = sorted(set(variant.catches) - known)
        result = pool.grade((directory / variant.file).read_text(encoding="utf-8"), exercise_id)
        entry = VariantReport(variant.file, "fail " + ", ".join(variant.catches), _failed(result), result.status)
        if unknown:
            entry.problems.append(f"catches names unknown tests: {', '.join(unknown)}")
        missed = [c for c in variant.catches if c in known and c not in entry.failed]
        if missed:
            entry.problems.append(f"these tests should fail but passed: {', '.join(missed)}")
        if result.status == "passed":
            entry.problems.append("the variant passed every test")
        report.variants.append(entry)
    return report


def check_exercises(
    exercise_ids: list[str] | None = None, *, bank: Bank | None = None, isolated: bool = True, workers: int = 1
) -> list[ExerciseReport]:
    """Return the check of each exercise in `exercise_ids` (all exercises when None).

    Raises `NotFoundError` for an unknown id and `SandboxUnavailableError` when no sandbox can start.
    """
    bank = bank or load_bank()
    ids = exercise_ids or [e.id for e in bank.items(Exercise)]
    with GraderPool(workers=workers, bank=bank, isolated=isolated, with_signals=False) as pool:
        return [check_exercise(pool, bank, exercise_id) for exercise_id in ids]
