"""The daily application of the retention policy, in a thread of the server process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from mlscreen.store.db import Database
from mlscreen.store.retention import apply_daily

log = logging.getLogger(__name__)


class RetentionSweeper:
    """A thread that asks every `every` seconds whether the day's retention run is due, and runs it if so.

    A lease in the database makes the run happen once a day whatever the number of server processes.
    """

    def __init__(
        self, db: Database, *, days: Callable[[], int], clock: Callable[[], datetime], every: float = 3600.0
    ) -> None:
        self.db, self.days, self.clock, self.every = db, days, clock, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """Apply the policy if due, logging how many candidates were erased (never who)."""
        run = apply_daily(self.db, days=self.days(), now=self.clock())
        if not run.skipped:
            log.info("retention: erased %d candidate(s) closed more than %d days ago", len(run.erased), run.days)

    def _loop(self) -> None:
        while True:
            try:
                self.run_once()
            except Exception:  # a database hiccup: the next round tries again
                log.warning("applying the retention policy failed", exc_info=True)
            if self._stop.wait(self.every):
                return

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="mlscreen-retention", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
