"""Weak passwords are refused wherever a password is set, with zxcvbn's reason and advice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.jobs.handlers import default_handlers
from mlscreen.jobs.local import LocalQueue
from mlscreen.store import accounts
from mlscreen.store.db import Database
from mlscreen.store.models import User
from mlscreen.web.demo import seed_demo

WEAK = ["aaaaaaaaaa", " " * 10, "password123", "qwertyuiop", "1234567890", "abcabcabcabc"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_with_a_reason(password: str) -> None:
    with pytest.raises(UsageError, match="too easy to guess: ") as caught:
        accounts.check_password_strength(password)
    assert caught.value.hint and "uncommon words" in caught.value.hint


def test_a_password_made_of_the_accounts_own_words_is_refused() -> None:
    accounts.check_password_strength("lindqvist2024!")
    with pytest.raises(UsageError, match="too easy to guess"):
        accounts.check_password_strength("lindqvist2024!", personal=("lindqvist@example.org", "Mara Lindqvist"))


def test_strong_and_long_passwords_pass() -> None:
    accounts.check_password_strength("correct horse battery staple")
    accounts.check_password_strength("an unusually long sentence about a ferry " * 20)  # longer than zxcvbn reads


def test_create_user_refuses_a_weak_password(database: Database) -> None:
    with database.session() as s, pytest.raises(UsageError, match="too easy to guess"):
        accounts.create_user(s, email="a@example.org", name="A", role="admin", password="aaaaaaaaaa")
    with database.session() as s:
        assert s.scalar(select(User.id)) is None


def test_cli_user_add_refuses_a_weak_password(
    run_cli: Callable[..., object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSCREEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("NEW_PASSWORD", "qwertyuiop")
    assert run_cli("db", "upgrade").exit_code == 0  # type: ignore[attr-defined]
    added = run_cli("user", "add", "lee@example.org", "--role", "recruiter", "--password-env", "NEW_PASSWORD")
    assert added.exit_code == 2  # type: ignore[attr-defined]
    assert "too easy to guess" in added.stderr and "qwertyuiop" not in added.stderr  # type: ignore[attr-defined]


@pytest.mark.slow  # seeds the whole demo organisation
def test_generated_demo_passwords_are_strong(bank: Bank, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    db.create_all()
    try:
        logins = seed_demo(db, bank, LocalQueue(db, default_handlers(), workers=0))
    finally:
        db.dispose()
    for email, _role, password in logins:
        accounts.check_password_strength(password, personal=(email,))
