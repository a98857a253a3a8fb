"""The autograder: sandboxed, warm fork-server pool, hidden tests in the supervisor, rubric mapping."""

from mlscreen.grader.checks import (
    Call,
    CandidateError,
    Check,
    Growth,
    Outcome,
    Submission,
    best_time,
    check,
    load_sibling,
)
from mlscreen.grader.examples import ExampleResult, ExamplesResult
from mlscreen.grader.pool import GraderPool, grade, run_examples
from mlscreen.grader.result import GradeResult, TestResult

__all__ = [
    "Call",
    "CandidateError",
    "Check",
    "ExampleResult",
    "ExamplesResult",
    "GradeResult",
    "GraderPool",
    "Growth",
    "Outcome",
    "Submission",
    "TestResult",
    "best_time",
    "check",
    "grade",
    "load_sibling",
    "run_examples",
]
