"""The one bridge from jobs to the autograder and answer scoring, imported lazily (they are heavy)."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Sequence
from typing import Any

from mlscreen import settings
from mlscreen.bank import Bank, KnowledgeQuestion
from mlscreen.errors import SandboxUnavailableError

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pool: Any = None


def grader_pool(bank: Bank) -> Any:
    """Return the process-wide warm `GraderPool` (started on first use, sized by MLSCREEN_WORKERS)."""
    global _pool
    with _lock:
        if _pool is None:
            from mlscreen.grader import GraderPool

            _pool = GraderPool(
                workers=max(1, settings.WORKERS.get()),
                bank=bank,
                isolated=settings.SANDBOX.get(),
            )
            # The grader's modules now stay loaded for good: keep full garbage collections (which pause the
            # web requests of this process) from walking them again and again.
            gc.freeze()
        return _pool


def close_grader_pool() -> None:
    """Stop the grader pool's sandboxes, if one was started."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None


def _unconfined_warning(pool: Any) -> None:
    if not pool.isolated:
        log.warning("MLSCREEN_SANDBOX is false: candidate code runs outside the sandbox, unconfined on this host")


def grade(bank: Bank, source: str, exercise_id: str) -> dict[str, Any]:
    """Return the grader's JSON result for `source` against `exercise_id`'s hidden tests."""
    pool = grader_pool(bank)
    _unconfined_warning(pool)
    result: dict[str, Any] = pool.grade(source, exercise_id).to_json()
    return result


def score(question: KnowledgeQuestion, answer: str, examples: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """Return answer scoring's advice for `answer`: covered points with evidence and a suggested level.

    `examples` are other answers to the question that people graded ({"answer", "grade" 0-1}); the advice says
    how many it used (`examples_used`).
    """
    from mlscreen.scoring import score_answer

    variants = {p.text: list(p.variants) for p in question.expected_points if p.variants}
    scored = score_answer(
        answer,
        expected_points=list(question.expected_points),
        question=question.prompt,
        red_flags=list(question.red_flags),
        variants=variants or None,
        examples=examples,
    )
    advice: dict[str, Any] = scored.to_json()
    return advice


def run_examples(bank: Bank, source: str, exercise_id: str) -> dict[str, Any]:
    """Return the grader's JSON result of running `exercise_id`'s visible examples against `source`."""
    pool = grader_pool(bank)
    _unconfined_warning(pool)
    result: dict[str, Any] = pool.run_examples(source, exercise_id).to_json()
    return result


def run_call(bank: Bank, source: str, exercise_id: str, function: str, arguments: str) -> dict[str, Any]:
    """Return the grader's JSON result of calling the submission's `function` with the candidate's own
    `arguments` (Python literals); raises `UsageError` for an unknown function or arguments that are not literals."""
    pool = grader_pool(bank)
    _unconfined_warning(pool)
    result: dict[str, Any] = pool.run_call(source, exercise_id, function=function, arguments=arguments).to_json()
    return result


def check_environment() -> None:
    """Raise `SandboxUnavailableError` when this machine cannot grade submissions safely (no bubblewrap).

    A worker that started anyway would take grading jobs it cannot run; it refuses to start instead, and the
    jobs wait in the queue for a worker that can.
    """
    if not settings.SANDBOX.get():
        return
    from mlscreen.grader.sandbox import bwrap_path

    try:
        bwrap_path()
    except SandboxUnavailableError as exc:
        raise SandboxUnavailableError(
            f"the worker did not start: {exc.message}; grading jobs wait in the queue for a worker that can run them",
            hint=exc.hint,
        ) from None


def run_scratch(bank: Bank, source: str) -> dict[str, Any]:
    """Return the console of running `source` as a whole program in the sandbox (a live room's code pad)."""
    pool = grader_pool(bank)
    _unconfined_warning(pool)
    result: dict[str, Any] = pool.run_scratch(source).to_json()
    return result
