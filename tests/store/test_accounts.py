"""Passwords are argon2-hashed, sign-ins are rate-limited, sessions expire and store only token hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mlscreen.errors import AuthenticationError, ConflictError, RateLimitError, UsageError
from mlscreen.store import accounts
from mlscreen.store.db import Database
from mlscreen.store.models import WebSession, utcnow

PASSWORD = "correct horse battery"


def test_password_is_hashed_with_argon2(database: Database) -> None:
    with database.session() as s:
        user = accounts.create_user(s, email="Ann@Example.org", name="Ann", role="recruiter", password=PASSWORD)
        assert user.password_hash.startswith("$argon2")
        assert PASSWORD not in user.password_hash
        assert user.email == "ann@example.org"
    with database.session() as s:
        assert accounts.authenticate(s, email="ann@example.org", password=PASSWORD, client="1.2.3.4").name == "Ann"


def test_bad_users_are_refused(database: Database) -> None:
    with database.session() as s:
        accounts.create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
    with database.session() as s, pytest.raises(ConflictError):
        accounts.create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
    with database.session() as s, pytest.raises(UsageError, match="role"):
        accounts.create_user(s, email="b@example.org", name="B", role="owner", password=PASSWORD)
    with database.session() as s, pytest.raises(UsageError, match="short"):
        accounts.create_user(s, email="c@example.org", name="C", role="admin", password="short")


def test_sign_in_is_rate_limited(database: Database) -> None:
    with database.session() as s:
        accounts.create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
    for _ in range(accounts.LOGIN_MAX_FAILURES):
        with database.session() as s, pytest.raises(AuthenticationError):
            accounts.authenticate(s, email="a@example.org", password="wrong password", client="9.9.9.9")
    # Even the right password is refused while the limit holds, from any address.
    with database.session() as s, pytest.raises(RateLimitError):
        accounts.authenticate(s, email="a@example.org", password=PASSWORD, client="8.8.8.8")
    later = utcnow() + accounts.LOGIN_WINDOW + timedelta(seconds=1)
    with database.session() as s:
        assert accounts.authenticate(s, email="a@example.org", password=PASSWORD, client="8.8.8.8", now=later)


def test_sessions_store_hashes_and_expire(database: Database) -> None:
    with database.session() as s:
        user = accounts.create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
        new = accounts.open_session(s, user)
    with database.session() as s:
        stored = s.scalar(select(WebSession))
        assert stored is not None and stored.token_hash != new.token
        assert accounts.resolve_session(s, new.token).user.email == "a@example.org"
    with database.session() as s, pytest.raises(AuthenticationError):
        accounts.resolve_session(s, new.token, now=utcnow() + accounts.SESSION_MAX + timedelta(minutes=1))
    with database.session() as s:
        accounts.close_session(s, new.token)
    with database.session() as s, pytest.raises(AuthenticationError):
        accounts.resolve_session(s, new.token)
