"""Alembic environment: migrates the database the caller's `Database` points at."""

from __future__ import annotations

from alembic import context

from mlscreen.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through mlscreen.store.migrate.upgrade, which passes a connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
