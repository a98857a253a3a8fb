"""`mlscreen answers ...`: score answers against expected points, explain one answer, evaluate and calibrate."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mlscreen.errors import UsageError

if TYPE_CHECKING:
    from mlscreen.scoring.datasets import Format
    from mlscreen.scoring.points import Target

answers_app = typer.Typer(help="Score free-text answers against expected points, with evidence.", no_args_is_help=True)


@cache
def _bank_target(question_id: str) -> Target:
    from mlscreen.scoring.points import target_from_bank

    return target_from_bank(question_id, bank=_loaded_bank())


@cache
def _loaded_bank() -> Any:
    from mlscreen.bank import load_bank

    return load_bank()


@answers_app.command("score")
def score(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", help="JSON Lines input; '-' reads stdin.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write results here instead of stdout.")] = None,
) -> None:
    """Score each line {"id", "answer", "reference_answer" | "expected_points" | "question_id"}; exit 2 on bad lines."""
    from mlscreen.datafile import open_output
    from mlscreen.scoring.jsonl import LineError, score_lines

    # Read as bytes: each line is decoded on its own, so one that is not UTF-8 is reported and the rest scored.
    try:
        source = sys.stdin.buffer if str(input_path) == "-" else input_path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read {input_path}: {exc.strerror}", hint="give an existing JSON Lines file") from None
    try:
        sink = open_output(out) if out else sys.stdout
    except UsageError:
        source.close()
        raise

    def write(obj: dict[str, Any]) -> None:
        sink.write(json.dumps(obj, ensure_ascii=False, allow_nan=False) + "\n")

    def report(error: LineError) -> None:
        typer.echo(f"{input_path}:{error.line}: {error.message}", err=True)

    try:
        _, bad = score_lines(source, write=write, report=report, bank_target=_bank_target)
    except OSError as exc:
        raise UsageError(f"cannot read {input_path}: {exc.strerror}", hint="give a readable JSON Lines file") from None
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if out:
            sink.close()
    if bad:
        raise UsageError(
            f"{bad} bad line(s) in {input_path} (listed above); the other lines were scored",
            hint='each line needs "id", "answer" (a string) and "reference_answer", "expected_points" or "question_id"',
        )


@answers_app.command("explain")
def explain(
    answer: Annotated[str, typer.Argument(help="The answer text; '-' reads it from stdin.")],
    point: Annotated[list[str] | None, typer.Option("--point", help="An expected point (repeatable).")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="A reference answer instead of points.")] = None,
    question_id: Annotated[str | None, typer.Option("--question-id", help="A bank question's id.")] = None,
    question: Annotated[str | None, typer.Option("--question", help="The question asked.")] = None,
    red_flag: Annotated[list[str] | None, typer.Option("--red-flag", help="A red flag (repeatable).")] = None,
) -> None:
    """Show, for one answer, which points it covers, how similar the best clause is, and the evidence."""
    from rich.console import Console
    from rich.table import Table

    from mlscreen.scoring.points import build_target
    from mlscreen.scoring.scorer import ScoringRequest, score_requests

    text = _stdin_text() if answer == "-" else answer
    if question_id and not point and not reference:
        target = _bank_target(question_id)
        if red_flag:
            target = type(target)(target.points, target.reference, target.question, (*target.red_flags, *red_flag))
    else:
        target = build_target(
            expected_points=point, reference_answer=reference, question=question, red_flags=red_flag or ()
        )
    result = score_requests([ScoringRequest(text, target)])[0]
    console = Console()
    console.print(f"[bold]score[/bold] {result.score:.2f}   [bold]suggested level[/bold] {result.suggested_level}/4")
    table = Table("point", "covered", "similarity", "evidence")
    for p in result.points:
        mark = "[green]yes[/green]" if p.covered else ("[red]contradicted[/red]" if p.contradicted else "[red]no[/red]")
        shown = p.evidence or p.closest
        evidence = (shown.text if p.evidence else f"[dim](closest) {shown.text}[/dim]") if shown else ""
        table.add_row(p.point, mark, f"{p.similarity:.2f}", evidence)
    console.print(table)
    for hit in result.red_flags:
        console.print(f"[bold red]red flag[/bold red] {hit.flag} ({hit.similarity:.2f}): {hit.evidence.text}")
    for notice in [*result.notices, *([result.reason] if result.reason else [])]:
        console.print(f"[yellow]note[/yellow] {notice}")


def _stdin_text() -> str:
    try:
        return sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("the answer on standard input is not UTF-8 text", hint="send it as UTF-8") from None
    except (OSError, AttributeError) as exc:  # closed, or not a byte stream
        raise UsageError(f"cannot read the answer from standard input ({exc})", hint="pass it as an argument") from None


FormatOption = Annotated[str, typer.Option("--format", help="Dataset layout: mohler, semeval, saf or columns.")]


def _format(value: str) -> Format:
    from mlscreen.scoring.datasets import FORMATS

    if value not in FORMATS:
        raise UsageError(f"unknown format {value!r}", hint=f"use one of: {', '.join(FORMATS)}")
    return value


@answers_app.command("evaluate")
def evaluate(
    dataset: Annotated[Path, typer.Argument(metavar="DATASET.csv", help="A human-graded dataset (not copied).")],
    format_: FormatOption = "mohler",
    corpus: Annotated[str | None, typer.Option(help="SemEval corpus: sciEntsBank or beetle.")] = None,
    columns: Annotated[
        str | None, typer.Option(help="With --format columns: answer=COL,reference=COL,grade=COL,group=COL.")
    ] = None,
    scale: Annotated[float, typer.Option(help="With --format columns: the grade that means full marks.")] = 1.0,
    docs: Annotated[Path | None, typer.Option(help="Update this Markdown file's results table.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Print cross-validated agreement with the human grades (leave one question group out)."""
    from mlscreen.scoring.datasets import load_dataset
    from mlscreen.scoring.evaluation import dataset_features
    from mlscreen.scoring.evaluation import evaluate as run
    from mlscreen.scoring.report import render, update_docs

    data = load_dataset(dataset, format=_format(format_), corpus=corpus, columns=columns, scale=scale)
    report = run(data, dataset_features(data))
    if as_json:
        typer.echo(json.dumps(report.__dict__, indent=2))
    else:
        typer.echo(render(report))
    if docs:
        key = f"{format_}-{corpus}" if corpus else format_
        command = f"mlscreen answers evaluate {dataset.name} --format {format_}" + (
            f" --corpus {corpus}" if corpus else ""
        )
        update_docs(docs, key, report, command=command)
        typer.echo(f"updated {docs}")


