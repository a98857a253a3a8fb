"""Similarity among a folder of submissions to one exercise, and with the exercise's own solutions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscreen.bank import Bank, Exercise
from mlscreen.errors import UsageError
from mlscreen.grader.submission import read_submission
from mlscreen.integrity.calibration import threshold_of
from mlscreen.integrity.similarity import Pair, boilerplate, compare, similar_pairs

REFERENCE = "reference"
"""How a match with the exercise's reference solution names it."""
MUST_FAIL = "must-fail:"
"""How a match with one of the exercise's must-fail variants names it (followed by the file)."""


@dataclass(frozen=True)
class FolderReport:
    """Ranked similar pairs of a folder, the threshold used, and submissions that resemble the exercise's own code."""

    exercise: str
    threshold: float
    inherently_similar: bool
    calibrated: bool
    pairs: list[Pair]
    known: list[Pair]

    def to_json(self) -> dict[str, Any]:
        """Return the report as `mlscreen similarity --json` prints it."""
        return {
            "exercise": self.exercise,
            "threshold": self.threshold,
            "calibrated": self.calibrated,
            "inherently_similar": self.inherently_similar,
            "pairs": [p.to_json() for p in self.pairs],
            "known": [p.to_json() for p in self.known],
        }


def starter_of(bank: Bank, exercise_id: str) -> str:
    """Return the exercise's starter code; raises `NotFoundError` for an unknown exercise."""
    exercise = bank.get(exercise_id, Exercise)
    return bank.sidecar(exercise_id, exercise.starter).read_text(encoding="utf-8")


def known_solutions(bank: Bank, exercise_id: str) -> dict[str, str]:
    """Return the exercise's reference and must-fail variants by the names matches give them."""
    exercise = bank.get(exercise_id, Exercise)
    known = {REFERENCE: bank.sidecar(exercise_id, exercise.reference).read_text(encoding="utf-8")}
    for variant in exercise.must_fail:
        known[MUST_FAIL + variant.file] = bank.sidecar(exercise_id, variant.file).read_text(encoding="utf-8")
    return known


def closest_known(name: str, source: str, known: dict[str, str], *, starter: str, threshold: float) -> Pair | None:
    """Return the exercise's own solution most similar to `source`, when at least `threshold` similar."""
    ignore = boilerplate(starter)
    best = max(
        (compare(source, code, ignore=ignore, names=(name, label)) for label, code in known.items()),
        key=lambda p: p.similarity,
        default=None,
    )
    return best if best is not None and best.similarity >= max(threshold, 1e-9) else None


def read_folder(directory: Path) -> dict[str, str]:
    """Return every `.py` file under `directory` by its path relative to it.

    Raises `UsageError` when the directory is missing or holds no `.py` file, or a file is unreadable, not UTF-8
    or too large.
    """
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory", hint="give a directory of .py submissions")
    files = sorted(p for p in directory.rglob("*.py") if p.is_file())
    if not files:
        raise UsageError(f"{directory} holds no .py file", hint="give a directory of .py submissions")
    return {p.relative_to(directory).as_posix(): read_submission(p) for p in files}


def compare_folder(directory: Path, *, exercise_id: str, bank: Bank, threshold: float | None = None) -> FolderReport:
    """Return the pairs of submissions in `directory` at least `threshold` similar (the exercise's own by default).

    Raises `NotFoundError` for an unknown exercise and `UsageError` for a bad folder or threshold.
    """
    if threshold is not None and not 0 <= threshold <= 1:
        raise UsageError(f"--threshold must be between 0 and 1, not {threshold}", hint="for example --threshold 0.5")
    starter = starter_of(bank, exercise_id)
    stored = threshold_of(exercise_id)
    chosen = stored.threshold if threshold is None else threshold
    sources = read_folder(directory)
    known = known_solutions(bank, exercise_id)
    matched = [closest_known(n, s, known, starter=starter, threshold=chosen) for n, s in sources.items()]
    return FolderReport(
        exercise=exercise_id,
        threshold=chosen,
        inherently_similar=stored.inherently_similar,
        calibrated=stored.calibrated,
        pairs=similar_pairs(sources, threshold=chosen, starter=starter),
        known=sorted((p for p in matched if p is not None), key=lambda p: (-p.similarity, p.a)),
    )
