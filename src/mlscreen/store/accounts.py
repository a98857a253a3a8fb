"""People and sign-in: argon2 passwords, rate-limited logins, expiring sessions whose tokens are stored hashed."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from mlscreen import settings
from mlscreen.errors import AuthenticationError, ConflictError, NotFoundError, RateLimitError, UsageError
from mlscreen.store import audit
from mlscreen.store.models import ROLES, CalendarFeed, LoginAttempt, User, WebSession, utcnow
from mlscreen.store.names import clean_name
from mlscreen.zones import check_zone

SESSION_MAX = timedelta(hours=12)
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5
MIN_PASSWORD = 10
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from an offline slow-hash attack" (~10^10 guesses).
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic); the first 72 characters are what it rates.
STRENGTH_CHARS = 72
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Return a fixed hash to verify against when the user is unknown, which keeps timing the same for known and
    unknown e-mails; made on first use, not at import (every command imports this module)."""
    return _HASHER.hash("not-a-real-password-at-all")


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest under which a bearer token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password_strength(password: str, *, personal: tuple[str, ...] = ()) -> None:
    """Refuse a weak password with `UsageError` saying why (zxcvbn's feedback) and what would be better.

    `personal` are words of the account (e-mail, name) that make a password easier to guess.
    """
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short ({len(password)} characters)", hint=f"use {MIN_PASSWORD} or more")
    words = [w for text in personal for w in (text, *text.replace("@", " ").replace(".", " ").split()) if w]
    rating = zxcvbn(password[:STRENGTH_CHARS], user_inputs=words)
    if rating["score"] >= MIN_PASSWORD_SCORE:
        return
    feedback = rating["feedback"]
    why = str(feedback.get("warning") or "it would be guessed quickly").rstrip(".")
    tips = [str(t) for t in feedback.get("suggestions") or []]
    hint = " ".join([*tips, "A phrase of four or more uncommon words, or a password manager's, is strong."])
    raise UsageError(f"the password is too easy to guess: {why[0].lower()}{why[1:]}", hint=hint)


def strong_password() -> str:
    """Return a random password that passes `check_password_strength` (for generated accounts such as the demo's)."""
    while True:
        candidate = secrets.token_urlsafe(15)
        try:
            check_password_strength(candidate)
        except UsageError:
            continue
        return candidate


def hash_password(password: str, *, personal: tuple[str, ...] = ()) -> str:
    """Return the argon2 hash of `password`; raises `UsageError` when it is too short or weak."""
    check_password_strength(password, personal=personal)
    return _HASHER.hash(password)


