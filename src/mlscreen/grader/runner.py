"""Run an exercise's hidden tests in the supervisor against one submission running in a sandboxed job."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mlscreen.grader.checks import CandidateError, Check, Submission
from mlscreen.grader.exercise import GradingSpec
from mlscreen.grader.result import Status, TestResult
from mlscreen.grader.sandbox import JobEnded, Sandbox

log = logging.getLogger(__name__)
NOT_LOADED = "Not run: the submission failed to import (a syntax error, or an exception at import time)."
NOT_RUN = {
    "timeout": "Not run: the submission exceeded the time limit.",
    "killed": "Not run: the submission exceeded a resource limit (CPU, memory or file size).",
    "too_large": "Not run: the submission returned more output than allowed.",
    "crashed": "Not run: the submission's process ended unexpectedly.",
}
STATUS_OF_END: dict[str, Status] = {"timeout": "timeout", "killed": "killed", "too_large": "killed", "crashed": "error"}


@dataclass(frozen=True)
class Run:
    """Outcomes of one job: per-test results, the verdict, and whether the submission imported."""

    tests: list[TestResult]
    status: Status
    loaded: bool


NOT_NEEDED = "Not run: an earlier test already failed."


def run_checks(sandbox: Sandbox, spec: GradingSpec, source: str, *, stop_at_failure: bool = False) -> Run:
    """Grade `source` against `spec` in a fresh job of `sandbox`; returns the outcomes (never raises for the code).

    With `stop_at_failure` the tests after the first failing one are not run (they count as failed): enough to
    know that a mutant is killed, at a fraction of the cost.
    """
    try:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)
    except JobEnded:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)  # one retry on a fresh sandbox
    results: list[TestResult] = []
    ended: str | None = None
    loaded = False
    try:
        reply = job.request({"op": "load", "source": source})
        loaded = isinstance(reply, dict) and reply.get("op") == "loaded" and reply.get("ok") is True
    except JobEnded as exc:
        ended = exc.reason
    submission = Submission(job, loaded=loaded)
    failed = False
    for check in spec.checks:
        if failed and stop_at_failure and ended is None:
            results.append(TestResult(check.id, check.kind, False, NOT_NEEDED))
        elif ended is not None or not loaded:
            results.append(TestResult(check.id, check.kind, False, NOT_RUN.get(ended or "", NOT_LOADED)))
        else:
            result, ended = _run_check(check, submission, spec.id)
            failed = failed or not result.passed
            results.append(result)
    job.finish(kill=ended is not None)
    if ended is None and job.ended is not None:
        ended = job.ended
    return Run(results, _status(results, loaded, ended), loaded)


def _run_check(check: Check, submission: Submission, spec_id: str) -> tuple[TestResult, str | None]:
    """Run one check against the loaded submission; returns its result and how the job ended (None: still alive)."""
    ended: str | None = None
    try:
        outcome = check.function(submission)
        passed = outcome is None or outcome is True
    except JobEnded as exc:
        ended = exc.reason
        passed = False
    except (AssertionError, CandidateError):
        passed = False
    except Exception:  # a returned value the test's own code could not handle is a failure, not a crash
        log.debug("check %s of %s raised", check.id, spec_id, exc_info=True)
        passed = False
    message = "passed" if passed else check.message
    if ended is not None and not passed:
        message = f"{check.message} ({NOT_RUN[ended].removeprefix('Not run: ')})"
    return TestResult(check.id, check.kind, passed, message), ended


def _status(results: list[TestResult], loaded: bool, ended: str | None) -> Status:
    if ended is not None:
        return STATUS_OF_END.get(ended, "error")
    if not loaded:
        return "error"
    return "passed" if all(t.passed for t in results) else "failed"
