"""`mlscreen plan-team`: advice on ML org structure and the next hires, from flags and/or a facts file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from mlscreen.planning import TeamPlan

RoleOpener = Callable[["TeamPlan", str | None], None]
"""Opens a plan's roles as the user with the given e-mail (None when `--as` was not given) and prints them."""

_opener: RoleOpener | None = None
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
    """Hand the plan to the opener the database layer registered (this core never touches the database)."""
    from mlscreen.errors import UsageError

    if _opener is None:
        raise UsageError(
            "--create-openings needs the database layer, which is not installed",
            hint="pip install 'mlscreen[web]'",
        )
    _opener(plan, owner)


def set_role_opener(opener: RoleOpener) -> None:
    """Let the database layer (`mlscreen.store.cli`) carry out `--create-openings`."""
    global _opener
    _opener = opener


def register(app: typer.Typer) -> None:
    """Add the top-level `plan-team` command."""
    app.command("plan-team")(plan_team_command)
