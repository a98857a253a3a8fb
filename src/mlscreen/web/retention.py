"""The daily application of the retention policy, run by the server's background sweeper."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from mlscreen.store.db import Database
from mlscreen.store.retention import apply_daily

log = logging.getLogger(__name__)


class RetentionDuty:
    """Asks at most every `every` seconds whether the day's retention run is due, and runs it if so.

    A lease in the database makes the run happen once a day whatever the number of server processes.
    """

    def __init__(
        self, db: Database, *, days: Callable[[], int], clock: Callable[[], datetime], every: float = 3600.0
    ) -> None:
        self.db, self.days, self.clock, self.every = db, days, clock, every
        self._next = 0.0

    def __call__(self) -> None:
        """Apply the policy if due, logging how many candidates were erased (never who)."""
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.every
        run = apply_daily(self.db, days=self.days(), now=self.clock())
        if not run.skipped:
            log.info("retention: erased %d candidate(s) closed more than %d days ago", len(run.erased), run.days)
