"""`mlscreen worker` runs background job workers; `mlscreen jobs` lists and retries jobs that failed for good."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mlscreen.errors import UsageError

jobs_app = typer.Typer(help="See and retry background jobs that failed for good.", no_args_is_help=True)
URL_HELP = "Database URL; default MLSCREEN_DATABASE_URL or the data dir."


def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at the same time in this process.")] = 1,
    pool: Annotated[
        str, typer.Option(help="Celery pool: threads, solo or prefork (the local backend always uses threads).")
    ] = "threads",
) -> None:
    """Run job workers for the configured backend (MLSCREEN_JOB_BACKEND) until stopped with Ctrl-C or SIGTERM.

    Exits 3 without starting when this machine cannot grade submissions (bubblewrap missing).
    """
    from mlscreen import settings
    from mlscreen.jobs.worker import run_worker

    typer.echo(f"starting {settings.JOB_BACKEND.get()} worker (concurrency {concurrency})", err=True)
    run_worker(concurrency=concurrency, pool=pool)


@jobs_app.command("failed")
def jobs_failed(
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the jobs as JSON.")] = False,
) -> None:
    """List the jobs that failed for good, newest first."""
    from mlscreen.store.db import Database
    from mlscreen.store.jobs import failed_jobs
    from mlscreen.store.migrate import require_schema

    db = Database(url)
    try:
        require_schema(db)
        with db.session(write=False) as s:
            jobs = failed_jobs(s)
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps({"jobs": [job.to_json() for job in jobs]}))
        return
    if not jobs:
        typer.echo("no failed jobs")
    for job in jobs:
        typer.echo(f"{job.id}\t{job.kind}\t{job.attempts} attempt(s)\t{job.finished_at}\t{job.error}")


@jobs_app.command("retry")
def jobs_retry(
    job_ids: Annotated[list[int] | None, typer.Argument(metavar="[JOB_ID]...", help="Failed jobs to retry.")] = None,
    all_failed: Annotated[bool, typer.Option("--all", help="Retry every failed job.")] = False,
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Queue failed jobs again from their first attempt (audited); a grading job's submission waits again."""
    from mlscreen.store.db import Database
    from mlscreen.store.jobs import retry_failed
    from mlscreen.store.migrate import require_schema

    if bool(job_ids) == all_failed:
        raise UsageError("give either job ids or --all", hint="see the ids with `mlscreen jobs failed`")
    db = Database(url)
    try:
        require_schema(db)
        with db.session() as s:
            done = retry_failed(s, actor_id=None, job_ids=None if all_failed else list(job_ids or ()), via="cli")
    finally:
        db.dispose()
    typer.echo(f"queued again: {', '.join(map(str, done)) or 'nothing'}")


def register(app: typer.Typer) -> None:
    """Add `worker` and the `jobs` group to the top-level command."""
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")
