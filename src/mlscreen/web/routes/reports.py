"""The reports, as JSON under /api/v1 and as pages with charts and CSV tables: for the organisation (admins) and
per opening (its hiring manager and admins); and the decision packet printed as a PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen import settings
from mlscreen.store.printout import printable_packet
from mlscreen.store.reports import REPORTS, Tables, build, parse_since, read_tables
from mlscreen.web.api_models import ERRORS, ReportOut
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import TEMPLATES, render

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["reports"], responses=ERRORS)
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


@api.get("/reports/{name}", name="api_report", response_model=ReportOut)
async def api_report(ctx: CtxDep, name: ReportName, since: Since = None) -> dict[str, Any]:
    """A report over every opening (see docs/reports.md for each figure and its limits)."""
    return await _report(ctx, name, None, since)


@api.get("/openings/{opening_id}/reports/{name}", name="api_opening_report", response_model=ReportOut)
async def api_opening_report(ctx: CtxDep, opening_id: int, name: ReportName, since: Since = None) -> dict[str, Any]:
    """A report over one opening."""
    return await _report(ctx, name, opening_id, since)


def _charted(body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    from mlscreen.reports.charts import chart, to_svg

    rows, spec = chart(body)
    return rows, spec, to_svg(spec)


async def _page(ctx: Ctx, name: str, opening_id: int | None, since: str | None, base: str) -> Response:
    """The report's chart (its Vega-Lite spec for the page to draw, and static SVG rendered here as the fallback and
    for print), its table and a CSV link; the session is released first."""
    start = parse_since(since or None)
    title = ctx.opening.title if opening_id is not None else "all openings"
    body = await _report(ctx, name, opening_id, start)
    rows, spec, svg = await run_in_threadpool(_charted, body)
    return render(
        ctx.request,
        "reports.html",
        report_name=name,
        names=REPORTS,
        body=body,
        rows=rows,
        spec=spec,
        svg=svg,
        base=base,
        scope=title,
        since=since or "",
    )


async def _csv(ctx: Ctx, name: str, opening_id: int | None, since: str | None) -> Response:
    from mlscreen.reports.charts import chart, to_csv

    body = await _report(ctx, name, opening_id, parse_since(since or None))
    rows, _spec = chart(body)
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/admin/reports/{name}", name="reports_page", include_in_schema=False)
async def reports_page(ctx: CtxDep, name: ReportName, since: str | None = None) -> Response:
    """A report over every opening, with its chart and table."""
    return await _page(ctx, name, None, since, "/admin/reports")


@router.get("/admin/reports/{name}/csv", name="reports_csv", include_in_schema=False)
async def reports_csv(ctx: CtxDep, name: ReportName, since: str | None = None) -> Response:
    """The chart's table as CSV."""
    return await _csv(ctx, name, None, since)


@router.get("/openings/{opening_id}/reports/{name}", name="opening_reports_page", include_in_schema=False)
async def opening_reports_page(ctx: CtxDep, opening_id: int, name: ReportName, since: str | None = None) -> Response:
    """A report over one opening, with its chart and table."""
    return await _page(ctx, name, opening_id, since, f"/openings/{opening_id}/reports")


@router.get("/openings/{opening_id}/reports/{name}/csv", name="opening_reports_csv", include_in_schema=False)
async def opening_reports_csv(ctx: CtxDep, opening_id: int, name: ReportName, since: str | None = None) -> Response:
    """The chart's table of one opening's report as CSV."""
    return await _csv(ctx, name, opening_id, since)


def _packet_pdf(data: dict[str, Any]) -> bytes:
    """Render the packet's competency chart (SVG), its print page, then the PDF (slow: no session is held)."""
    from mlscreen.reports.charts import competency_chart, to_svg
    from mlscreen.reports.pdf import svg_data_uri, to_pdf

    chart = svg_data_uri(to_svg(competency_chart(data["packet"]["competencies"])))
    html = TEMPLATES.env.get_template("packet_print.html").render(chart=chart, **data)
    return to_pdf(html)


@router.get("/candidates/{candidate_id}/packet.pdf", name="packet_pdf", include_in_schema=False)
async def packet_pdf(ctx: CtxDep, candidate_id: int) -> Response:
    """The decision packet as a PDF for print: read, release the session, then render."""

    def read() -> dict[str, Any]:
        who = ctx.identity(ctx.candidate)  # the blind-review rule, as on the packet page
        return printable_packet(ctx.db, ctx.bank, ctx.candidate, name=who.name, redact=who.redact)

    data = await run_in_threadpool(read)
    await ctx.release()
    pdf = await run_in_threadpool(_packet_pdf, data)
    headers = {"Content-Disposition": f'inline; filename="decision-packet-{candidate_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
