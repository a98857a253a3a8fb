"""Grading material of one exercise: its checks (supervisor side), its harness (sandbox side) and its limits."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.errors import ContentError
from mlscreen.grader.checks import Check, collect
from mlscreen.grader.inside.server import PREIMPORTS
from mlscreen.grader.sandbox import Limits

LIGHT = frozenset({"numpy", "pandas"})
LIGHT_PREIMPORTS = ("numpy", "pandas")


@dataclass(frozen=True)
class GradingSpec:
    """Everything needed to grade submissions to one exercise."""

    exercise: Exercise
    directory: Path
    checks: list[Check]
    harness_source: str | None
    harness_key: str | None
    limits: Limits
    preimports: tuple[str, ...] = PREIMPORTS

    @property
    def id(self) -> str:
        """Return the exercise id."""
        return self.exercise.id


def limits_for(exercise: Exercise, base: Limits | None = None) -> Limits:
    """Return the sandbox limits of `exercise`: the grader's defaults with the exercise's own values applied."""
    limits = base or Limits()
    given = exercise.limits
    changes: dict[str, float | int] = {}
    if given.wall_seconds is not None:
        changes["wall_seconds"] = given.wall_seconds
    if given.cpu_seconds is not None:
        changes["cpu_seconds"] = given.cpu_seconds
    if given.memory_mb is not None:
        changes["memory_mb"] = given.memory_mb
    if given.output_kb is not None:
        changes["output_kb"] = given.output_kb
    return replace(limits, **changes)  # type: ignore[arg-type]


def _load_tests(exercise: Exercise, path: Path) -> list[Check]:
    name = f"mlscreen_exercise_tests_{exercise.id.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ContentError(str(path), None, None, "cannot load the hidden tests", hint="check the file name")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        checks = collect(module)
    except Exception as exc:
        raise ContentError(
            str(path),
            None,
            None,
            f"the hidden tests fail to load ({type(exc).__name__}: {exc})",
            hint="run `mlscreen exercise check` while fixing the file",
        ) from None
    if not checks:
        raise ContentError(str(path), None, None, "defines no checks", hint="decorate test functions with @check(...)")
    return checks


def load_spec(bank: Bank, exercise_id: str) -> GradingSpec:
    """Return the grading material of `exercise_id`.

    Raises `NotFoundError` for an unknown exercise and `ContentError` when its tests do not load.
    """
    exercise = bank.get(exercise_id, Exercise)
    directory = bank.source(exercise_id).path.parent
    checks = _load_tests(exercise, directory / exercise.tests)
    harness = None
    key = None
    if exercise.harness is not None:
        harness = (directory / exercise.harness).read_text(encoding="utf-8")
        key = hashlib.sha256(harness.encode("utf-8")).hexdigest()
    sources = [harness or ""]
    for name in (exercise.reference, exercise.starter):
        path = directory / name if name else None
        if path is not None and path.is_file():
            sources.append(path.read_text(encoding="utf-8"))
    return GradingSpec(exercise, directory, checks, harness, key, limits_for(exercise), preimports_for(sources))


def preimports_for(sources: list[str]) -> tuple[str, ...]:
    """Return what the fork-server should import for an exercise whose reference, starter and harness are `sources`.

    The full set (scikit-learn, scipy, ...) makes every fork and every job's exit slower (the parent has ~2.5x
    the memory mappings); an exercise whose own code needs only the standard library, numpy and pandas gets a
    light fork-server. A submission that imports more still works: that job imports it itself.
    """
    imported: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return PREIMPORTS
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
    tops = {name.split(".")[0] for name in imported}
    if tops <= LIGHT | set(sys.stdlib_module_names):
        return LIGHT_PREIMPORTS
    return PREIMPORTS


class SpecCache:
    """Grading material by exercise id, loaded once per process; thread-safe."""

    def __init__(self, bank: Bank | None = None) -> None:
        self._bank = bank
        self._specs: dict[str, GradingSpec] = {}
        self._lock = threading.Lock()

    @property
    def bank(self) -> Bank:
        """Return the bank exercises come from (the packaged bank plus configured extras by default)."""
        with self._lock:
            if self._bank is None:
                self._bank = load_bank()
            return self._bank

    def get(self, exercise_id: str) -> GradingSpec:
        """Return the grading material of `exercise_id`; raises like `load_spec`."""
        bank = self.bank
        with self._lock:
            spec = self._specs.get(exercise_id)
            if spec is None:
                spec = self._specs[exercise_id] = load_spec(bank, exercise_id)
            return spec
