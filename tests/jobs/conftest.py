"""Jobs run against both SQLite and PostgreSQL, with the store tests' database fixtures."""

from tests.store.conftest import database, empty_database

__all__ = ["database", "empty_database"]
