"""The reports under /api/v1: for the organisation (admins) and per opening (its hiring manager and admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from mlscreen import settings
from mlscreen.store.reports import Tables, build, read_tables
from mlscreen.web.api_models import ERRORS, ReportOut
from mlscreen.web.guard import Ctx, current

router = APIRouter(prefix="/api/v1", tags=["reports"], responses=ERRORS)
CtxDep = Annotated[Ctx, Depends(current)]
ReportName = Literal["funnel", "calibration", "reliability", "agreement", "adverse-impact"]
Since = Annotated[datetime | None, Query(description="Only candidates who applied at or after this time.")]


async def _report(ctx: Ctx, name: str, opening_id: int | None, since: datetime | None) -> dict[str, Any]:
    """Read the tables in the request's transaction, release it, then build the report (the slow part)."""

    def read() -> Tables:
        return read_tables(ctx.db, opening_id=opening_id, since=since)

    tables = await run_in_threadpool(read)
    await ctx.release()
    return await run_in_threadpool(build, name, tables, min_group=settings.REPORT_MIN_GROUP.get())


@router.get("/reports/{name}", name="api_report", response_model=ReportOut)
async def api_report(ctx: CtxDep, name: ReportName, since: Since = None) -> dict[str, Any]:
    """A report over every opening (see docs/reports.md for each figure and its limits)."""
    return await _report(ctx, name, None, since)


@router.get("/openings/{opening_id}/reports/{name}", name="api_opening_report", response_model=ReportOut)
async def api_opening_report(ctx: CtxDep, opening_id: int, name: ReportName, since: Since = None) -> dict[str, Any]:
    """A report over one opening."""
    return await _report(ctx, name, opening_id, since)
