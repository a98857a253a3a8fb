"""Schema migrations: apply Alembic revisions to a database and report where it stands."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mlscreen.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, *, revision: str = "head") -> str | None:
    """Apply migrations up to `revision` and return the revision the database is now at."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(db)


def current_revision(db: Database) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision the packaged migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
