"""`mlscreen exercise mutants`: mutation testing of exercises' hidden tests, a thin command over `mutants_run`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

NO_SANDBOX_HELP = "UNSAFE: run without the bubblewrap sandbox. Only for authors checking their own references."


def mutants_command(
    exercise: Annotated[str | None, typer.Argument(help="Exercise id (all exercises when omitted).")] = None,
    workers: Annotated[int, typer.Option(help="Mutants graded in parallel.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per exercise, one per line.")] = False,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help=NO_SANDBOX_HELP)] = False,
) -> None:
    """Grade mutants of each reference solution; list every survivor not marked equivalent (exit 1 if any)."""
    from mlscreen.grader.mutants_run import mutate_exercises

    reports = mutate_exercises([exercise] if exercise else None, isolated=not no_sandbox, workers=workers)
    console = Console(highlight=False)
    for report in reports:
        data = report.to_json()
        if as_json:
            typer.echo(json.dumps(data))
            continue
        verdict = "ok" if report.ok else "UNREVIEWED SURVIVORS"
        table = Table(
            title=f"{report.exercise}: {verdict} - {report.generated} mutants, {report.killed} killed, "
            f"{data['equivalent']} equivalent, score {report.score:.0%}"
        )
        for column in ("mutant", "line", "change"):
            table.add_column(column)
        for outcome in report.unreviewed:
            table.add_row(Text(outcome.mutant.id), str(outcome.mutant.line), Text(outcome.mutant.description))
        console.print(table)
        for stale in report.stale:
            console.print(Text(f"marked equivalent but no longer generated: {stale}", style="red"))
        for killed in report.reviewed_but_killed:
            console.print(Text(f"marked equivalent, killed in this run (a timing check?): {killed}"))
        for problem in report.problems:
            console.print(Text(f"problem: {problem}", style="red"))
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `exercise mutants` to the `exercise` group (created by `mlscreen.grader.cli`)."""
    from mlscreen.grader.cli import exercise_app

    exercise_app.command("mutants")(mutants_command)
