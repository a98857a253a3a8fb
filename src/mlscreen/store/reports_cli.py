"""`mlscreen report NAME`: a report over the configured database, printed as JSON or as a short summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from mlscreen import settings
from mlscreen.errors import UsageError


def report_command(
    name: Annotated[str, typer.Argument(help="funnel, calibration, reliability, agreement or adverse-impact.")],
    opening: Annotated[int | None, typer.Option("--opening", help="Only this opening (default: all).")] = None,
    since: Annotated[str | None, typer.Option(help="Only candidates who applied on or after YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    min_group: Annotated[
        int | None, typer.Option(help="Suppress groups smaller than this; default MLSCREEN_REPORT_MIN_GROUP.")
    ] = None,
    svg: Annotated[Path | None, typer.Option(help="Also write the report's chart as SVG to this file.")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Also write the chart's table as CSV here.")] = None,
    url: Annotated[
        str | None, typer.Option(help="Database URL; default MLSCREEN_DATABASE_URL or the data dir.")
    ] = None,
) -> None:
    """Print a report on the screening process (see docs/reports.md)."""
    from mlscreen.store.db import Database
    from mlscreen.store.reports import build, check_name, parse_since, read_tables

    check_name(name)
    start = parse_since(since)
    if min_group is None:
        min_group = settings.REPORT_MIN_GROUP.get()
    if min_group < 1:
        raise UsageError("--min-group must be at least 1", hint="the default, 5, is the usual minimum")
    db = Database(url)
    try:
        with db.session(write=False) as s:
            tables = read_tables(s, opening_id=opening, since=start)
    finally:
        db.dispose()
    body = build(name, tables, min_group=min_group)
    if svg or csv_file:
        _write_chart(body, svg, csv_file)
    if as_json:
        typer.echo(json.dumps(body, default=str))
    else:
        typer.echo(summary(body))


def _write_chart(body: dict[str, Any], svg: Path | None, csv_file: Path | None) -> None:
    from mlscreen.reports.charts import chart, to_csv, to_svg

    rows, spec = chart(body)
    outputs: list[tuple[Path | None, Callable[[], str]]] = [
        (svg, lambda: to_svg(spec)),
        (csv_file, lambda: to_csv(rows)),
    ]
    for path, text in outputs:
        if path is None:
            continue
        try:
            path.write_text(text(), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}", hint="choose a writable file") from None


def summary(body: dict[str, Any]) -> str:
    """A few lines naming what the report holds (the figures are in --json and on the reports page)."""
    rows = {k: v for k, v in body.items() if isinstance(v, list)}
    counts = ", ".join(f"{len(v)} {k}" for k, v in rows.items())
    return f"{body['report']}: {counts or 'no rows'} (use --json for the figures)"


def register(app: typer.Typer) -> None:
    """Add `report` to the top-level app."""
    app.command("report")(report_command)
