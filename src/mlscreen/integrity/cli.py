"""`mlscreen similarity`: similar pairs among a folder of submissions, a thin command over `integrity.folder`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlscreen.integrity.folder import FolderReport
from mlscreen.integrity.similarity import Pair

ADVICE = "Similarity is evidence for a person to look at, not a verdict: read the fragments side by side."


def _lines(pair: Pair) -> str:
    return "; ".join(f"{f.a_lines[0]}-{f.a_lines[1]} ~ {f.b_lines[0]}-{f.b_lines[1]}" for f in pair.fragments)


def _print(report: FolderReport) -> None:
    console = Console(highlight=False)
    title = f"{report.exercise}: {len(report.pairs)} pair(s) at least {report.threshold:.2f} similar"
    table = Table(title=title)
    for column in ("a", "b", "similarity", "matching lines (a ~ b)"):
        table.add_column(column)
    for pair in [*report.pairs, *report.known]:
        table.add_row(Text(pair.a), Text(pair.b), f"{pair.similarity:.2f}", Text(_lines(pair)))
    console.print(table)
    if report.inherently_similar:
        console.print(Text("Honest solutions of this exercise are alike: similar pairs are expected here."))
    if not report.calibrated:
        console.print(Text("This exercise has no calibration corpus: the default threshold is used."))
    console.print(Text(ADVICE))


def similarity_command(
    directory: Annotated[Path, typer.Argument(help="Directory of .py submissions (searched recursively).")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise id.")],
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Least similarity (0-1) listed; default: the exercise's.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
) -> None:
    """List pairs of submissions that share more code than honest solutions do, with their matching lines."""
    from mlscreen.bank import load_bank
    from mlscreen.integrity.folder import compare_folder

    report = compare_folder(directory, exercise_id=exercise, bank=load_bank(), threshold=threshold)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
        return
    _print(report)


def register(app: typer.Typer) -> None:
    """Add `similarity` to the top-level app."""
    app.command("similarity")(similarity_command)
