"""The database gateway: one engine per URL, and the one place sessions come from."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mlscreen import settings
from mlscreen.errors import UsageError
from mlscreen.private import sqlite_files


def default_url() -> str:
    """Return `MLSCREEN_DATABASE_URL`, or a SQLite file in `MLSCREEN_DATA_DIR` when it is empty."""
    configured = settings.DATABASE_URL.get().reveal()
    if configured:
        return str(configured)
    data_dir: Path = settings.DATA_DIR.get()
    return f"sqlite:///{data_dir / 'mlscreen.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while a writer commits; busy_timeout makes concurrent writers wait, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_mode = threading.local()


def _sqlite_begin(conn: Any) -> None:
    # A writing transaction takes the write lock at BEGIN, so two writers never fail upgrading read locks;
    # reading transactions begin deferred and, in WAL mode, never wait for a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if getattr(_mode, "write", True) else "BEGIN")


POOL_SIZE = 10
POOL_OVERFLOW = 20


class Database:
    """An engine and its session factory. `session()` is the only way code reaches the database."""

    def __init__(self, url: str | None = None, *, schema: str | None = None) -> None:
        raw = url or default_url()
        try:
            parsed = make_url(raw)
        except ArgumentError:
            raise UsageError(
                "the database URL cannot be parsed",
                hint="give MLSCREEN_DATABASE_URL as e.g. postgresql+psycopg://user@host/db, or leave it empty",
            ) from None
        self.dialect = parsed.get_backend_name()
        self.schema = schema
        # hide_parameters: values (names, e-mails, answers) never appear in error messages or logs.
        kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                sqlite_files(Path(parsed.database).expanduser())
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        elif self.dialect == "postgresql":
            kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
            if schema:
                kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        self.url = parsed
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # pysqlite's own transaction handling is switched off so BEGIN IMMEDIATE can be issued.
            event.listen(self.engine, "connect", lambda c, _r: setattr(c, "isolation_level", None))
            event.listen(self.engine, "begin", _sqlite_begin)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session in one transaction: committed when the block ends, rolled back on any error.

        `write=False` promises only reads (on SQLite the transaction then takes no write lock).
        """
        with self._factory() as session, session.begin():
            if self.dialect == "sqlite":
                _mode.write = write
                try:
                    session.connection()  # begin now, in this thread, in the mode asked for
                finally:
                    _mode.write = True
            yield session

    def request_slots(self, workers: int) -> int:
        """Return how many requests may hold a session at once, leaving connections for `workers` job threads."""
        if self.dialect == "sqlite":
            return 64  # connections are cheap; writers are serialised separately
        return max(4, POOL_SIZE + POOL_OVERFLOW - 2 * workers - 2)

    def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def create_all(self) -> None:
        """Create every table from the models (tests and `--demo`; deployments use `upgrade`)."""
        from mlscreen.store.models import Base

        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"
