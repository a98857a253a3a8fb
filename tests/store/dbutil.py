"""Databases for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL service."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mlscreen.store.db import Database
from tests.conftest import require_service

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.services),
]


def postgres_problem() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    import psycopg

    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2):
            return None
    except psycopg.Error as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@contextmanager
def fresh_database(backend: str, tmp_path: Path, *, create: bool = True) -> Iterator[Database]:
    """Yield an empty database of `backend`; a PostgreSQL schema is dropped again afterwards."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        if create:
            db.create_all()
        try:
            yield db
        finally:
            db.dispose()
        return
    problem = postgres_problem()
    require_service("PostgreSQL", problem is None, problem or "")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(PG_URL, schema=schema)
    try:
        if create:
            db.create_all()
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
