"""Closing rooms past their maximum duration that nobody is connected to (a duty of the deadline sweeper).

Rooms someone is in are closed by the process serving them (`hub.Hub`); this closes the others, so every room
ends with its final code kept and its closing audited, whether or not anyone came back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from mlscreen.store.db import Database
from mlscreen.store.rooms import close_overdue_rooms, overdue_rooms

log = logging.getLogger(__name__)


class OverdueRooms:
    """Closes overdue rooms when called; looks first in a read-only transaction (most calls find none)."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self.db, self.clock = db, clock

    def __call__(self) -> None:
        now = self.clock()
        with self.db.session(write=False) as s:
            if not overdue_rooms(s, now=now):
                return
        with self.db.session() as s:
            closed = close_overdue_rooms(s, now=now)
        if closed:
            log.info("closed %d room(s) past their maximum duration", len(closed))
