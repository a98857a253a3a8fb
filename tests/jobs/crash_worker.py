"""A worker process for the crash test: claims the job, signals through a file, then hangs until killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from mlscreen.jobs.local import LocalQueue
from mlscreen.store.db import Database


def main() -> None:
    url, schema, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    kind = sys.argv[4] if len(sys.argv) > 4 else "slow"

    def hang(_db: Database, payload: dict[str, Any]) -> dict[str, Any]:
        marker.write_text(str(payload), encoding="utf-8")
        time.sleep(600)
        return {}

    db = Database(url, schema=schema or None)
    queue = LocalQueue(db, {kind: hang}, workers=1, lease_seconds=1.0, poll_seconds=0.05)
    queue.start()
    time.sleep(600)


if __name__ == "__main__":
    main()
