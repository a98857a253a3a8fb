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


def test_guesses_in_flight_count_against_the_e_mail_and_a_right_password_clears_them(database: Database) -> None:
    # Web sign-ins check the password between two transactions: the attempts started meanwhile must count.
    with database.session() as s:
        accounts.create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
    started = []
    for n in range(accounts.LOGIN_MAX_FAILURES):
        with database.session() as s:
            started.append(accounts.start_sign_in(s, email="a@example.org", client=f"10.0.0.{n}"))
    with database.session() as s, pytest.raises(RateLimitError):
        accounts.start_sign_in(s, email="a@example.org", client="10.0.1.1")
    assert accounts.check_password(started[0], PASSWORD) == (True, None)
    assert accounts.check_password(started[1], "wrong password") == (False, None)
    with database.session() as s:
        assert accounts.finish_sign_in(s, started[0]).email == "a@example.org"
    with database.session() as s:  # the e-mail's count is cleared; a failure counts against its address only
        raise_it = accounts.fail_sign_in(s, started[1])
        assert accounts.start_sign_in(s, email="a@example.org", client="10.0.1.1").user_id is not None
    assert isinstance(raise_it, AuthenticationError)


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
