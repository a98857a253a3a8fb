"""Persistence: SQLAlchemy models, the database gateway, migrations and the domain operations on them.

Import `mlscreen.store.db.Database` and the domain modules directly; this package imports nothing so that the
command line stays fast.
"""