@answers_app.command("learning-curve")
def learning_curve(
    dataset: Annotated[Path, typer.Argument(metavar="DATASET.csv", help="A human-graded dataset (not copied).")],
    format_: FormatOption = "mohler",
    corpus: Annotated[str | None, typer.Option(help="SemEval corpus: sciEntsBank or beetle.")] = None,
    sizes: Annotated[
        str, typer.Option(help="Comma-separated numbers of graded answers per question to measure.")
    ] = "0,5,10,20,50",
    docs: Annotated[Path | None, typer.Option(help="Update this Markdown file's learning-curve table.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Print agreement with the human grades after 0, 5, 10, 20 and 50 (or --sizes) graded answers per question."""
    from mlscreen.scoring.datasets import load_dataset
    from mlscreen.scoring.evaluation import dataset_features
    from mlscreen.scoring.evaluation import learning_curve as run
    from mlscreen.scoring.report import curve_markdown, render_curve, update_section

    try:
        counts = tuple(int(part) for part in sizes.split(","))
    except ValueError:
        raise UsageError(f"--sizes {sizes!r} is not a list of whole numbers", hint="e.g. --sizes 0,1,2,3,5") from None
    if not counts or min(counts) < 0:
        raise UsageError(f"--sizes {sizes!r} needs numbers of 0 or more", hint="e.g. --sizes 0,1,2,3,5")
    data = load_dataset(dataset, format=_format(format_), corpus=corpus)
    curve = run(data, dataset_features(data), sizes=counts)
    if as_json:
        typer.echo(json.dumps([p.__dict__ for p in curve], indent=2))
    else:
        typer.echo(render_curve(data.name, curve))
    if docs:
        key = f"curve:{format_}-{corpus}" if corpus else f"curve:{format_}"
        command = f"mlscreen answers learning-curve {dataset.name} --format {format_}" + (
            f" --corpus {corpus}" if corpus else ""
        )
        update_section(docs, key, curve_markdown(data.name, curve, command))
        typer.echo(f"updated {docs}")


@answers_app.command("calibrate")
def calibrate(
    datasets: Annotated[list[Path], typer.Argument(metavar="DATASET.csv...", help="Graded datasets to fit on.")],
    format_: Annotated[
        list[str], typer.Option("--format", help="The format of each dataset, in the same order (repeat).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the calibration JSON.")],
) -> None:
    """Fit the score calibration on every row of graded datasets and write it as JSON."""
    from mlscreen.datafile import check_output
    from mlscreen.scoring.calibration import save
    from mlscreen.scoring.datasets import load_dataset
    from mlscreen.scoring.evaluation import calibrate as fit_all
    from mlscreen.scoring.evaluation import dataset_features

    check_output(out)
    if len(format_) != len(datasets):
        raise UsageError("give one --format per dataset", hint="e.g. a.csv b.csv --format mohler --format saf")
    loaded = [load_dataset(path, format=_format(f)) for path, f in zip(datasets, format_, strict=True)]
    if not all(d.graded for d in loaded):
        raise UsageError("calibration needs graded datasets (mohler, saf)", hint="drop the semeval dataset")
    calibration = fit_all([(d, dataset_features(d)) for d in loaded])
    save(calibration, out)
    typer.echo(f"wrote {out} (fitted on {calibration.fitted_on})")
