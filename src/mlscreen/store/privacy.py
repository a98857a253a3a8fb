"""Candidates' rights: erasure (the candidate row stays as a tombstone without personal data) and export."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.errors import NotFoundError
from mlscreen.store import audit, selfid, similarity
from mlscreen.store.candidates import get_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import (
    AuditEvent,
    Base,
    Candidate,
    Decision,
    Invite,
    OutboxMessage,
    Scorecard,
    ScorecardDraft,
    Submission,
    User,
    WrittenAnswer,
    utcnow,
)
from mlscreen.store.profiles import cv_path, remove_cv_file
from mlscreen.store.recordings import erase_recordings, export_recordings
from mlscreen.store.rooms import console_of, erase_rooms, record_of, rooms_of

ERASED_NAME = "Erased candidate"
ERASED_TEXT = ""
FREE_TEXT_DETAIL = ("reason", "rationale")
"""Audit detail keys that may hold a person's words (and so may name the candidate)."""
GRADE_SUMMARY = ("exercise", "status", "passed", "total", "rubric", "duration_ms")
"""The parts of a grader result kept after erasure: counts and levels, never messages or output."""
NOT_EXPORTED = {"web_sessions", "login_attempts", "leases", "calendar_feeds", "self_identifications"}
"""Tables the organisation export leaves out: sign-in state and feed addresses, not data to migrate, and voluntary
self-identification, which staff only ever see in aggregate (candidates get theirs in their own export)."""
SECRET_COLUMNS = {"password_hash", "token_hash", "csrf_token"}


DEFAULT_CONTACT = (
    "To ask for a person to look again at any result, or to see, correct, export or erase the data stored about "
    "you, reply to the message that sent you this link."
)


@dataclass(frozen=True)
class Notice:
    """What candidates are told about their data before they start: how long it is kept and how to ask."""

    retention_days: int
    contact: str


def candidate_notice() -> Notice:
    """Return the notice from the settings (`MLSCREEN_RETENTION_DAYS`, `MLSCREEN_TRANSPARENCY_TEXT`)."""
    text = settings.TRANSPARENCY_TEXT.get().strip()
    return Notice(settings.RETENTION_DAYS.get(), text or DEFAULT_CONTACT)


@dataclass
class Erasure:
    """What an erasure changed: rows cleared per table."""

    candidate_id: int
    cleared: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, n: int = 1) -> None:
        self.cleared[table] = self.cleared.get(table, 0) + n


def erased_email(candidate_id: int) -> str:
    """Return the placeholder address an erased candidate keeps (unique per opening, names no one)."""
    return f"erased-{candidate_id}@erased.invalid"


def erase_candidate(db: Session, candidate_id: int, *, actor: User | None, via: str = "request") -> Erasure:
    """Remove every personal field of the candidate and everything they wrote or that was written about them.

    The candidate row stays, anonymised, as a tombstone: opening, stage, status, ratings, levels and the
    decision's outcome still count in reports. Erasing twice changes nothing more. `via` says why in the audit
    log ("request" or "retention"). Raises `NotFoundError`.
    """
    candidate = get_candidate(db, candidate_id)
    done = Erasure(candidate_id)
    if candidate.erased_at is None:
        done.count("outbox_messages", _erase_messages(db, candidate))
        candidate.name = ERASED_NAME
        candidate.email = erased_email(candidate.id)
        candidate.erased_at = utcnow()
        done.count("candidates")
    done.count("cv_files", _erase_profile(candidate))
    for invite in db.scalars(select(Invite).where(Invite.candidate_id == candidate_id)):
        invite.draft_code = None
        invite.draft_answers = {}
        invite.attempt_reason = None
        invite.revoked_reason = None
        invite.revoked_at = invite.revoked_at or utcnow()  # the link opens no more
        done.count("invites")
    done.count("recordings", erase_recordings(db, candidate_id))
    for sub in db.scalars(select(Submission).where(Submission.candidate_id == candidate_id)):
        sub.source = ERASED_TEXT
        if sub.result is not None:
            sub.result = {k: v for k, v in sub.result.items() if k in GRADE_SUMMARY}
        done.count("submissions")
    forgotten = similarity.forget(db, candidate_id)  # fingerprints are derived from the code: they go with it
    if forgotten:
        done.count("similarity", forgotten)
    for answer in db.scalars(select(WrittenAnswer).where(WrittenAnswer.candidate_id == candidate_id)):
        answer.answer = ERASED_TEXT
        answer.override_reason = None
        if answer.advice is not None:
            answer.advice = {k: v for k, v in answer.advice.items() if isinstance(v, int | float)}
        done.count("written_answers")
    for card in db.scalars(select(Scorecard).where(Scorecard.candidate_id == candidate_id)):
        card.notes = ERASED_TEXT
        card.ratings = {k: {**v, "evidence": ERASED_TEXT} for k, v in card.ratings.items()}
        done.count("scorecards")
    for decision in db.scalars(select(Decision).where(Decision.candidate_id == candidate_id)):
        decision.rationale = ERASED_TEXT
        done.count("decisions")
    done.count("self_identifications", selfid.erase_answers(db, candidate_id))
    for draft in db.scalars(select(ScorecardDraft).where(ScorecardDraft.candidate_id == candidate_id)):
        db.delete(draft)  # unsubmitted notes count for nothing: nothing of them is kept
        done.count("scorecard_drafts")
    done.count("rooms", erase_rooms(db, candidate_id))
    done.count("audit_events", _scrub_audit(db, candidate))
    db.flush()
    audit.record(
        db,
        actor_id=actor.id if actor else None,
        action="candidate.erased",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        cleared=dict(done.cleared),
        via=via,
    )
    return done


