"""`mlscreen worker`: run background job workers (grading, answer scoring, reports) in their own process."""

from __future__ import annotations

from typing import Annotated

import typer


def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at the same time in this process.")] = 1,
    pool: Annotated[
        str, typer.Option(help="Celery pool: threads, solo or prefork (the local backend always uses threads).")
    ] = "threads",
) -> None:
    """Run job workers for the configured backend (MLSCREEN_JOB_BACKEND) until stopped with Ctrl-C or SIGTERM."""
    from mlscreen import settings
    from mlscreen.jobs.worker import run_worker

    typer.echo(f"starting {settings.JOB_BACKEND.get()} worker (concurrency {concurrency})", err=True)
    run_worker(concurrency=concurrency, pool=pool)


def register(app: typer.Typer) -> None:
    """Add `worker` to the top-level command."""
    app.command("worker")(worker)
