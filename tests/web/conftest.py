"""An application over a fresh database, people in every role, and clients signed in as each of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user, open_session
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.models import User, WrittenAnswer
from mlscreen.store.openings import add_member, create_opening
from mlscreen.web.app import create_app
from mlscreen.web.security import SESSION_COOKIE
from tests.store.dbutil import fresh_database

PASSWORD = "a long enough password"
PEOPLE = {
    "admin": "admin",
    "hm": "hiring_manager",
    "hm_other": "hiring_manager",
    "recruiter": "recruiter",
    "interviewer": "interviewer",
    "interviewer2": "interviewer",
    "interviewer_unassigned": "interviewer",
}


@dataclass
class World:
    """The seeded organisation: user ids by nickname, opening A (hm's) and B (hm_other's), candidates."""

    app: FastAPI
    db: Database
    users: dict[str, int]
    opening: int
    other_opening: int
    candidate: int
    other_candidate: int
    answer: int
    token: str
    invite: int

    def client(self, who: str | None, *, raise_server_exceptions: bool = True) -> Client:
        return Client(self, who, raise_server_exceptions=raise_server_exceptions)


class Client:
    """A test client with a session cookie for one of the world's people (or none), carrying its CSRF token."""

    def __init__(self, world: World, who: str | None, *, raise_server_exceptions: bool = True) -> None:
        self.http = TestClient(world.app, follow_redirects=False, raise_server_exceptions=raise_server_exceptions)
        self.csrf = ""
        if who is not None:
            with world.db.session() as s:
                new = open_session(s, s.get_one(User, world.users[who]))
            self.csrf = new.csrf_token
            signed = world.app.state.cookies._signer.sign(new.token).decode("ascii")
            self.http.cookies.set(SESSION_COOKIE, signed)

    def get(self, path: str, **kwargs: Any) -> httpx2.Response:
        return self.http.get(path, **kwargs)

    def form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx2.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def api(self, method: str, path: str, json: Any = None) -> httpx2.Response:
        return self.http.request(method, path, json=json, headers={"X-CSRF-Token": self.csrf})


def seed(db: Database, bank: Bank) -> dict[str, Any]:
    with db.session() as s:
        users = {
            n: create_user(s, email=f"{n}@example.org", name=n, role=r, password=PASSWORD) for n, r in PEOPLE.items()
        }
        a = create_opening(s, bank, title="Opening A", profile_id="ml-engineer", actor=users["hm"])
        b = create_opening(s, bank, title="Opening B", profile_id="data-scientist", actor=users["hm_other"])
        for n in ("recruiter", "interviewer", "interviewer2", "interviewer_unassigned"):
            add_member(s, a, users[n].id)
        cand = add_candidate(s, a, name="Cand A", email="cand.a@example.net")
        other = add_candidate(s, b, name="Cand B", email="cand.b@example.net")
        for n in ("interviewer", "interviewer2"):
            assign_interviewer(s, cand, position=2, interviewer_id=users[n].id)
        answer = WrittenAnswer(
            candidate_id=cand.id, stage_position=2, question_id="q", answer="An answer.", advice={"suggested_level": 2}
        )
        s.add(answer)
        s.flush()
        invite = create_invite(s, bank, cand, position=1)
        ids: dict[str, Any] = {n: u.id for n, u in users.items()}
        ids.update(opening=a.id, other_opening=b.id, candidate=cand.id, other_candidate=other.id)
        ids.update(answer=answer.id, token=invite.token, invite=invite.invite.id)
        return ids


@dataclass(frozen=True)
class Seeded:
    """A migrated and seeded SQLite file, and the ids `seed` returned for it."""

    path: Path
    ids: dict[str, Any]


@pytest.fixture(scope="session")
def seeded_sqlite(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """Build the seeded SQLite database once; every SQLite world starts from a copy of it.

    Seeding hashes seven passwords with argon2, slow on purpose; copying the file is not.
    """
    directory = tmp_path_factory.mktemp("seeded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLSCREEN_SETTINGS_FILE", str(directory / "no-settings.json"))
        with fresh_database("sqlite", directory, create=False) as db:
            upgrade(db)
            ids = seed(db, bank)
    assert not (directory / "test.db-wal").exists(), "the seeded database was not checkpointed"
    return Seeded(directory / "test.db", ids)


@pytest.fixture
def make_world(
    bank: Bank, seeded_sqlite: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., World]]:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    opened: list[object] = []

    def make(backend: str = "sqlite", workers: int = 0) -> World:
        if backend == "sqlite":
            shutil.copyfile(seeded_sqlite.path, tmp_path / "test.db")
        manager = fresh_database(backend, tmp_path, create=False)
        db = manager.__enter__()
        opened.append(manager)
        app = create_app(db=db, bank=bank, workers=workers, key="test-secret-key")
        ids = seeded_sqlite.ids if backend == "sqlite" else seed(db, bank)
        return World(
            app,
            db,
            {n: ids[n] for n in PEOPLE},
            ids["opening"],
            ids["other_opening"],
            ids["candidate"],
            ids["other_candidate"],
            ids["answer"],
            ids["token"],
            ids["invite"],
        )

    yield make
    for manager in reversed(opened):
        manager.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()
