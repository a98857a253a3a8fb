"""The public grading API: `grade()` for one submission and `GraderPool`, a warm, thread-safe pool for services."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from types import TracebackType

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.grader import rubric, signals
from mlscreen.grader.custom_call import CallResult, check_function, parse_arguments, run_call_in
from mlscreen.grader.examples import STDOUT_KB, ExamplesResult, run_examples_in
from mlscreen.grader.exercise import GradingSpec, SpecCache
from mlscreen.grader.inside.server import PREIMPORTS
from mlscreen.grader.result import GradeResult
from mlscreen.grader.runner import run_checks
from mlscreen.grader.sandbox import Sandbox, bwrap_path
from mlscreen.grader.scratch import ScratchResult, run_scratch_in
from mlscreen.grader.submission import MAX_SOURCE_BYTES, validate_source

__all__ = ["MAX_SOURCE_BYTES", "GraderPool", "grade", "validate_source"]


class GraderPool:
    """Warm sandboxes that grade submissions; `grade` may be called from several threads at once.

    Each sandbox runs one job at a time, and at most `workers` submissions are graded in parallel.
    Sandboxes are kept per import set (`GradingSpec.preimports`): an exercise that needs only numpy and pandas
    runs in a light fork-server, whose forks are cheaper, and up to `workers` sandboxes exist per import set.
    `max_wall_seconds` caps every exercise's wall-clock (and CPU) limit.
    `isolated=False` runs without bubblewrap: only for authors checking their own reference solutions.
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        bank: Bank | None = None,
        isolated: bool = True,
        with_signals: bool = True,
        max_wall_seconds: float | None = None,
    ) -> None:
        if workers < 1:
            raise UsageError("workers must be at least 1", hint="pass --workers 1 or more")
        if isolated:
            bwrap_path()
        self.isolated = isolated
        self.with_signals = with_signals
        self.max_wall_seconds = max_wall_seconds
        self.workers = workers
        self._specs = SpecCache(bank)
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: dict[tuple[str, ...], list[Sandbox]] = {}
        self._all: list[Sandbox] = []
        self._signals = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlscreen-signals")
        self._closed = False
        self._lock = threading.Lock()

    def spec(self, exercise_id: str) -> GradingSpec:
        """Return the grading material of `exercise_id`; raises `NotFoundError` for an unknown exercise."""
        return self._specs.get(exercise_id)

    def warm(self, exercise_id: str | None = None) -> None:
        """Start `workers` sandboxes now (in parallel) rather than on first use: those `exercise_id` runs in, or
        by default those with every library pre-imported. Raises `NotFoundError` for an unknown exercise."""
        preimports = self._specs.get(exercise_id).preimports if exercise_id is not None else PREIMPORTS
        with self._lock:
            idle = self._idle.setdefault(preimports, [])
            while sum(s.preimports == preimports for s in self._all) < self.workers:
                sandbox = Sandbox(isolated=self.isolated, preimports=preimports)
                self._all.append(sandbox)
                idle.append(sandbox)
            boxes = [s for s in self._all if s.preimports == preimports]
        threads = [threading.Thread(target=s.ensure_started) for s in boxes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _take(self, preimports: tuple[str, ...]) -> Sandbox:
        with self._lock:
            if self._closed:
                raise UsageError("the grader pool is closed", hint="create a new GraderPool")
            idle = self._idle.setdefault(preimports, [])
            if idle:
                return idle.pop()
            sandbox = Sandbox(isolated=self.isolated, preimports=preimports)
            self._all.append(sandbox)
            return sandbox

    def _give_back(self, sandbox: Sandbox) -> None:
        with self._lock:
            if self._closed:
                sandbox.close()
            else:
                self._idle.setdefault(sandbox.preimports, []).append(sandbox)

    def grade(self, source: str, exercise_id: str, *, stop_at_failure: bool = False) -> GradeResult:
        """Grade `source` against the hidden tests of `exercise_id`; returns the result whatever the verdict.

        `stop_at_failure` skips the tests after the first failing one (they count as failed), for mutation runs.

        Raises `NotFoundError` for an unknown exercise, `UsageError` for unacceptable source or a closed pool,
        and `SandboxUnavailableError` when no sandbox can start.
        """
        started = time.perf_counter()
        spec = self._checked_spec(source, exercise_id)
        # The advisory signals (ruff runs as a subprocess) are computed while the sandbox runs the checks.
        pending = self._signals.submit(signals.cached, source) if self.with_signals else None
        with self._slots:
            sandbox = self._take(spec.preimports)
            try:
                run = run_checks(sandbox, spec, source, stop_at_failure=stop_at_failure)
            finally:
                self._give_back(sandbox)
        levels = rubric.propose(run.tests, spec.exercise.rubric_mapping, loaded=run.loaded)
        found = dict(pending.result()) if pending is not None else {}
        found["sandboxed"] = self.isolated
        return GradeResult(
            exercise=spec.id,
            status=run.status,
            tests=run.tests,
            rubric=levels,
            signals=found,
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def run_examples(self, source: str, exercise_id: str, *, stdout_kb: int = STDOUT_KB) -> ExamplesResult:
        """Run the visible examples of `exercise_id` against `source` in the sandbox; returns, per example, what the
        submission gave and whether it matches the example's expected text, plus its first `stdout_kb` KB of prints.

        Advisory feedback for the candidate: no hidden test runs and nothing of them is returned. Same sandboxes,
        limits and parallelism bound as `grade`; thread-safe. Raises like `grade` (`UsageError` also for a
        `stdout_kb` outside 0-1024).
        """
        if not 0 <= stdout_kb <= 1024:
            raise UsageError(f"stdout_kb must be between 0 and 1024, not {stdout_kb}", hint="keep the default, 16")
        spec = self._checked_spec(source, exercise_id)
        with self._slots:
            sandbox = self._take(spec.preimports)
            try:
                return run_examples_in(sandbox, spec, source, stdout_kb=stdout_kb)
            finally:
                self._give_back(sandbox)

    def run_call(
        self, source: str, exercise_id: str, *, function: str, arguments: str, stdout_kb: int = STDOUT_KB
    ) -> CallResult:
        """Call the submission's `function` (an entry point of `exercise_id`) with the candidate's own `arguments`
        (Python literals as in a call, parsed here with `ast.literal_eval`) in the sandbox; return what it gave
        and printed. Advisory, like `run_examples`. Raises `UsageError` for an unknown function or arguments that
        are not literals, and like `grade` otherwise."""
        spec = self._checked_spec(source, exercise_id)
        check_function(spec, function)
        args, kwargs = parse_arguments(arguments)
        with self._slots:
            sandbox = self._take(spec.preimports)
            try:
                return run_call_in(
                    sandbox, spec, source, function=function, args=args, kwargs=kwargs, stdout_kb=stdout_kb
                )
            finally:
                self._give_back(sandbox)

    def run_scratch(self, source: str) -> ScratchResult:
        """Run `source` as a whole program in the sandbox (a live room's code pad); returns its console output.

        Same sandboxes and parallelism bound as `grade`, with the scratch limits (`grader.scratch`); thread-safe.
        Raises `UsageError` for unacceptable source or a closed pool.
        """
        validate_source(source)
        if self._closed:
            raise UsageError("the grader pool is closed", hint="create a new GraderPool")
        with self._slots:
            sandbox = self._take(PREIMPORTS)
            try:
                return run_scratch_in(sandbox, source)
            finally:
                self._give_back(sandbox)

    def _checked_spec(self, source: str, exercise_id: str) -> GradingSpec:
        validate_source(source)
        spec = self._specs.get(exercise_id)
        if self.max_wall_seconds is not None and spec.limits.wall_seconds > self.max_wall_seconds:
            wall = self.max_wall_seconds
            spec = replace(spec, limits=replace(spec.limits, wall_seconds=wall, cpu_seconds=max(1, int(wall))))
        if self._closed:
            raise UsageError("the grader pool is closed", hint="create a new GraderPool")
        return spec

    def close(self) -> None:
        """Stop every sandbox; the pool cannot grade afterwards."""
        with self._lock:
            self._closed = True
            for sandbox in self._all:
                sandbox.close()
            self._signals.shutdown(wait=True)

    def __enter__(self) -> GraderPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def grade(
    source: str,
    exercise_id: str,
    *,
    bank: Bank | None = None,
    isolated: bool = True,
    with_signals: bool = True,
) -> GradeResult:
    """Grade one submission in a sandbox started for it; returns the result whatever the verdict.

    Services grading many submissions should keep a `GraderPool` instead. Raises like `GraderPool.grade`.
    """
    with _one_shot_pool(exercise_id, bank=bank, isolated=isolated, with_signals=with_signals) as pool:
        return pool.grade(source, exercise_id)


def run_examples(
    source: str,
    exercise_id: str,
    *,
    bank: Bank | None = None,
    isolated: bool = True,
    stdout_kb: int = STDOUT_KB,
) -> ExamplesResult:
    """Run the visible examples of `exercise_id` against `source` in a sandbox started for it; returns the result
    whatever the submission does. Services should keep a `GraderPool`. Raises like `GraderPool.grade`."""
    with _one_shot_pool(exercise_id, bank=bank, isolated=isolated, with_signals=False) as pool:
        return pool.run_examples(source, exercise_id, stdout_kb=stdout_kb)


def _one_shot_pool(exercise_id: str, *, bank: Bank | None, isolated: bool, with_signals: bool) -> GraderPool:
    """A one-worker pool, once `exercise_id` is known to exist: a mistyped id is the caller's error to report,
    whatever the machine lacks (raises `NotFoundError` before `SandboxUnavailableError`)."""
    specs = SpecCache(bank)
    specs.get(exercise_id)
    return GraderPool(workers=1, bank=specs.bank, isolated=isolated, with_signals=with_signals)
