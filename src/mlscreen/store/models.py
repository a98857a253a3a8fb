"""SQLAlchemy models: people, openings, candidates, assessments and their recordings, scorecards, decisions, audit,
jobs, the outbox and voluntary self-identification."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES: tuple[str, ...] = ("admin", "hiring_manager", "recruiter", "interviewer")
RECOMMENDATIONS: tuple[str, ...] = ("strong_no", "no", "yes", "strong_yes")
CANDIDATE_STATUSES: tuple[str, ...] = ("active", "rejected", "hired", "withdrawn")
INVITE_KINDS: tuple[str, ...] = ("assessment", "room")
ROOM_CHANNELS: tuple[str, ...] = ("doc", "console", "aware", "ctl")
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
OUTBOX_STATUSES: tuple[str, ...] = ("held", "queued", "sending", "sent", "failed")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and read back timezone-aware, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with JSON mapped for dict/list attributes."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class User(Base):
    """A person who signs in: admin, hiring manager, recruiter or interviewer."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    timezone: Mapped[str | None] = mapped_column(String(64))
    """The IANA time zone the user sees times in; None: MLSCREEN_DEFAULT_TIMEZONE."""


class WebSession(Base):
    """A signed-in browser or API client; only the hash of its token is stored."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A failed sign-in, keyed by a hash of the e-mail and of the client address (for rate limiting)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Opening(Base):
    """A role being hired for, created from a bank profile; its loop is copied into `stages`."""

    __tablename__ = "openings"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    profile_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    hiring_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    blind_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Interviewers see candidates under a pseudonym until they submit their scorecards (store/blind.py)."""
    stages: Mapped[list[OpeningStage]] = relationship(
        order_by="OpeningStage.position", cascade="all, delete-orphan", back_populates="opening"
    )
    members: Mapped[list[OpeningMember]] = relationship(cascade="all, delete-orphan")


