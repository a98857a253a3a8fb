"""Closing assessments whose time ran out while nobody had the page open (so saved work is still graded), and
writing the reminders that fall due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from mlscreen.jobs.queue import JobQueue
from mlscreen.store.assessments import close_overdue
from mlscreen.store.db import Database
from mlscreen.store.models import Invite
from mlscreen.store.reminders import due_link_reminders, due_scorecard_reminders, send_reminders

log = logging.getLogger(__name__)


def close_overdue_assessments(db: Database, queue: JobQueue, *, now: datetime, grace: timedelta) -> int:
    """Close every assessment whose time is up, grading what was saved; returns how many were closed."""
    started_before = now - grace
    # A read first: most of the time nothing is overdue, and on SQLite a write transaction takes the lock.
    with db.session(write=False) as s:
        candidates = s.scalar(
            select(Invite.id)
            .where(Invite.submitted_at.is_(None), Invite.started_at.is_not(None), Invite.started_at <= started_before)
            .limit(1)
        )
    if candidates is None:
        return 0
    with db.session() as s:
        return close_overdue(s, queue, now=now, grace=grace)


def send_due_reminders(
    db: Database, queue: JobQueue, *, now: datetime, candidate_link: Callable[[int], str], key: bytes
) -> int:
    """Write the reminders due now (each once); returns how many. Looks first in a read-only transaction.

    `key` is the server's pseudonym key (reminders name blind-reviewed candidates by pseudonym).
    """
    with db.session(write=False) as s:
        due = bool(due_link_reminders(s, now=now) or due_scorecard_reminders(s, now=now))
    if not due:
        return 0
    with db.session() as s:
        return send_reminders(s, queue, now=now, candidate_link=candidate_link, key=key)


class DeadlineSweeper:
    """A thread that closes overdue assessments and writes due reminders every `every` seconds, then runs each of
    `also` in turn.

    Duties in `also` (the daily retention run) share the thread, so they share its one database connection.
    """

    def __init__(
        self,
        db: Database,
        queue: JobQueue,
        *,
        clock: Callable[[], datetime],
        grace: timedelta,
        every: float = 30.0,
        candidate_link: Callable[[int], str] | None = None,
        pseudonym_key: bytes | None = None,
        also: tuple[Callable[[], None], ...] = (),
    ) -> None:
        if candidate_link is not None and not pseudonym_key:
            raise ValueError("reminders need the pseudonym key: they may name blind-reviewed candidates")
        self.db, self.queue, self.clock, self.grace, self.every, self.also = db, queue, clock, grace, every, also
        self.candidate_link = candidate_link
        self.pseudonym_key = pseudonym_key or b""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                closed = close_overdue_assessments(self.db, self.queue, now=self.clock(), grace=self.grace)
                if closed:
                    log.info("closed %d assessment(s) whose time was up", closed)
            except Exception:  # a database hiccup: the next round tries again
                log.warning("closing overdue assessments failed", exc_info=True)
            if self.candidate_link is not None:
                try:
                    send_due_reminders(
                        self.db,
                        self.queue,
                        now=self.clock(),
                        candidate_link=self.candidate_link,
                        key=self.pseudonym_key,
                    )
                except Exception:  # a database hiccup or a broken deployment template: the next round tries again
                    log.warning("writing reminders failed", exc_info=True)
            for duty in self.also:
                try:
                    duty()
                except Exception:
                    log.warning("a background duty failed", exc_info=True)

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="mlscreen-deadlines", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
