"""`mlscreen plan-team`: advice on ML org structure and the next hires, from flags and/or a facts file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from mlscreen.planning import TeamPlan

_FACTS = "Facts (override the file)"
_HEADCOUNT = "Headcount (override the file)"


def plan_team_command(
    input_file: Annotated[
        Path | None, typer.Option("--input", help="A YAML or JSON file of facts (see docs/team-planning.md).")
    ] = None,
    use_cases: Annotated[int | None, typer.Option(help="Real ML use cases.", rich_help_panel=_FACTS)] = None,
    production_models: Annotated[int | None, typer.Option(help="Models in production.", rich_help_panel=_FACTS)] = None,
    product_teams: Annotated[int | None, typer.Option(help="Product teams using ML.", rich_help_panel=_FACTS)] = None,
    stage: Annotated[
        str | None, typer.Option(help="Company stage: early, growth or late.", rich_help_panel=_FACTS)
    ] = None,
    deployment_lead_time_days: Annotated[
        float | None, typer.Option(help="Days from a trained model to production.", rich_help_panel=_FACTS)
    ] = None,
    infra_time_share: Annotated[
        float | None,
        typer.Option(help="Share of ML engineers' time on infrastructure, 0-1.", rich_help_panel=_FACTS),
    ] = None,
    monitoring_regressions: Annotated[
        int | None,
        typer.Option(help="Regressions caused by monitoring gaps last quarter.", rich_help_panel=_FACTS),
    ] = None,
    platform_maturity: Annotated[
        str | None, typer.Option(help="ML platform maturity: low, medium or high.", rich_help_panel=_FACTS)
    ] = None,
    head_of_ml: Annotated[
        int | None, typer.Option(help="Heads of ML / directors of ML engineering.", rich_help_panel=_HEADCOUNT)
    ] = None,
    ml_product_managers: Annotated[
        int | None, typer.Option(help="Product managers for ML.", rich_help_panel=_HEADCOUNT)
    ] = None,
    ml_engineers: Annotated[int | None, typer.Option(help="ML engineers.", rich_help_panel=_HEADCOUNT)] = None,
    data_scientists: Annotated[
        int | None, typer.Option(help="Data / applied scientists.", rich_help_panel=_HEADCOUNT)
    ] = None,
    data_engineers: Annotated[int | None, typer.Option(help="Data engineers.", rich_help_panel=_HEADCOUNT)] = None,
    mlops_engineers: Annotated[
        int | None, typer.Option(help="MLOps / ML platform engineers.", rich_help_panel=_HEADCOUNT)
    ] = None,
    rules_file: Annotated[
        Path | None, typer.Option("--rules", help="A rules file to use instead of the packaged one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as one JSON object.")] = False,
    create_openings: Annotated[
        bool,
        typer.Option(
            "--create-openings", help="Open one role per wave with a bank profile in the configured database."
        ),
    ] = False,
    owner: Annotated[
        str | None, typer.Option("--as", help="E-mail of the admin or hiring manager who owns the new openings.")
    ] = None,
) -> None:
    """Recommend an ML org model, the first-MLOps-hire urgency, ratios, warnings and ordered hiring waves."""
    from rich.console import Console

    from mlscreen.planning import facts_from, load_facts, load_rules, plan_team
    from mlscreen.planning.facts import merge_facts
    from mlscreen.planning.report import print_report

    headcount = {
        "head_of_ml": head_of_ml,
        "ml_product_managers": ml_product_managers,
        "ml_engineers": ml_engineers,
        "data_scientists": data_scientists,
        "data_engineers": data_engineers,
        "mlops_engineers": mlops_engineers,
    }
    overrides: dict[str, Any] = {
        "use_cases": use_cases,
        "production_models": production_models,
        "product_teams": product_teams,
        "stage": stage,
        "deployment_lead_time_days": deployment_lead_time_days,
        "infra_time_share": infra_time_share,
        "monitoring_regressions": monitoring_regressions,
        "platform_maturity": platform_maturity,
        "headcount": headcount,
    }
    if input_file is not None:
        facts = load_facts(input_file, overrides=overrides)
    else:
        facts = facts_from(merge_facts({}, overrides), origin="the facts given as flags")
    plan = plan_team(facts, rules=load_rules(rules_file))
    if create_openings:
        _create_openings(plan, owner)
        return
    if as_json:
        typer.echo(json.dumps(plan.to_json(), indent=2, ensure_ascii=False))
        return
    print_report(plan, Console(width=120, highlight=False))


def _create_openings(plan: TeamPlan, owner: str | None) -> None:
    """Open the plan's roles in the configured database as `owner` and print what was created and skipped."""
    from mlscreen.bank import load_bank
    from mlscreen.errors import UsageError
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.planning import open_plan_roles, planner_by_email

    if not owner:
        raise UsageError(
            "--create-openings needs the owner of the new openings",
            hint="add --as EMAIL naming an admin or hiring manager (see `mlscreen user add`)",
        )
    db = Database()
    try:
        require_schema(db)
        with db.session() as s:
            done = open_plan_roles(s, load_bank(), plan, actor=planner_by_email(s, owner))
            lines = [f"opened {o.id}: {o.title} (profile {o.profile_id})" for o in done.created]
            lines += [f"skipped: {w.title} (no screening profile in the bank)" for w in done.skipped]
    finally:
        db.dispose()
    for line in lines:
        typer.echo(line)
    typer.echo(f"{len(done.created)} opening(s) created for {owner}, {len(done.skipped)} wave(s) skipped")


def register(app: typer.Typer) -> None:
    """Add the top-level `plan-team` command."""
    app.command("plan-team")(plan_team_command)