def _erase_profile(candidate: Candidate) -> int:
    """Clear the candidate's profile fields and delete their CV file; return how many files were deleted."""
    stored = candidate.cv_file
    candidate.linkedin_url = candidate.github_url = None
    candidate.source = candidate.notes = ""
    candidate.cv_file = candidate.cv_name = None
    candidate.cv_uploaded_at = None
    return int(remove_cv_file(stored)) if stored else 0


def _erase_messages(db: Session, candidate: Candidate) -> int:
    """Blank every e-mail to the candidate or naming them and return how many; unsent ones are never sent.

    Messages are found by what they hold (the candidate's address or name), so one about any object (a link, an
    interview, a decision) is found whoever it was written to.
    """
    mentions = [candidate.email, candidate.name]
    where = or_(
        OutboxMessage.recipient == candidate.email,
        *(
            column.contains(text, autoescape=True)
            for text in mentions
            for column in (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.ics)
        ),
    )
    found = list(db.scalars(select(OutboxMessage).where(where)))
    for message in found:
        message.recipient = erased_email(candidate.id)
        message.subject = ERASED_TEXT
        message.body_text = message.body_html = ERASED_TEXT
        message.ics = None
        message.last_error = None
        if message.status != "sent":
            message.status = "erased"  # the sender claims only queued, failed and stale sending messages
    return len(found)


def _scrub_audit(db: Session, candidate: Candidate) -> int:
    """Blank the free-text parts of the audit events about the candidate and return how many changed."""
    answers = select(WrittenAnswer.id).where(WrittenAnswer.candidate_id == candidate.id)
    about = or_(
        (AuditEvent.object_type == "candidate") & (AuditEvent.object_id == candidate.id),
        (AuditEvent.object_type == "answer") & AuditEvent.object_id.in_(answers),
        (AuditEvent.object_type.in_(("invite", "scorecard"))) & (AuditEvent.opening_id == candidate.opening_id),
    )
    changed = 0
    for event in db.scalars(select(AuditEvent).where(about)):
        if event.object_type in ("invite", "scorecard") and event.detail.get("candidate_id") != candidate.id:
            continue
        if any(event.detail.get(key) for key in FREE_TEXT_DETAIL):
            event.detail = {k: (ERASED_TEXT if k in FREE_TEXT_DETAIL else v) for k, v in event.detail.items()}
            changed += 1
    return changed


def vacuum(database: Database) -> None:
    """Make erased values unrecoverable from the database files: SQLite keeps old page images in its WAL file
    until a checkpoint, so the WAL is checkpointed and truncated (call after the erasure committed).
    """
    if database.dialect != "sqlite":
        return
    raw = database.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()


# Export ---------------------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _row(obj: Base, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        c.key: _jsonable(getattr(obj, c.key))
        for c in obj.__table__.columns
        if c.key not in skip and c.key not in SECRET_COLUMNS
    }


