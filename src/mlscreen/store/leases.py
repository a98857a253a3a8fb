"""Leases: a duty that exactly one process performs at a time, taken over by another once its holder is gone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from mlscreen.store.db import Database
from mlscreen.store.models import Lease, utcnow


def acquire(db: Database, name: str, holder: str, *, seconds: float, now: datetime | None = None) -> bool:
    """Take or renew the lease `name` for `holder` for `seconds`; return True when `holder` now holds it.

    A lease held by someone else is free again once it expires (its holder was killed or lost the database),
    so a process that dies while holding one delays the duty by at most `seconds`.
    """
    now = now or utcnow()
    until = now + timedelta(seconds=seconds)
    with db.session() as s:
        taken = s.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
            .values(holder=holder, expires_at=until)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return True
        if s.get(Lease, name) is not None:
            return False
    try:
        with db.session() as s:
            s.add(Lease(name=name, holder=holder, expires_at=until))
    except IntegrityError:  # another process created it first
        return False
    return True


def release(db: Database, name: str, holder: str) -> None:
    """Give the lease up (if `holder` holds it), so another process can take it at once."""
    with db.session() as s:
        s.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def holder_of(db: Database, name: str, *, now: datetime | None = None) -> str | None:
    """Return who holds the lease `name` now, or None when nobody does."""
    now = now or utcnow()
    with db.session(write=False) as s:
        lease = s.get(Lease, name)
        return lease.holder if lease is not None and lease.expires_at >= now else None
