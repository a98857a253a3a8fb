"""Schema migrations: apply Alembic revisions to a database and report where it stands."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from mlscreen.errors import UsageError
from mlscreen.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def unreachable(db: Database, exc: SQLAlchemyError) -> UsageError:
    """Return the error to report when the database refused a connection or a statement."""
    # The driver's first line says why (refused, unknown host, read-only, disk full) without any stored value.
    reason = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()[0][:300]
    return UsageError(
        f"cannot use the database {db!r}: {reason}",
        hint="check MLSCREEN_DATABASE_URL (or --url), that the server runs and that the disk has room",
    )


def upgrade(db: Database, *, revision: str = "head") -> str | None:
    """Apply migrations up to `revision` and return the revision the database is now at.

    Raises `UsageError` when the database cannot be reached or written.
    """
    config = alembic_config()
    try:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise unreachable(db, exc) from None
    return current_revision(db)


def current_revision(db: Database) -> str | None:
    """Return the revision the database is at, or None when it was never migrated.

    Raises `UsageError` when the database cannot be reached.
    """
    try:
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise unreachable(db, exc) from None


def require_schema(db: Database) -> None:
    """Raise `UsageError` unless the database answers and is migrated to the newest schema."""
    current, head = current_revision(db), head_revision()
    if current != head:
        state = "was never set up" if current is None else f"is at revision {current}, not {head}"
        raise UsageError(f"the database {db!r} {state}", hint="run `mlscreen db upgrade` first")


def head_revision() -> str | None:
    """Return the newest revision the packaged migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
