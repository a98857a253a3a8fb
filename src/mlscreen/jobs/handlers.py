"""Job handlers: grade a submission, score written answers, build a candidate report."""

from __future__ import annotations

from functools import cache
from typing import Any

from mlscreen.bank import Bank, KnowledgeQuestion, load_bank
from mlscreen.errors import MlscreenError, NotFoundError, SandboxUnavailableError
from mlscreen.jobs import adapters
from mlscreen.jobs.queue import Handler, WorkerUnfit
from mlscreen.store.db import Database
from mlscreen.store.models import Candidate, Submission, WrittenAnswer, utcnow
from mlscreen.store.packet import build_packet


@cache
def default_bank() -> Bank:
    """Return the bank jobs use (loaded once per process)."""
    return load_bank()


def grade_submission(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Grade a stored submission and save the grader's result on it; returns a summary."""
    with db.session() as s:
        sub = s.get(Submission, int(payload["submission_id"]))
        if sub is None:
            raise NotFoundError(f"submission {payload['submission_id']} is gone")
        source, exercise = sub.source, sub.exercise_id
    try:
        result = adapters.grade(default_bank(), source, exercise)
        status = "graded"
    except SandboxUnavailableError as exc:  # this machine's fault, not the candidate's: another worker grades it
        raise WorkerUnfit(exc.message) from None
    except MlscreenError as exc:  # bad input is a verdict to show, not a job to retry
        result = {"exercise": exercise, "status": "error", "passed": 0, "total": 0, "tests": [], "error": exc.message}
        status = "error"
    with db.session() as s:
        sub = s.get(Submission, int(payload["submission_id"]))
        if sub is not None:
            sub.result, sub.status, sub.graded_at = result, status, utcnow()
    return {"submission_id": payload["submission_id"], "status": result.get("status")}


def score_answers(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Attach scoring advice to each of a candidate's written answers that has none; returns how many."""
    bank = default_bank()
    with db.session() as s:
        todo = [
            (a.id, a.question_id, a.answer)
            for a in s.query(WrittenAnswer).filter_by(candidate_id=int(payload["candidate_id"]), advice=None)
        ]
    scored = 0
    for answer_id, question_id, text in todo:
        if question_id not in bank:  # retired from the bank since: nothing to score against, nothing to retry
            continue
        question = bank.get(question_id, KnowledgeQuestion)
        advice = adapters.score(question, text) if text.strip() else {"score": 0.0, "suggested_level": 1, "points": []}
        with db.session() as s:
            answer = s.get(WrittenAnswer, answer_id)
            if answer is not None:
                answer.advice = advice
                scored += 1
    return {"scored": scored}


def candidate_report(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the candidate's decision packet as JSON (the job's result is the report)."""
    with db.session() as s:
        candidate = s.get(Candidate, int(payload["candidate_id"]))
        if candidate is None:
            raise NotFoundError(f"candidate {payload['candidate_id']} is gone")
        return build_packet(s, default_bank(), candidate).to_json()


def default_handlers() -> dict[str, Handler]:
    """Return the handlers of every job kind the application enqueues."""
    return {"grade": grade_submission, "score_answers": score_answers, "report": candidate_report}
