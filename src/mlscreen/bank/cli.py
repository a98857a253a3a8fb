"""`mlscreen bank ...` and `mlscreen kit`: check, list and show bank items, render interview kits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from mlscreen.bank.bank import Bank, bank_dirs, load_bank
from mlscreen.bank.kit import build_kit, loop_summary, render_kit
from mlscreen.bank.models import ITEM_TYPES, Item, Question
from mlscreen.datafile import open_output
from mlscreen.errors import UsageError

bank_app = typer.Typer(help="Check, list and show question-bank items.", no_args_is_help=True)
BankOption = Annotated[
    list[Path] | None,
    typer.Option("--bank", help="An extra bank directory (repeatable); adds to MLSCREEN_BANK_PATH."),
]


def _bank(extra: list[Path] | None) -> Bank:
    return load_bank(extra=extra or [])


@bank_app.command("check")
def check(
    dirs: Annotated[list[Path] | None, typer.Argument(help="Extra bank directories to validate.")] = None,
    bank: BankOption = None,
) -> None:
    """Validate the packaged bank plus any extra banks; exit 2 on any problem."""
    extra = [*(dirs or []), *(bank or [])]
    loaded = load_bank(extra=extra)
    counts: dict[str, int] = {}
    for item in loaded.items(Item, include_retired=True):
        counts[item.type] = counts.get(item.type, 0) + 1  # type: ignore[attr-defined]
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    typer.echo(f"ok: {len(loaded)} items from {len(bank_dirs(extra))} bank(s) ({summary})")


@bank_app.command("list")
def list_items(
    type_: Annotated[str | None, typer.Option("--type", help=f"One of: {', '.join(ITEM_TYPES)}.")] = None,
    profile: Annotated[str | None, typer.Option(help="Only questions for this profile id.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only questions tagged with this topic id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    bank: BankOption = None,
) -> None:
    """List bank items, with counts per type and topic."""
    if type_ is not None and type_ not in ITEM_TYPES:
        raise UsageError(f"unknown item type {type_!r}", hint=f"use one of: {', '.join(ITEM_TYPES)}")
    kind = ITEM_TYPES[type_] if type_ else Item
    items = _bank(bank).items(kind, profile=profile, topic=topic)
    if as_json:
        for item in items:
            typer.echo(json.dumps(_brief(item)))
        return
    table = Table("id", "type", "title", "topics", "profiles", box=None)
    per_type: dict[str, int] = {}
    per_topic: dict[str, int] = {}
    for item in items:
        brief = _brief(item)
        per_type[brief["type"]] = per_type.get(brief["type"], 0) + 1
        for t in brief["topics"]:
            per_topic[t] = per_topic.get(t, 0) + 1
        table.add_row(item.id, brief["type"], item.title, ", ".join(brief["topics"]), ", ".join(brief["profiles"]))
    console = Console(width=160)
    console.print(table)
    console.print(f"\n{len(items)} item(s): " + ", ".join(f"{t} {n}" for t, n in sorted(per_type.items())))
    if per_topic:
        console.print("per topic: " + ", ".join(f"{t} {n}" for t, n in sorted(per_topic.items())))


def _brief(item: Item) -> dict[str, Any]:
    question = item if isinstance(item, Question) else None
    return {
        "id": item.id,
        "type": getattr(item, "type", ""),
        "title": item.title,
        "topics": list(question.topics) if question else [],
        "profiles": list(question.profiles) if question else [],
    }


@bank_app.command("show")
def show(
    item_id: Annotated[str, typer.Argument(help="The item's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the item as JSON.")] = False,
    bank: BankOption = None,
) -> None:
    """Show one item in full: readable YAML-like text, or JSON."""
    loaded = _bank(bank)
    item: Item = loaded.get(item_id)
    data = item.model_dump(mode="json", exclude_defaults=False)
    if as_json:
        data["source"] = str(loaded.source(item_id))
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"# {item.title}  ({data.get('type')} {item.id}, v{item.version}, {item.status})")
    typer.echo(f"# defined at {loaded.source(item_id)}")
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110).rstrip())


def kit(
    profile: Annotated[str, typer.Option(help="Profile id, e.g. ml-engineer.")],
    stage: Annotated[str | None, typer.Option(help="Only this stage of the loop.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the question selection; same seed, same kit.")] = 0,
    level: Annotated[str | None, typer.Option(help="junior, mid or senior: only questions for that level.")] = None,
    bank: BankOption = None,
) -> None:
    """Render the interview kit a profile's interviewers hold: goal, time plan, questions, rubric, scorecard."""
    if fmt not in ("md", "html"):
        raise UsageError(f"unknown format {fmt!r}", hint="use --format md or --format html")
    if level is not None and level not in ("junior", "mid", "senior"):
        raise UsageError(f"unknown level {level!r}", hint="use junior, mid or senior")
    text = render_kit(build_kit(_bank(bank), profile=profile, stage=stage, seed=seed, level=level), fmt=fmt)  # type: ignore[arg-type]
    if out is None:
        typer.echo(text, nl=False)
    else:
        with open_output(out) as handle:
            handle.write(text)
        typer.echo(f"wrote {out}")


def loops(bank: BankOption = None) -> None:
    """Print the interview loop of every role profile."""
    console = Console(width=140)
    for profile, entries in loop_summary(_bank(bank)):
        weights = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in profile.weights.items())
        table = Table(title=f"{profile.title} ({profile.id})", caption=f"weights: {weights}", title_justify="left")
        for col in ("stage", "minutes", "interviewer", "assesses", "topics"):
            table.add_column(col)
        for e in entries:
            st = e.stage
            minutes = (
                f"{st.duration_min}-{st.duration_max}" if st.duration_min != st.duration_max else str(st.duration_min)
            )
            table.add_row(st.title, minutes, st.interviewer_role, ", ".join(st.assesses), ", ".join(e.topics))
        console.print(table)
        console.print()


def register(app: typer.Typer) -> None:
    """Add the top-level `kit` and `loops` commands."""
    app.command("kit")(kit)
    app.command("loops")(loops)
