"""`mlscreen db upgrade` and `mlscreen user add`: set up the database and the people who sign in."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from mlscreen.errors import UsageError

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

    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            raise UsageError(f"environment variable {password_env} is empty", hint="export the password in it")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    db = Database(url)
    try:
        with db.session() as s:
            user = create_user(s, email=email, name=name or email, role=role, password=password)
            user_id = user.id
    finally:
        db.dispose()
    typer.echo(f"added user {user_id} ({role})")


def register(app: typer.Typer) -> None:
    """Add the `db` and `user` groups to the top-level command."""
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
