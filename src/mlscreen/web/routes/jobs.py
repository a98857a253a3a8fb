"""Background jobs that failed for good: the admin page and API to see and retry them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import RedirectResponse, Response

from mlscreen.errors import UsageError
from mlscreen.store.jobs import failed_jobs, retry_failed
from mlscreen.web.api_models import ERRORS, FailedJobsOut, RetriedOut
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter()
CtxDep = Annotated[Ctx, Depends(current)]


class RetryRequest(BaseModel):
    """Which failed jobs to retry: the ids given, or every one with `all`."""

    model_config = ConfigDict(extra="forbid")
    job_ids: list[Annotated[int, Field(ge=1, lt=2**31)]] = Field(default_factory=list, max_length=1000)
    all: bool = False


def _chosen(job_ids: list[int], every: bool) -> list[int] | None:
    if bool(job_ids) == every:
        raise UsageError("give either job ids or all", hint='send {"job_ids": [3, 4]} or {"all": true}')
    return None if every else job_ids


@router.get("/admin/jobs", name="jobs_page", include_in_schema=False)
def jobs_page(ctx: CtxDep) -> Response:
    """Jobs that failed for good, each with a retry button."""
    return render(ctx.request, "jobs.html", jobs=failed_jobs(ctx.db))


@router.post("/admin/jobs/retry", name="jobs_retry", include_in_schema=False)
def jobs_retry(ctx: CtxDep, job_id: Annotated[int | None, Form(ge=1, lt=2**31)] = None) -> Response:
    """Retry one failed job, or all of them when no job is named."""
    retry_failed(ctx.db, actor_id=ctx.me.id, job_ids=None if job_id is None else [job_id], via="page")
    return RedirectResponse(ctx.request.app.url_path_for("jobs_page"), status_code=303)


@router.get("/api/v1/jobs/failed", name="api_jobs_failed", tags=["api"], response_model=FailedJobsOut, responses=ERRORS)
def api_jobs_failed(ctx: CtxDep) -> dict[str, Any]:
    """Jobs that failed for good, newest first."""
    return {"jobs": [job.to_json() for job in failed_jobs(ctx.db)]}


@router.post("/api/v1/jobs/retry", name="api_jobs_retry", tags=["api"], response_model=RetriedOut, responses=ERRORS)
def api_jobs_retry(ctx: CtxDep, body: RetryRequest) -> dict[str, Any]:
    """Queue failed jobs again from their first attempt (audited); returns the ids queued."""
    chosen = _chosen(body.job_ids, body.all)
    return {"retried": retry_failed(ctx.db, actor_id=ctx.me.id, job_ids=chosen, via="api")}