class OpeningMember(Base):
    """A user with access to an opening (admins see every opening without membership)."""

    __tablename__ = "opening_members"
    __table_args__ = (UniqueConstraint("opening_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class OpeningStage(Base):
    """One stage of an opening's loop: the bank stage, as adjusted by the hiring manager, and its questions."""

    __tablename__ = "opening_stages"
    __table_args__ = (UniqueConstraint("opening_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stage_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    duration_min: Mapped[int]
    interviewer_role: Mapped[str] = mapped_column(String(200))
    question_ids: Mapped[list[Any]] = mapped_column(default=list)
    rubric_ids: Mapped[list[Any]] = mapped_column(default=list)
    opening: Mapped[Opening] = relationship(back_populates="stages")


class Candidate(Base):
    """A person applying to an opening; never a user account."""

    __tablename__ = "candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    stage_position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]
    """When the candidate's personal data was erased; the row then stays only as a tombstone for counts."""
    revealed_at: Mapped[datetime | None]
    """When the hiring manager revealed a blind-reviewed candidate's identity to everyone on the opening."""
    linkedin_url: Mapped[str | None] = mapped_column(String(300))
    github_url: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(100), default="")
    """Where the candidate came from (a referral, a job board...)."""
    notes: Mapped[str] = mapped_column(Text, default="")
    cv_file: Mapped[str | None] = mapped_column(String(100))
    """The stored CV's file name in the data directory's `cvs/` (random, names no one)."""
    cv_name: Mapped[str | None] = mapped_column(String(200))
    """The CV's file name as uploaded."""
    cv_uploaded_at: Mapped[datetime | None]
    opening: Mapped[Opening] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("opening_id", "email"),)


class Assignment(Base):
    """An interviewer assigned to run one stage with one candidate."""

    __tablename__ = "assignments"
    # Ids are never reused, even on SQLite: an id names a calendar event (its UID) after the assignment is removed.
    __table_args__ = (
        UniqueConstraint("candidate_id", "stage_position", "interviewer_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scheduled_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """How many times its calendar invitation changed (the iCalendar SEQUENCE); its UID never changes."""
    timezone: Mapped[str | None] = mapped_column(String(64))
    """The IANA time zone the time was given in, the candidate's messages show it in; None: the default zone."""
    interviewer: Mapped[User] = relationship(lazy="joined")


class Invite(Base):
    """A candidate's expiring assessment link for one stage; the token is stored hashed, usable for one attempt.

    `attempt` counts the candidate's attempts at the stage: a second one is only made on purpose, with its
    `attempt_reason`. A revoked link opens no more.
    """

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    exercise_id: Mapped[str | None] = mapped_column(String(64))
    question_ids: Mapped[list[Any]] = mapped_column(default=list)
    minutes: Mapped[int] = mapped_column(default=75)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    draft_code: Mapped[str | None] = mapped_column(Text)
    draft_answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempt: Mapped[int] = mapped_column(default=1)
    attempt_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="assessment", server_default="assessment")
    """"assessment" (the portal) or "room" (a live interview room's candidate link): each opens only its own pages."""
    candidate: Mapped[Candidate] = relationship(lazy="joined")


class Submission(Base):
    """Code a candidate submitted; saved before grading, its grader result filled in by a job."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invites.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None]
    invite: Mapped[Invite] = relationship(lazy="joined")


class WrittenAnswer(Base):
    """A candidate's written answer to a knowledge question, with the automatic scoring advice and its review."""

    __tablename__ = "written_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    stage_position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    advice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    final_level: Mapped[int | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invite: Mapped[Invite | None] = relationship(lazy="joined")


class Scorecard(Base):
    """One interviewer's ratings for one candidate at one stage (a pre-screen is a scorecard with `checks`)."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("candidate_id", "stage_position", "interviewer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recommendation: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    interviewer: Mapped[User] = relationship(lazy="joined")


class ScorecardDraft(Base):
    """A scorecard being written: its form's values, autosaved; read by its author only, gone once submitted."""

    __tablename__ = "scorecard_drafts"
    __table_args__ = (UniqueConstraint("candidate_id", "stage_position", "author_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """The hiring decision for a candidate, with its required rationale."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str] = mapped_column(Text)
    mechanical: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """An append-only record of a consequential action; `detail` holds ids and reasons, never personal data."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    opening_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Job(Base):
    """A durable background job: claimed under a lease that a heartbeat extends; an expired lease is retried."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "run_after"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    lease_expires_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Lease(Base):
    """A named duty that one process at a time performs (the job sweeper), held until `expires_at`."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]


class OutboxMessage(Base):
    """An e-mail, rendered and stored in the transaction of the action that causes it, then sent by a job.

    Its personal fields (recipient, subject, bodies) are plain columns so that erasure can find them. `held`:
    no SMTP server is configured, the message stays here to be read on the outbox page.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_about", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    once_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    """Set for messages written at most once (reminders): a second writer's insert is refused."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class PasswordReset(Base):
    """A single-use, expiring password-reset link sent to a user; only the hash of its token is stored."""

    __tablename__ = "password_resets"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class CalendarFeed(Base):
    """A user's private calendar feed address; only the hash of its secret token is stored."""

    __tablename__ = "calendar_feeds"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CancelledInterview(Base):
    """A scheduled interview whose assignment was removed, kept so calendar feeds show it cancelled.

    It names the candidate only by id, as the assignment did; `sequence` is the cancellation's (one above the last
    invitation's), `assignment_id` gives the event its unchanged UID.
    """

    __tablename__ = "cancelled_interviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(unique=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    scheduled_at: Mapped[datetime]
    sequence: Mapped[int]
    cancelled_at: Mapped[datetime] = mapped_column(default=utcnow)


class SelfIdentification(Base):
    """A candidate's voluntary self-identification (sex; race or ethnicity in the EEO-1 categories).

    Kept apart from the application: no relationship leads here from a candidate, and only `store.selfid` reads
    it, for the candidate's own portal page, their export, and the aggregate adverse-impact report.
    """

    __tablename__ = "self_identifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), unique=True)
    sex: Mapped[str] = mapped_column(String(32))
    race: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Recording(Base):
    """The session recording of one assessment link: editor changes, pastes, focus, runs and autosaves.

    Its events live in `recording_batches`, one row per batch the portal sent; `last_seq` is the sequence number
    of the last stored event (the server keeps a batch only when it continues exactly there). `capped_at` is set
    when the recording reached its size cap and stopped.
    """

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invites.id", ondelete="CASCADE"), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)
    """Bytes of the stored events (compact JSON), counted against the cap."""
    capped_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordingBatch(Base):
    """Consecutive events of a recording, as one batch of the portal delivered them."""

    __tablename__ = "recording_batches"
    __table_args__ = (UniqueConstraint("recording_id", "first_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    first_seq: Mapped[int]
    last_seq: Mapped[int]
    events: Mapped[list[Any]] = mapped_column(default=list)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class SimilarityDocument(Base):
    """A submission indexed for similarity within its exercise: how many fingerprints it has and when it was indexed."""

    __tablename__ = "similarity_documents"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    exercise_id: Mapped[str] = mapped_column(String(64), index=True)
    fingerprints: Mapped[int]
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SimilarityFingerprint(Base):
    """One winnowed fingerprint of a submission (a hash of normalised tokens) and the lines it covers."""

    __tablename__ = "similarity_fingerprints"
    __table_args__ = (Index("ix_similarity_fingerprints_lookup", "exercise_id", "hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    hash: Mapped[int] = mapped_column(BigInteger)
    start_line: Mapped[int]
    end_line: Mapped[int]


class SimilarityHash(Base):
    """In how many indexed submissions of an exercise a fingerprint occurs: common ones are known without a scan."""

    __tablename__ = "similarity_hashes"
    exercise_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    documents: Mapped[int]


class SimilarityMatch(Base):
    """A submission found similar to an earlier one (`other_submission_id`) or to the exercise's own code (`known`).

    `fragments` holds line ranges only ([{"a_lines": [s, e], "b_lines": [s, e]}]), never code.
    """

    __tablename__ = "similarity_matches"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    other_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    known: Mapped[str | None] = mapped_column(String(200))
    similarity: Mapped[float] = mapped_column(Float)
    fragments: Mapped[list[Any]] = mapped_column(default=list)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


class Room(Base):
    """A live interview room for one stage of one candidate: a shared code pad, a console and a whiteboard.

    The candidate joins through `invite` (an `Invite` of kind "room"), which is revoked when the room closes.
    `notes` and `checklist` are the interviewer's and never reach the candidate. `snapshot` is the document's
    whole state up to the update `snapshot_upto` (compaction); the update log itself is kept as the recording.
    """

    __tablename__ = "rooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    stage_position: Mapped[int]
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    exercise_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    run_started_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
    final_code: Mapped[str | None] = mapped_column(Text)
    board_svg: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[bytes | None] = mapped_column(LargeBinary)
    snapshot_upto: Mapped[int] = mapped_column(default=0)
    invite: Mapped[Invite | None] = relationship(lazy="joined")


class RoomUpdate(Base):
    """One entry of a room's log, with its time, on a channel of `ROOM_CHANNELS`: a document update (Yjs), a
    console entry (JSON), an awareness frame (cursors and presence) or a control message (JSON)."""

    __tablename__ = "room_updates"
    __table_args__ = (Index("ix_room_updates_room", "room_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary)
