"""Rubric mapping: from hidden-test outcomes to proposed rubric levels (advice a person confirms)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlscreen.grader.result import TestResult

# Correctness 4 needs every behaviour test to pass: edge cases, properties on random inputs, and how the code
# behaves (complexity, determinism); only ML soundness (`ml`) is left to its own category.
FULL_CORRECTNESS = ("core", "edge", "property", "behaviour")


def correctness(tests: Sequence[TestResult], *, loaded: bool) -> int:
    """Return the correctness level: 1 does not run, 2 some core tests pass, 3 all core pass, 4 every core, edge,
    property and behaviour test passes."""
    core = [t for t in tests if t.kind == "core"]
    rest = [t for t in tests if t.kind in FULL_CORRECTNESS]
    if not loaded or not any(t.passed for t in core):
        return 1
    if not all(t.passed for t in core):
        return 2
    return 4 if all(t.passed for t in rest) else 3


def from_kinds(tests: Sequence[TestResult], kinds: Sequence[str]) -> int | None:
    """Return a level from the tests of `kinds`: 1 none pass, 2 some pass, 3 all pass; None if there are none.

    Level 4 also needs the candidate to explain their choices, which only an interviewer can judge.
    """
    chosen = [t for t in tests if t.kind in kinds]
    if not chosen:
        return None
    passed = sum(t.passed for t in chosen)
    if passed == len(chosen):
        return 3
    return 2 if passed else 1


def propose(tests: Sequence[TestResult], mapping: Mapping[str, Sequence[str]], *, loaded: bool) -> dict[str, int]:
    """Return proposed levels by rubric category (JSON keys use `_`), from the exercise's `rubric_mapping`.

    `correctness` is always present; other categories are computed from the test kinds they map to.
    """
    levels = {"correctness": correctness(tests, loaded=loaded)}
    for category, kinds in mapping.items():
        key = category.replace("-", "_")
        if key == "correctness":
            continue
        level = 1 if not loaded else from_kinds(tests, kinds)
        if level is not None:
            levels[key] = level
    return levels
