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
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from mlscreen import settings
from mlscreen.errors import BusyError, UsageError
from mlscreen.private import sqlite_files


def default_url() -> str:
    """Return `MLSCREEN_DATABASE_URL`, or a SQLite file in `MLSCREEN_DATA_DIR` when it is empty."""
    configured = settings.DATABASE_URL.get().reveal()
    if configured:
        return str(configured)
    data_dir: Path = settings.DATA_DIR.get()
    return f"sqlite:///{data_dir / 'mlscreen.db'}"


# Connections and how long anyone waits for one. Every transaction is short (slow work never runs inside one,
# see docs/web.md), so a wait longer than WAIT_SECONDS means the server is overloaded or stuck: the caller is then
# told so (503) instead of queueing for half a minute.
REQUEST_CONNECTIONS = 8
"""Requests that may hold a connection at once in one process (the web guard's slots)."""
WAIT_SECONDS = 5.0
"""The longest a caller waits for a connection (or, on SQLite, for another process's write to end)."""


def job_connections(workers: int) -> int:
    """Return the connections `workers` job threads may hold at once, plus the process's background sweepers.

    A running job holds at most one session at a time and its lease heartbeat another; the deadline closer (which
    also applies the daily retention policy, one after the other) and the Celery re-publisher hold one each.
    """
    return 2 * workers + 2


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while a writer commits; busy_timeout makes a writer wait for another process's
    # (short) write transaction instead of failing at once. Writers of one process never wait here: the web
    # guard queues them before they take a connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(WAIT_SECONDS * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten values are zeroed in the file, so an erased candidate's data cannot be read back
    # from free space (some SQLite builds have this on by default, others not).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def ping(db: Session) -> bool:
    """Return True when the database answers a trivial query in `db`'s transaction."""
    try:
        db.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


_mode = threading.local()


def _sqlite_begin(conn: Any) -> None:
    # A writing transaction takes the write lock at BEGIN, so two writers never fail upgrading read locks;
    # reading transactions begin deferred and, in WAL mode, never wait for a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if getattr(_mode, "write", True) else "BEGIN")


class Database:
    """An engine and its session factory. `session()` is the only way code reaches the database.

    The pool is fixed at `connections` (default: `REQUEST_CONNECTIONS` plus `job_connections` for the
    configured `MLSCREEN_WORKERS`), with no overflow: a process never opens more, so a PostgreSQL server's
    `max_connections` must exceed the sum over every process. A checkout waits at most `wait` seconds, then
    raises `BusyError`.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        schema: str | None = None,
        connections: int | None = None,
        wait: float = WAIT_SECONDS,
    ) -> None:
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
        if connections is None:
            connections = REQUEST_CONNECTIONS + job_connections(settings.WORKERS.get())
        self.connections = max(1, connections)
        self.wait = wait
        memory = self.dialect == "sqlite" and parsed.database in (None, "", ":memory:")
        if not memory:  # an in-memory SQLite database has one connection per thread, no queue
            kwargs.update(pool_size=self.connections, max_overflow=0, pool_timeout=wait)
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                sqlite_files(Path(parsed.database).expanduser())
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": wait}
        elif self.dialect == "postgresql":
            # An unreachable server fails a checkout within `wait` too (psycopg takes whole seconds).
            connect: dict[str, Any] = {"connect_timeout": max(1, round(wait))}
            if schema:
                connect["options"] = f"-csearch_path={schema}"
            kwargs["connect_args"] = connect
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

        The connection is taken at once and returned when the block ends. `write=False` promises only reads
        (on SQLite the transaction then takes no write lock). Raises `BusyError` when no connection comes free
        within `wait` seconds.
        """
        with self._factory() as session, session.begin():
            _mode.write = write
            try:
                session.connection()  # check out now (so a busy pool fails here), in the mode asked for
            except PoolTimeout:
                raise BusyError(
                    "the server is busy: no database connection came free in time",
                    hint="try again in a few seconds",
                ) from None
            finally:
                _mode.write = True
            yield session

    def request_slots(self, workers: int) -> int:
        """Return how many requests may hold a connection at once, leaving `workers` job threads theirs.

        On SQLite one more connection is kept for the process's one writer, so these are the readers' slots.
        Raises `UsageError` when the pool is too small for the workers.
        """
        writer = 1 if self.dialect == "sqlite" else 0
        slots = min(REQUEST_CONNECTIONS, self.connections - job_connections(workers)) - writer
        if slots < 1:
            need = job_connections(workers) + writer + 1
            raise UsageError(
                f"a database pool of {self.connections} connections is too small for {workers} workers",
                hint=f"lower MLSCREEN_WORKERS or give the database at least {need} connections",
            )
        return slots

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
