"""Password reset by e-mail: single-use, expiring links that never tell whether an address has an account."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mlscreen.errors import AuthenticationError
from mlscreen.store import audit
from mlscreen.store.accounts import token_hash, user_zone
from mlscreen.store.models import PasswordReset, User, WebSession, utcnow
from mlscreen.store.outbox import write
from mlscreen.store.queue import JobQueue
from mlscreen.zones import show_named

RESET_LIFETIME = timedelta(hours=1)
STAFF_INVITE_LIFETIME = timedelta(days=7)


def _invalid() -> AuthenticationError:
    return AuthenticationError(
        "this password-reset link is not valid, was used already or has expired",
        hint="ask for a new link from the sign-in page",
    )


def request_reset(
    db: Session, queue: JobQueue, *, email: str, link_for: Callable[[str], str], now: datetime | None = None
) -> None:
    """Write a reset link to the active user with this address, if there is one; say nothing either way.

    The caller answers the same whatever happened, so the form reveals no account. Earlier unused links of the
    user stop working: only the newest one does.
    """
    now = now or utcnow()
    user = db.scalar(select(User).where(User.email == email.strip().lower()[:254], User.active.is_(True)))
    if user is None:
        return
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + RESET_LIFETIME
    )
    db.add(reset)
    db.flush()
    context = {"name": user.name, "link": link_for(token), "expires": show_named(now + RESET_LIFETIME, user_zone(user))}
    write(db, queue, to=user.email, template="password_reset", context=context, about=("password_reset", reset.id))


def invite_staff(
    db: Session,
    queue: JobQueue,
    user: User,
    *,
    inviter: User,
    link_for: Callable[[str], str],
    now: datetime | None = None,
) -> None:
    """Write a new user's invitation: a single-use link (valid `STAFF_INVITE_LIFETIME`) to set their own password."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    expires = now + STAFF_INVITE_LIFETIME
    reset = PasswordReset(user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=expires)
    db.add(reset)
    db.flush()
    context = {
        "name": user.name,
        "inviter": inviter.name,
        "role": user.role.replace("_", " "),
        "link": link_for(token),
        "expires": show_named(expires, user_zone(user)),
    }
    write(db, queue, to=user.email, template="staff_invite", context=context, about=("password_reset", reset.id))


@dataclass(frozen=True)
class ResetTicket:
    """A valid reset link, as plain values: the new password is hashed while no transaction is open."""

    reset_id: int
    user_id: int
    personal: tuple[str, ...]


def open_reset(db: Session, token: str, *, now: datetime | None = None) -> ResetTicket:
    """Return the ticket of a valid link; raises `AuthenticationError` for an unknown, used or expired one."""
    now = now or utcnow()
    reset = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise _invalid()
    user = db.get(User, reset.user_id)
    if user is None or not user.active:
        raise _invalid()
    return ResetTicket(reset.id, user.id, (user.email, user.name))


def finish_reset(db: Session, ticket: ResetTicket, *, password_hash: str, now: datetime | None = None) -> None:
    """Use the link (once) to set the new password hash; every session of the user ends (audited).

    Raises `AuthenticationError` when the link was used or expired meanwhile.
    """
    now = now or utcnow()
    used = db.execute(
        update(PasswordReset)
        .where(PasswordReset.id == ticket.reset_id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(used_at=now)
    )
    if getattr(used, "rowcount", 0) != 1:
        raise _invalid()
    db.execute(update(User).where(User.id == ticket.user_id).values(password_hash=password_hash))
    db.execute(delete(WebSession).where(WebSession.user_id == ticket.user_id))
    audit.record(
        db, actor_id=ticket.user_id, action="user.password_reset", object_type="user", object_id=ticket.user_id
    )
