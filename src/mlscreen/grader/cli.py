"""`mlscreen grade`, `grade-batch`, `exercise check` and `exercise run-examples`: thin commands over the grader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlscreen.errors import UsageError
from mlscreen.grader.submission import read_submission

exercise_app = typer.Typer(help="Author and check practical coding exercises.", no_args_is_help=True)
NO_SANDBOX_HELP = "UNSAFE: run without the bubblewrap sandbox. Only for authors checking their own references."
_err = Console(stderr=True, highlight=False)


def _warn_unsandboxed() -> None:
    _err.print(
        Text(
            "WARNING: --no-sandbox: the submission runs UNCONFINED as your user. Use it only on code you wrote.",
            style="bold red",
        )
    )


def _table(result: dict[str, Any]) -> Table:
    table = Table(title=f"{result['exercise']}: {result['status']} ({result['passed']}/{result['total']})")
    table.add_column("test")
    table.add_column("kind")
    table.add_column("result")
    table.add_column("message")
    for test in result["tests"]:
        mark = Text("pass", style="green") if test["passed"] else Text("FAIL", style="red")
        table.add_row(Text(test["id"]), Text(test["kind"]), mark, Text("" if test["passed"] else test["message"]))
    return table


def grade_command(
    submission: Annotated[Path, typer.Argument(help="The candidate's Python file.")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help=NO_SANDBOX_HELP)] = False,
) -> None:
    """Grade one submission against an exercise's hidden tests (exit 0 whatever the verdict)."""
    from mlscreen.grader.pool import grade

    source = read_submission(submission)
    if no_sandbox:
        _warn_unsandboxed()
    result = grade(source, exercise, isolated=not no_sandbox).to_json()
    if as_json:
        typer.echo(json.dumps(result))
        return
    console = Console(highlight=False)
    console.print(_table(result))
    console.print("rubric (proposed): " + ", ".join(f"{k} {v}" for k, v in result["rubric"].items()))


def grade_batch_command(
    directory: Annotated[Path, typer.Argument(help="Directory of .py submissions.")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise id.")],
    workers: Annotated[
        int | None, typer.Option(help="Submissions graded in parallel (default 2; at most one per CPU).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write one JSON result per line here.")] = None,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help=NO_SANDBOX_HELP)] = False,
) -> None:
    """Grade every .py file of a directory with a warm pool; show progress and a summary."""
    from mlscreen.grader.batch import grade_directory

    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory", hint="give a directory of .py files")
    if no_sandbox:
        _warn_unsandboxed()
    summary = grade_directory(directory, exercise_id=exercise, workers=workers, out=out, isolated=not no_sandbox)
    table = Table(title=f"{exercise}: {summary.total} submission(s)")
    for column in ("status", "count"):
        table.add_column(column)
    for status, count in sorted(summary.by_status.items()):
        table.add_row(status, str(count))
    table.add_row("rate", f"{summary.rate:.1f} submissions/s")
    Console(highlight=False).print(table)


@exercise_app.command("check")
def exercise_check_command(
    exercise: Annotated[str | None, typer.Argument(help="Exercise id (all exercises when omitted).")] = None,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help=NO_SANDBOX_HELP)] = False,
) -> None:
    """Run the reference solution (must pass) and every must_fail variant (must fail the tests it names)."""
    from mlscreen.grader.authoring import check_exercises

    if no_sandbox:
        _warn_unsandboxed()
    reports = check_exercises([exercise] if exercise else None, isolated=not no_sandbox)
    console = Console(highlight=False)
    bad = 0
    for report in reports:
        table = Table(title=f"{report.exercise}: {'ok' if report.ok else 'PROBLEMS'}")
        for column in ("file", "expected", "failed tests", "verdict"):
            table.add_column(column)
        for variant in report.variants:
            verdict = Text("ok", style="green") if variant.ok else Text("; ".join(variant.problems), style="red")
            table.add_row(variant.file, variant.expect, ", ".join(variant.failed) or "-", verdict)
        console.print(table)
        for problem in report.problems:
            console.print(Text(f"problem: {problem}", style="red"))
        bad += not report.ok
    if bad:
        raise typer.Exit(1)


@exercise_app.command("run-examples")
def exercise_run_examples_command(
    submission: Annotated[Path, typer.Argument(help="The candidate's Python file.")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help=NO_SANDBOX_HELP)] = False,
) -> None:
    """Run an exercise's visible examples against a submission and show what it returns (advice, not a grade).

    Exit 0 whatever the submission does.
    """
    from mlscreen.grader.pool import run_examples

    source = read_submission(submission)
    if no_sandbox:
        _warn_unsandboxed()
    result = run_examples(source, exercise, isolated=not no_sandbox).to_json()
    if as_json:
        typer.echo(json.dumps(result))
        return
    console = Console(highlight=False)
    matched = sum(e["matches"] for e in result["examples"])
    console.print(Text(f"{result['exercise']}: {result['status']} ({matched}/{len(result['examples'])} as expected)"))
    for example in result["examples"]:
        mark = Text("as expected", style="green") if example["matches"] else Text("different", style="red")
        console.print(Text.assemble("\n", (example["name"], "bold"), ": ", mark))
        got = example["got"] if example["error"] is None else f"error: {example['error']}"
        for label, value in (("call", example["call"]), ("expected", example["expected"]), ("got", got or "")):
            console.print(Text(f"  {label + ':':<10}") + Text(value.replace("\n", "\n" + " " * 12)))
    if result["stdout"]:
        console.print(Text("\nprinted:", style="bold"))
        console.print(Text(result["stdout"]))


def register(app: typer.Typer) -> None:
    """Add `grade`, `grade-batch` and the `exercise` group to the top-level app."""
    app.command("grade")(grade_command)
    app.command("grade-batch")(grade_batch_command)
    app.add_typer(exercise_app, name="exercise")
