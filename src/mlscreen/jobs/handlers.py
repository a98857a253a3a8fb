"""Job handlers: grade a submission, index it for similarity, score written answers, build a report, send e-mail."""

from __future__ import annotations

import smtplib
from functools import cache
from typing import Any

from mlscreen.bank import Bank, KnowledgeQuestion, load_bank
from mlscreen.errors import MlscreenError, NotFoundError, SandboxUnavailableError
from mlscreen.jobs import adapters
from mlscreen.jobs.queue import Handler, WorkerUnfit
from mlscreen.mail import transport
from mlscreen.store import grades, outbox, similarity
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


def _exercise_code(exercise_id: str) -> tuple[str, dict[str, str]]:
    from mlscreen.integrity.folder import known_solutions, starter_of

    bank = default_bank()
    if exercise_id not in bank:  # retired from the bank since: nothing to subtract or compare with
        return "", {}
    return starter_of(bank, exercise_id), known_solutions(bank, exercise_id)


def index_similarity(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Fingerprint a submission, find the earlier submissions of its exercise (and its own code) it resembles.

    Reads in one short transaction, computes holding none, writes in another; indexing twice changes nothing.
    """
    from mlscreen.integrity.calibration import threshold_of
    from mlscreen.integrity.fingerprint import fingerprints
    from mlscreen.integrity.folder import closest_known
    from mlscreen.integrity.similarity import boilerplate, common_limit, match_postings, promising

    submission_id = int(payload["submission_id"])
    with db.session() as s:
        item = similarity.to_index(s, submission_id)
    if item is None:
        return {"submission_id": submission_id, "indexed": False}
    starter, known = _exercise_code(item.exercise_id)
    prints = fingerprints(item.source, ignore=boilerplate(starter))
    threshold = threshold_of(item.exercise_id).threshold
    with db.session(write=False) as s:
        limit = common_limit(similarity.document_count(s, item.exercise_id))
        found = similarity.postings(s, item.exercise_id, (fp.hash for fp in prints), exclude=submission_id, limit=limit)
    wanted = promising(prints, found.by_document, frequency=found.frequency, limit=limit, threshold=threshold)
    with db.session(write=False) as s:
        sizes = similarity.sizes(s, wanted)
    pairs = match_postings(
        str(submission_id),
        prints,
        found.by_document,
        sizes=sizes,
        frequency=found.frequency,
        limit=limit,
        threshold=threshold,
    )
    best = closest_known(str(submission_id), item.source, known, starter=starter, threshold=threshold)
    with db.session() as s:
        saved = similarity.save_index(s, item, prints, pairs, best)
    return {"submission_id": submission_id, "indexed": saved, "matches": len(pairs) + (best is not None)}


def score_answers(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Attach scoring advice to each of a candidate's written answers that has none; returns how many.

    Each answer is scored with the question's reviewed answers (other candidates') as graded examples; they are
    read first, the transaction ends, then scoring runs, and each advice is written in its own short transaction.
    """
    bank = default_bank()
    candidate_id = int(payload["candidate_id"])
    with db.session() as s:
        todo = [
            (a.id, a.question_id, a.answer)
            for a in s.query(WrittenAnswer).filter_by(candidate_id=candidate_id, advice=None)
        ]
        examples = {
            q: grades.graded_examples(s, q, exclude_candidate=candidate_id)
            for q in {q for _, q, _ in todo if q in bank}
        }
    scored = 0
    for answer_id, question_id, text in todo:
        if question_id not in bank:  # retired from the bank since: nothing to score against, nothing to retry
            continue
        question = bank.get(question_id, KnowledgeQuestion)
        advice = (
            adapters.score(question, text, examples[question_id])
            if text.strip()
            else {"score": 0.0, "suggested_level": 1, "points": [], "examples_used": 0}
        )
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


class MailNotSent(MlscreenError):
    """The SMTP server did not accept a message; the job is retried with back-off."""


def _reply(exc: Exception) -> str:
    """Return what the server said (kept with the message), e.g. "SMTPDataError 451: try again later"."""
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text or exc)
    return f"{type(exc).__name__}{f' {code}' if code else ''}: {said}"


def send_mail(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """Send one outbox message through SMTP, at most once per claim; returns whether it was sent now.

    The message is claimed (and the attempt counted) in one short transaction, sent holding none, and marked sent
    in another as soon as the server accepts it (before the SMTP goodbye). A message already sent is not sent
    again. Raises `MailNotSent` when the server refused, timed out or dropped the connection (the job's error
    names only the error's type and code: replies can quote addresses).
    """
    message_id = int(payload["message_id"])
    server = transport.configured_server()
    if server is None:  # configuration removed since: keep it queued, say why
        raise MailNotSent("MLSCREEN_SMTP_URL is not set", hint="set it, then retry the job")
    with db.session() as s:
        claimed = outbox.claim(s, message_id)
    if claimed is None:
        return {"message_id": message_id, "sent": False}
    try:
        message = transport.build_message(
            message_id=claimed.message_id,
            from_=transport.sender(),
            to=claimed.recipient,
            subject=claimed.subject,
            text=claimed.text,
            html=claimed.html,
            ics=claimed.ics,
        )
        transport.send(server, message, accepted=lambda: _mark_sent(db, message_id))
    except (OSError, ValueError, smtplib.SMTPException, MlscreenError) as exc:
        with db.session() as s:
            outbox.mark_attempt_failed(s, message_id, _reply(exc))
        code = getattr(exc, "smtp_code", None)
        raise MailNotSent(f"not sent: {type(exc).__name__}{f' {code}' if code else ''}") from None
    return {"message_id": message_id, "sent": True}


def _mark_sent(db: Database, message_id: int) -> None:
    with db.session() as s:
        outbox.mark_sent(s, message_id)


def default_handlers() -> dict[str, Handler]:
    """Return the handlers of every job kind the application enqueues."""
    return {
        "grade": grade_submission,
        similarity.JOB_KIND: index_similarity,
        "score_answers": score_answers,
        "report": candidate_report,
        outbox.JOB_KIND: send_mail,
    }
