"""`mlscreen db upgrade`, `mlscreen user add` and `plan-team --create-openings`: the commands that use the database."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from mlscreen.errors import UsageError
from mlscreen.planning.cli import set_role_opener

if TYPE_CHECKING:
    from mlscreen.planning import TeamPlan

db_app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)
user_app = typer.Typer(help="Manage the people who sign in.", no_args_is_help=True)
ROLE_HELP = "admin, hiring_manager, recruiter or interviewer"


@db_app.command("upgrade")
def db_upgrade(
    url: Annotated[
        str | None, typer.Option(help="Database URL; default MLSCREEN_DATABASE_URL or the data dir.")
    ] = None,
) -> None:
    """Apply every pending migration to the database."""
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import upgrade

    db = Database(url)
    try:
        revision = upgrade(db)
    finally:
        db.dispose()
    typer.echo(f"database at revision {revision} ({db!r})")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="E-mail address; the sign-in name.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_env: Annotated[
        str, typer.Option(help="Read the password from this environment variable instead of prompting.")
    ] = "",
    url: Annotated[
        str | None, typer.Option(help="Database URL; default MLSCREEN_DATABASE_URL or the data dir.")
    ] = None,
) -> None:
    """Add a user (the database must be upgraded first)."""
    from mlscreen.store.accounts import create_user
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema

    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            raise UsageError(f"environment variable {password_env} is empty", hint="export the password in it")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    db = Database(url)
    try:
        require_schema(db)  # an unreachable or never-migrated database is a usage error, said plainly
        with db.session() as s:
            user = create_user(s, email=email, name=name or email, role=role, password=password)
            user_id = user.id
    finally:
        db.dispose()
    typer.echo(f"added user {user_id} ({role})")


def open_plan_roles_command(plan: TeamPlan, owner: str | None) -> None:
    """Open the plan's roles in the configured database as `owner` and print what was created and skipped."""
    from mlscreen.bank import load_bank
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
    """Add the `db` and `user` groups to the top-level command, and carry out `plan-team --create-openings`."""
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    set_role_opener(open_plan_roles_command)
