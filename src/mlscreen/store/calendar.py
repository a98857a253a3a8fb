"""Private calendar feeds: a secret address per user serving their interviews, made, replaced and revoked by them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mlscreen.errors import NotFoundError
from mlscreen.mail.ics import Slot, feed, interview_uid
from mlscreen.store import audit
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Assignment, CalendarFeed, CancelledInterview, Candidate, User, utcnow
from mlscreen.store.openings import stage_at

RECENT = timedelta(days=30)
"""Interviews that started this long ago or less stay in the feed (with every later one)."""
FEED_NAME = "Interviews (mlscreen)"


def feed_of(db: Session, user: User) -> CalendarFeed | None:
    """Return the user's calendar feed, or None when they have none."""
    return db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def make_feed(db: Session, user: User) -> str:
    """Give the user a new feed address and return its secret token (shown once: only its hash is stored).

    An address they had stops working at once (audited as `calendar_feed.created`, with `replaced`).
    """
    token = secrets.token_urlsafe(32)
    found = feed_of(db, user)
    if found is None:
        db.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token)))
    else:
        found.token_hash = token_hash(token)
        found.created_at = utcnow()
    db.flush()
    audit.record(
        db,
        actor_id=user.id,
        action="calendar_feed.created",
        object_type="user",
        object_id=user.id,
        replaced=found is not None,
    )
    return token


def revoke_feed(db: Session, user: User) -> bool:
    """End the user's feed address at once (audited); return False when they had none."""
    done = db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if not getattr(done, "rowcount", 0):
        return False
    audit.record(db, actor_id=user.id, action="calendar_feed.revoked", object_type="user", object_id=user.id)
    return True


def feed_owner(db: Session, token: str) -> User:
    """Return the active user whose feed `token` opens.

    Raises `NotFoundError` for an unknown, replaced or revoked token and for a deactivated user's: the same error,
    so an address reveals nothing about why it stopped.
    """
    found = db.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token[:200])))
    user = db.get(User, found.user_id) if found is not None else None
    if user is None or not user.active:
        raise NotFoundError("no such calendar feed", hint="make a new feed address on your account page")
    return user


def _slot(
    assignment_id: int,
    sequence: int,
    start: datetime,
    candidate: Candidate,
    position: int,
    *,
    host: str,
    link: str,
    cancelled: bool,
) -> Slot | None:
    try:
        stage = stage_at(candidate.opening, position)
    except NotFoundError:  # the stage left the loop since
        return None
    return Slot(
        uid=interview_uid(assignment_id, host),
        sequence=sequence,
        start=start,
        minutes=stage.duration_min,
        summary=f"Interview: {stage.title} ({candidate.opening.title})",
        description=f"Candidate's page (sign-in needed): {link}",
        cancelled=cancelled,
    )


def feed_slots(
    db: Session, user: User, *, now: datetime, host: str, candidate_link: Callable[[int], str]
) -> list[Slot]:
    """Return the user's scheduled interviews from `RECENT` ago on, soonest first, as calendar events.

    Each has the UID and SEQUENCE of its invitations. A removed interview, or one whose candidate left the process
    before it took place, is CANCELLED. Events carry the stage, the opening and a link to the candidate's page
    (which asks to sign in): no candidate's name or address, no attendees (docs/email.md).
    """
    since = now - RECENT
    slots: list[tuple[datetime, Slot]] = []
    held = (
        select(Assignment, Candidate)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .where(Assignment.interviewer_id == user.id, Assignment.scheduled_at >= since, Candidate.erased_at.is_(None))
    )
    for a, candidate in db.execute(held).all():
        assert a.scheduled_at is not None
        left = candidate.status != "active" and a.scheduled_at > now
        found = _slot(
            a.id,
            a.sequence,
            a.scheduled_at,
            candidate,
            a.stage_position,
            host=host,
            link=candidate_link(candidate.id),
            cancelled=left,
        )
        if found is not None:
            slots.append((a.scheduled_at, found))
    removed = (
        select(CancelledInterview, Candidate)
        .join(Candidate, Candidate.id == CancelledInterview.candidate_id)
        .where(
            CancelledInterview.interviewer_id == user.id,
            CancelledInterview.scheduled_at >= since,
            Candidate.erased_at.is_(None),
        )
    )
    for c, candidate in db.execute(removed).all():
        found = _slot(
            c.assignment_id,
            c.sequence,
            c.scheduled_at,
            candidate,
            c.stage_position,
            host=host,
            link=candidate_link(candidate.id),
            cancelled=True,
        )
        if found is not None:
            slots.append((c.scheduled_at, found))
    return [slot for _when, slot in sorted(slots, key=lambda pair: (pair[0], pair[1].uid))]


def feed_text(db: Session, user: User, *, now: datetime, host: str, candidate_link: Callable[[int], str]) -> str:
    """Return the iCalendar text of the user's feed (see `feed_slots`)."""
    return feed(feed_slots(db, user, now=now, host=host, candidate_link=candidate_link), name=FEED_NAME, stamp=now)
