"""Session recordings: batches from the portal stored once each, in order, under a size cap; their signals."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any, NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.bank import Bank, Exercise
from mlscreen.errors import NotFoundError
from mlscreen.integrity.recording import parse_batch, size_of
from mlscreen.integrity.signals import Report, Usual, assess, pace_signal, thresholds
from mlscreen.store.assessments import invite_of, submission_of
from mlscreen.store.models import Candidate, Invite, Recording, RecordingBatch, Submission, utcnow

ON, CAPPED, GAP, CLOSED = "on", "capped", "gap", "closed"


class Ack(NamedTuple):
    """What the server holds of a recording: the last stored sequence number and the recording's state.

    `on`: keep sending from `seq + 1`; `gap`: the batch did not continue at `seq + 1` (events were lost), so the
    portal records the whole text again from there; `capped`: the cap was reached, stop recording; `closed`: the
    assessment takes no more work.
    """

    seq: int
    state: str


def max_bytes() -> int:
    """Return the recording cap in bytes (`MLSCREEN_RECORDING_MAX_KB`)."""
    return settings.RECORDING_MAX_KB.get() * 1024


def recording_of(db: Session, invite: Invite) -> Recording | None:
    """Return the invite's recording, if anything was recorded."""
    return db.scalar(select(Recording).where(Recording.invite_id == invite.id))


def state_of(db: Session, invite: Invite) -> Ack:
    """Return where the portal should continue the invite's recording (sequence number 1 when none exists)."""
    found = recording_of(db, invite)
    if invite.submitted_at is not None:
        return Ack(found.last_seq if found else 0, CLOSED)
    if found is None:
        return Ack(0, ON)
    return Ack(found.last_seq, CAPPED if found.capped_at else ON)


def _recording(db: Session, invite: Invite, now: datetime) -> Recording:
    found = recording_of(db, invite)
    if found is not None:
        return found
    try:
        with db.begin_nested():
            made = Recording(invite_id=invite.id, candidate_id=invite.candidate_id, created_at=now, updated_at=now)
            db.add(made)
        return made
    except IntegrityError:  # another request made it at the same moment
        found = recording_of(db, invite)
        assert found is not None
        return found