def create_user(db: Session, *, email: str, name: str, role: str, password: str, actor: User | None = None) -> User:
    """Add a user and return it (audited, with `actor` as who added it: None from the command line or a setup).

    Raises `UsageError` on a bad role or e-mail, `ConflictError` if it exists.
    """
    email = email.strip().lower()
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}", hint=f"use one of: {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise UsageError("the e-mail address is not valid", hint="give an address like name@example.org")
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError("a user with this e-mail address exists already", hint="pick another address")
    name = clean_name(name, what="the name", required=False)
    user = User(
        email=email,
        name=name or email,
        role=role,
        password_hash=hash_password(password, personal=(email, name)),
    )
    db.add(user)
    db.flush()
    audit.record(db, actor_id=actor.id if actor else None, action="user.created", object_type="user", object_id=user.id)
    return user


def get_user(db: Session, user_id: int) -> User:
    """Return the user with this id; raises `NotFoundError`."""
    found = db.get(User, user_id) if 0 <= user_id < 2**31 else None
    if found is None:
        raise NotFoundError(f"no user with id {user_id}", hint="pick a user from the list of users")
    return found


def all_users(db: Session) -> list[User]:
    """Everyone who can or could sign in, oldest account first."""
    return list(db.scalars(select(User).order_by(User.id)))


def active_users(db: Session, *, roles: tuple[str, ...] | None = None) -> list[User]:
    """The active users (only those with one of `roles` when given), by name."""
    query = select(User).where(User.active.is_(True))
    if roles is not None:
        query = query.where(User.role.in_(roles))
    return list(db.scalars(query.order_by(User.name)))


def users_with_ids(db: Session, ids: Collection[int]) -> list[User]:
    """The users with these ids, by name."""
    return list(db.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def _attempt_keys(email: str, client: str) -> list[str]:
    return [token_hash(f"email:{email}"), token_hash(f"client:{client}")]


@dataclass(frozen=True)
class SignIn:
    """A sign-in under way: it counts as a failure for its e-mail address until `finish_sign_in`."""

    user_id: int | None
    password_hash: str
    keys: tuple[str, str]
    at: datetime


def start_sign_in(db: Session, *, email: str, client: str, now: datetime | None = None) -> SignIn:
    """Check the rate limit and count this attempt as a failure for the e-mail address until it succeeds.

    The password check that follows (`check_password`) runs with no transaction open; counting the attempt
    first keeps concurrent guesses at one account within the limit. Raises `RateLimitError` after too many
    recent failures for the e-mail or the client address.
    """
    now = now or utcnow()
    email = email.strip().lower()
    keys = _attempt_keys(email, client)
    recent = db.execute(
        select(LoginAttempt.key_hash, func.count())
        .where(LoginAttempt.key_hash.in_(keys), LoginAttempt.at > now - LOGIN_WINDOW)
        .group_by(LoginAttempt.key_hash)
    ).all()
    if any(count >= LOGIN_MAX_FAILURES for _key, count in recent):
        raise RateLimitError("too many failed sign-ins", hint=f"wait {LOGIN_WINDOW.seconds // 60} minutes")
    user = db.scalar(select(User).where(User.email == email))
    db.add(LoginAttempt(key_hash=keys[0], at=now))
    return SignIn(
        user.id if user is not None and user.active else None,
        user.password_hash if user is not None else _dummy_hash(),
        (keys[0], keys[1]),
        now,
    )


def check_password(sign_in: SignIn, password: str) -> tuple[bool, str | None]:
    """Return whether `password` signs in (an active user's, right) and, if so, a fresh hash when it needs one.

    Slow on purpose (argon2): call it with no transaction open. Unknown e-mails cost the same time.
    """
    try:
        ok: bool = _HASHER.verify(sign_in.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or sign_in.user_id is None:
        return False, None
    return True, _HASHER.hash(password) if _HASHER.check_needs_rehash(sign_in.password_hash) else None


def fail_sign_in(db: Session, sign_in: SignIn) -> AuthenticationError:
    """Count the failed attempt for the client address too; return the error to raise."""
    db.add(LoginAttempt(key_hash=sign_in.keys[1], at=sign_in.at))
    return AuthenticationError("wrong e-mail address or password", hint="check both and try again")


def finish_sign_in(db: Session, sign_in: SignIn, *, rehashed: str | None = None) -> User:
    """Forget the e-mail address's failures (this attempt's too) after a right password; return the user.

    `rehashed` replaces the stored hash (from `check_password`). Raises `AuthenticationError` when the user was
    deactivated or their password changed meanwhile (the attempt then stays counted).
    """
    user = db.get(User, sign_in.user_id) if sign_in.user_id is not None else None
    if user is None or not user.active or user.password_hash != sign_in.password_hash:
        raise AuthenticationError("wrong e-mail address or password", hint="check both and try again")
    db.execute(delete(LoginAttempt).where(LoginAttempt.key_hash == sign_in.keys[0]))
    if rehashed is not None:
        user.password_hash = rehashed
    return user


def authenticate(db: Session, *, email: str, password: str, client: str, now: datetime | None = None) -> User:
    """Return the active user with these credentials, all in `db`'s transaction (scripts and tests).

    Web requests use `start_sign_in`, `check_password` and `fail_sign_in`/`finish_sign_in` instead, with no
    transaction open over the password check. Raises `RateLimitError` after too many recent failures for the
    e-mail or the client address, and `AuthenticationError` on wrong credentials. The failure is recorded in
    `db`: callers must commit it even though they pass the error on.
    """
    sign_in = start_sign_in(db, email=email, client=client, now=now)
    ok, rehashed = check_password(sign_in, password)
    if not ok:
        raise fail_sign_in(db, sign_in)
    return finish_sign_in(db, sign_in, rehashed=rehashed)


@dataclass(frozen=True)
class NewSession:
    """A session just opened: the raw token (shown once, to the client) and its CSRF token."""

    token: str
    csrf_token: str
    expires_at: datetime


def open_session(db: Session, user: User, *, now: datetime | None = None) -> NewSession:
    """Open a session for `user` and return its raw token; only the token's hash is stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + SESSION_MAX
    db.add(
        WebSession(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now, expires_at=expires)
    )
    return NewSession(token, csrf, expires)


def resolve_session(db: Session, token: str, *, now: datetime | None = None) -> WebSession:
    """Return the live session for `token`.

    Raises `AuthenticationError` when the token is unknown, expired or its user is deactivated.
    """
    now = now or utcnow()
    found = db.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
    if found is None or found.expires_at <= now or not found.user.active:
        raise AuthenticationError("your session has expired", hint="sign in again")
    return found


def close_session(db: Session, token: str) -> None:
    """End the session for `token` (signing out); unknown tokens are ignored."""
    db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def purge_expired(db: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions and old login failures; return how many sessions were removed."""
    now = now or utcnow()
    removed = db.execute(delete(WebSession).where(WebSession.expires_at <= now)).rowcount  # type: ignore[attr-defined]
    db.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - LOGIN_WINDOW))
    return int(removed or 0)


def set_active(db: Session, user: User, *, active: bool, actor: User) -> User:
    """Deactivate a user (every session of theirs ends at once; their history stays) or activate them again (audited).

    Raises `ConflictError` when admins try to deactivate themselves (someone must be left to undo it).
    """
    if not active and user.id == actor.id:
        raise ConflictError("you cannot deactivate yourself", hint="ask another admin")
    if user.active == active:
        return user
    user.active = active
    if not active:
        db.execute(delete(WebSession).where(WebSession.user_id == user.id))
        # Their calendar feed dies with their sessions; activated again, they make a new one.
        db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    audit.record(
        db,
        actor_id=actor.id,
        action="user.reactivated" if active else "user.deactivated",
        object_type="user",
        object_id=user.id,
    )
    return user


def user_zone(user: User) -> str:
    """Return the time zone the user sees times in: their own, or MLSCREEN_DEFAULT_TIMEZONE when they chose none."""
    return user.timezone or settings.DEFAULT_TIMEZONE.get()


def set_timezone(db: Session, user: User, name: str) -> User:
    """Set the time zone the user sees times in (an IANA name, any letter case); an empty name returns to the
    default. Raises `UsageError` for an unknown zone, saying how to write one."""
    user.timezone = check_zone(name) if name.strip() else None
    db.flush()
    return user
