"""`mlscreen jobs failed` and `mlscreen jobs retry`: the command line's view of jobs that failed for good."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mlscreen.jobs.local import LocalQueue
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.models import AuditEvent, Job
from tests.conftest import CliResult


def broken(_db: Database, _payload: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("the report could not be built")


def test_failed_jobs_are_listed_and_retried_from_the_command_line(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    db = Database(url)
    upgrade(db)
    queue = LocalQueue(db, {"report": broken})
    with db.session() as s:
        job_id = queue.enqueue("report", {"candidate_id": 1}, session=s)
        s.get_one(Job, job_id).max_attempts = 1
    assert queue.run_one("w")

    listed = run_cli("jobs", "failed", "--url", url, "--json")
    assert listed.exit_code == 0, listed.stderr
    [job] = json.loads(listed.stdout)["jobs"]
    assert (job["id"], job["kind"], job["error"]) == (job_id, "report", "RuntimeError: the report could not be built")

    assert run_cli("jobs", "retry", str(job_id + 1), "--url", url).exit_code == 2  # not a failed job
    retried = run_cli("jobs", "retry", "--all", "--url", url)
    assert retried.exit_code == 0 and f"queued again: {job_id}" in retried.stdout
    with db.session() as s:
        assert s.get_one(Job, job_id).status == "queued"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "job.retried")).one()
        assert (event.object_id, event.actor_id, event.detail["via"]) == (job_id, None, "cli")
    db.dispose()


def test_jobs_commands_on_a_database_never_set_up_say_so(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("jobs", "failed", "--url", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 2 and "was never set up" in result.stderr and "mlscreen db upgrade" in result.stderr