def append(db: Session, invite: Invite, batch: str | None, *, now: datetime | None = None) -> Ack:
    """Store a batch of events (JSON text, see `integrity.recording`) sent with an autosave; return the `Ack`.

    Idempotent on sequence numbers: events already stored are skipped, so a batch sent again after a lost answer
    changes nothing. A batch that does not continue the stored events is not kept (`gap`). Once the stored size
    would pass the cap, nothing more is kept and the recording is marked capped. Raises `UsageError` for a
    malformed batch.
    """
    now = now or utcnow()
    if invite.submitted_at is not None or invite.started_at is None:
        return state_of(db, invite)
    events = parse_batch(batch) if batch else []
    if not events:
        return state_of(db, invite)
    rec = _recording(db, invite, now)
    fresh = [e for e in events if e["s"] > rec.last_seq]
    if rec.capped_at is not None:
        return Ack(rec.last_seq, CAPPED)
    if not fresh:
        return Ack(rec.last_seq, ON)
    if fresh[0]["s"] != rec.last_seq + 1:
        return Ack(rec.last_seq, GAP)
    size = size_of(fresh)
    if rec.size + size > max_bytes():
        rec.capped_at = now
        return Ack(rec.last_seq, CAPPED)
    # A conditional update, so two requests carrying the same events can never both store them.
    done = db.execute(
        update(Recording)
        .where(Recording.id == rec.id, Recording.last_seq == rec.last_seq)
        .values(last_seq=fresh[-1]["s"], size=Recording.size + size, updated_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.refresh(rec)
        return Ack(rec.last_seq, ON)
    db.add(
        RecordingBatch(
            recording_id=rec.id, first_seq=fresh[0]["s"], last_seq=fresh[-1]["s"], events=fresh, received_at=now
        )
    )
    db.flush()
    db.refresh(rec)
    return Ack(rec.last_seq, ON)


def events_of(db: Session, recording: Recording) -> list[dict[str, Any]]:
    """Return the recording's events in sequence order."""
    query = select(RecordingBatch.events).where(RecordingBatch.recording_id == recording.id)
    return [event for events in db.scalars(query.order_by(RecordingBatch.first_seq)) for event in events]


def usual_time(db: Session, bank: Bank, exercise_id: str, *, besides: int) -> Usual | None:
    """Return how long the exercise usually takes: the median of other candidates' submitted attempts when there
    are enough of them, else the time the exercise is planned to take (None for an exercise not in the bank).
    """
    query = (
        select(Invite.started_at, Invite.submitted_at)
        .join(Submission, Submission.invite_id == Invite.id)
        .where(Submission.exercise_id == exercise_id, Invite.candidate_id != besides, Invite.started_at.is_not(None))
    )
    spans = [(end - begin).total_seconds() for begin, end in db.execute(query) if begin and end and end > begin]
    if len(spans) >= thresholds()["usual_min_samples"]:
        return Usual(median(spans), f"median of {len(spans)} other candidates")
    try:
        exercise = bank.get(exercise_id, Exercise)
    except NotFoundError:
        return None
    return Usual(exercise.minutes * 60.0, "the exercise's planned time")


_REPORTS: OrderedDict[tuple[Any, ...], Report] = OrderedDict()
_REPORTS_LOCK = threading.Lock()
REPORTS_KEPT = 512
"""Recordings whose signals a process keeps computed: pages show them on every view, and a long recording takes
about a tenth of a second to analyse (`benchmarks/recording_size.py`). Keyed by the recording's identity and
last event, so a new event or another submitted text computes them again; they hold counts, never code."""


def _recorded(db: Session, rec: Recording, code: str | None) -> Report:
    digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest() if code is not None else None
    bind = db.get_bind()
    where = str(bind.engine.url)
    key = (where, rec.id, rec.invite_id, rec.created_at, rec.last_seq, rec.capped_at, digest)
    with _REPORTS_LOCK:
        found = _REPORTS.get(key)
        if found is not None:
            _REPORTS.move_to_end(key)
            return found
    made = assess(events_of(db, rec), submitted_code=code, capped=rec.capped_at is not None)
    with _REPORTS_LOCK:
        _REPORTS[key] = made
        while len(_REPORTS) > REPORTS_KEPT:
            _REPORTS.popitem(last=False)
    return made


def report_for(db: Session, bank: Bank, invite: Invite, submission: Submission | None) -> Report:
    """Return the integrity signals of the invite's recording, checked against its submitted code."""
    rec = recording_of(db, invite)
    code = submission.source if submission else None
    if rec is None:
        return assess([], submitted_code=code)
    base = _recorded(db, rec, code)
    report = Report(base.recorded, list(base.signals), list(base.notes), base.length_ms)
    if base.recorded and invite.exercise_id and invite.started_at and invite.submitted_at:
        seconds = (invite.submitted_at - invite.started_at).total_seconds()
        usual = usual_time(db, bank, invite.exercise_id, besides=invite.candidate_id)
        pace = pace_signal(seconds, usual, base.length_ms)
        if pace is not None:
            report.signals.append(pace)
    return report


def signals_of(db: Session, bank: Bank, candidate_id: int) -> dict[int, dict[str, Any]]:
    """Return, per code submission of the candidate, its recording's signals as JSON (`integrity.signals.Report`)
    with the `invite_id` whose replay shows them.
    """
    subs = db.scalars(select(Submission).where(Submission.candidate_id == candidate_id).order_by(Submission.id))
    return {s.id: {**report_for(db, bank, s.invite, s).to_json(), "invite_id": s.invite_id} for s in subs}


@dataclass
class ReplayView:
    """Everything the replay page shows: the link, its submission, the events and their signals."""

    invite: Invite
    submission: Submission | None
    recording: Recording | None
    events: list[dict[str, Any]]
    report: Report


def replay_of(db: Session, bank: Bank, candidate: Candidate, invite_id: int) -> ReplayView:
    """Return the replay of the candidate's assessment link `invite_id`; raises `NotFoundError` for another's."""
    invite = invite_of(db, candidate, invite_id)
    submission = submission_of(db, invite)
    rec = recording_of(db, invite)
    events = events_of(db, rec) if rec else []
    return ReplayView(invite, submission, rec, events, report_for(db, bank, invite, submission))


def erase_recordings(db: Session, candidate_id: int) -> int:
    """Delete every recording of the candidate (and its events); return how many."""
    ids = list(db.scalars(select(Recording.id).where(Recording.candidate_id == candidate_id)))
    if ids:
        db.execute(delete(RecordingBatch).where(RecordingBatch.recording_id.in_(ids)))
        db.execute(delete(Recording).where(Recording.id.in_(ids)))
    return len(ids)


def export_recordings(db: Session, candidate_id: int) -> list[dict[str, Any]]:
    """Return the candidate's recordings with their events, for their data export."""
    recs = db.scalars(select(Recording).where(Recording.candidate_id == candidate_id).order_by(Recording.id))
    return [
        {
            "invite_id": r.invite_id,
            "last_seq": r.last_seq,
            "size": r.size,
            "capped_at": r.capped_at.isoformat() if r.capped_at else None,
            "events": events_of(db, r),
        }
        for r in recs
    ]
