"""The outbox: every e-mail is a row written with the action that causes it, then sent once by a job."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.mail.templates import render
from mlscreen.store.models import OutboxMessage, utcnow
from mlscreen.store.queue import JobQueue

JOB_KIND = "mail"
SENDING_LEASE = timedelta(minutes=5)
"""How long a message stays claimed by one sender; a sender that died leaves it to be sent again after that."""
MAX_ERROR = 500


def mail_configured() -> bool:
    """Return True when an SMTP server is configured (otherwise messages are held in the outbox)."""
    return bool(settings.SMTP_URL.get())


def write(
    db: Session,
    queue: JobQueue,
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    about: tuple[str, int],
    ics: str | None = None,
    once_key: str | None = None,
) -> OutboxMessage:
    """Render message `template` for `to` (with a calendar invitation `ics`) and store it in the caller's
    transaction; return it.

    With an SMTP server configured its sending job is enqueued in the same transaction, so the action, the
    message and the job commit together or not at all. Without one the message is `held`: it stays in the outbox,
    listed on the admin page. Raises `UsageError` when the template cannot be rendered.
    """
    rendered = render(template, context)
    held = not mail_configured()
    message = OutboxMessage(
        message_id=f"<{secrets.token_hex(16)}@mlscreen>",
        recipient=to,
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        ics=ics,
        once_key=once_key,
        status="held" if held else "queued",
        object_type=about[0],
        object_id=about[1],
    )
    db.add(message)
    db.flush()
    if not held:
        queue.enqueue(JOB_KIND, {"message_id": message.id}, session=db)
    return message


@dataclass(frozen=True)
class Claimed:
    """A message claimed for one sending attempt (plain values: no transaction stays open while sending)."""

    id: int
    message_id: str
    recipient: str
    subject: str
    text: str
    html: str
    ics: str | None


def claim(db: Session, message_id: int, *, now: datetime | None = None) -> Claimed | None:
    """Claim the message for one attempt, counting it; return None when it is sent already or gone.

    A message another sender claimed less than `SENDING_LEASE` ago is not claimed again: None too (its job is
    done; that sender finishes it, or its lease runs out and the job's retry claims it).
    """
    now = now or utcnow()
    claimable = or_(
        OutboxMessage.status.in_(("queued", "failed")),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_expires_at <= now),
    )
    done = db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, claimable)
        .values(status="sending", attempts=OutboxMessage.attempts + 1, lease_expires_at=now + SENDING_LEASE)
    )
    if getattr(done, "rowcount", 0) != 1:
        return None
    m = db.get_one(OutboxMessage, message_id)
    db.refresh(m)
    return Claimed(m.id, m.message_id, m.recipient, m.subject, m.body_text, m.body_html, m.ics)


def mark_sent(db: Session, message_id: int, *, now: datetime | None = None) -> None:
    """Record that the SMTP server accepted the message."""
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="sent", sent_at=now or utcnow(), lease_expires_at=None, last_error=None)
    )


def mark_attempt_failed(db: Session, message_id: int, error: str) -> None:
    """Record why an attempt failed (the server's reply: kept with the message, never logged); it waits for a retry."""
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status != "sent")
        .values(status="queued", lease_expires_at=None, last_error=error[:MAX_ERROR])
    )


def give_up(db: Session, message_id: int) -> None:
    """Mark the message `failed` once its job has used its last attempt: kept, sent again if the job is retried."""
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("queued", "sending")))
        .values(status="failed", lease_expires_at=None)
    )


def messages(db: Session, *, limit: int = 200) -> list[OutboxMessage]:
    """Return the newest messages, newest first."""
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def messages_about(db: Session, object_type: str, object_id: int) -> list[OutboxMessage]:
    """Return the messages about one object (an invite, an assignment), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.object_type == object_type, OutboxMessage.object_id == object_id)
    return list(db.scalars(query.order_by(OutboxMessage.id)))