def candidate_archive(db: Session, candidate_id: int) -> bytes:
    """Return a ZIP with `candidate.json` (everything stored about the candidate, their voluntary
    self-identification included) and their code under `code/` (submissions, and the final code of each live room).

    Interviewers appear by name (they are the candidate's assessors); other candidates never appear.
    Raises `NotFoundError`.
    """
    candidate = get_candidate(db, candidate_id)
    subs = list(db.scalars(select(Submission).where(Submission.candidate_id == candidate_id).order_by(Submission.id)))
    names = {u.id: u.name for u in db.scalars(select(User))}
    rooms = rooms_of(db, candidate_id)

    def by_candidate(model: type[Invite] | type[WrittenAnswer] | type[Scorecard] | type[Decision]) -> list[Any]:
        return list(db.scalars(select(model).where(model.candidate_id == candidate_id).order_by(model.id)))

    data: dict[str, Any] = {
        "format": "mlscreen-candidate-export/1",
        "candidate": {**_row(candidate), "opening_title": candidate.opening.title},
        "assessment_links": [_row(i) for i in by_candidate(Invite)],
        "submissions": [
            {**_row(s, skip=frozenset({"source"})), "code_file": f"code/submission-{s.id}.py"} for s in subs
        ],
        "written_answers": [_row(a) for a in by_candidate(WrittenAnswer)],
        "scorecards": [{**_row(c), "interviewer": names.get(c.interviewer_id, "")} for c in by_candidate(Scorecard)],
        "decision": [_row(d) for d in by_candidate(Decision)],
        "self_identification": selfid.exported(db, candidate_id),
        "session_recordings": export_recordings(db, candidate_id),
        "scorecard_drafts": [
            {**_row(d), "author": names.get(d.author_id, "")}
            for d in db.scalars(select(ScorecardDraft).where(ScorecardDraft.candidate_id == candidate_id))
        ],
        "live_rooms": [
            {
                **_row(r, skip=frozenset({"snapshot"})),
                "console": console_of(db, r.id),
                "code_file": f"code/room-{r.id}.py",
            }
            for r in rooms
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("candidate.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for s in subs:
            archive.writestr(f"code/submission-{s.id}.py", s.source)
        if candidate.cv_file:
            with contextlib.suppress(NotFoundError):
                archive.write(cv_path(candidate), "cv.pdf")
        for r in rooms:
            archive.writestr(f"code/room-{r.id}.py", record_of(db, r).code)
    return buffer.getvalue()


def organisation_archive(db: Session) -> bytes:
    """Return a ZIP with one JSON file per table (`tables/NAME.json`, a list of rows) for moving to another system.

    Sign-in state, password hashes and link tokens are left out. Rows are in id order.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        manifest: dict[str, int] = {}
        for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__tablename__):
            model = mapper.class_
            if model.__tablename__ in NOT_EXPORTED:
                continue
            key = next(iter(model.__table__.primary_key.columns))
            rows = [_row(obj) for obj in db.scalars(select(model).order_by(key))]
            manifest[model.__tablename__] = len(rows)
            archive.writestr(f"tables/{model.__tablename__}.json", json.dumps(rows, ensure_ascii=False, default=str))
        archive.writestr("manifest.json", json.dumps({"format": "mlscreen-export/1", "rows": manifest}, indent=2))
    return buffer.getvalue()


def export_candidate(db: Session, candidate_id: int, *, actor: User | None) -> bytes:
    """Return `candidate_archive` for the candidate and record the export in the audit log. Raises `NotFoundError`."""
    data = candidate_archive(db, candidate_id)
    candidate = get_candidate(db, candidate_id)
    audit.record(
        db,
        actor_id=actor.id if actor else None,
        action="candidate.exported",
        object_type="candidate",
        object_id=candidate_id,
        opening_id=candidate.opening_id,
    )
    return data


def find_candidates(db: Session, query: str, *, limit: int = 50) -> list[Candidate]:
    """Return candidates whose id, name or e-mail matches `query` (case-insensitive part), newest first."""
    query = query.strip()[:254]
    if not query:
        return []
    pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    match = or_(
        func.lower(Candidate.name).like(pattern, escape="\\"),
        func.lower(Candidate.email).like(pattern, escape="\\"),
    )
    if query.isdigit() and len(query) < 10:
        match = or_(match, Candidate.id == int(query))
    return list(db.scalars(select(Candidate).where(match).order_by(Candidate.id.desc()).limit(limit)))
