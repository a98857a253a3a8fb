"""The commands that use the database: `db`, `user`, `candidates`, `data` and `plan-team --create-openings`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlscreen.errors import UsageError
from mlscreen.planning.cli import set_role_opener

if TYPE_CHECKING:
    from mlscreen.planning import TeamPlan

db_app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)
user_app = typer.Typer(help="Manage the people who sign in.", no_args_is_help=True)
candidates_app = typer.Typer(help="Export or erase one candidate's data.", no_args_is_help=True)
data_app = typer.Typer(help="Export the organisation's data; apply the retention policy.", no_args_is_help=True)
ROLE_HELP = "admin, hiring_manager, recruiter or interviewer"
URL_HELP = "Database URL; default MLSCREEN_DATABASE_URL or the data dir."


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


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The new backup file (never overwritten).")],
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Copy the database to FILE, consistently, while the server keeps running."""
    from mlscreen.store.backup import backup
    from mlscreen.store.db import Database

    db = Database(url)
    try:
        path = backup(db, file)
    finally:
        db.dispose()
    typer.echo(f"backup written to {path}")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file made by `mlscreen db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database's contents without asking.")] = False,
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Replace the database's contents with a backup (stop the server and workers first)."""
    from mlscreen.store.backup import restore
    from mlscreen.store.db import Database

    if not yes and not typer.confirm("replace every row of the database with the backup?"):
        raise UsageError("nothing restored", hint="add --yes to restore without the question")
    db = Database(url)
    try:
        revision = restore(db, file)
    finally:
        db.dispose()
    typer.echo(f"restored {file} (schema revision {revision}); run `mlscreen db upgrade` if it is not the newest")


def _write_archive(data: bytes, out: Path) -> None:
    from mlscreen.private import private_file

    if out.exists():
        raise UsageError(f"{out} exists already", hint="name a new file")
    private_file(out).write_bytes(data)


@candidates_app.command("export")
def candidates_export(
    candidate_id: Annotated[int, typer.Argument(metavar="ID", help="The candidate's id.")],
    out: Annotated[Path, typer.Option("--out", help="The ZIP file to write.")],
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Write everything stored about one candidate (JSON plus their code files) to a ZIP, for an access request."""
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.privacy import export_candidate

    db = Database(url)
    try:
        require_schema(db)
        with db.session() as s:
            data = export_candidate(s, candidate_id, actor=None)
            _write_archive(data, out)
    finally:
        db.dispose()
    typer.echo(f"candidate {candidate_id} exported to {out}")


@candidates_app.command("erase")
def candidates_erase(
    candidate_id: Annotated[int, typer.Argument(metavar="ID", help="The candidate's id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Erase one candidate's personal data for good; the row stays as an anonymous tombstone for counts."""
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.privacy import erase_candidate, vacuum

    if not yes and not typer.confirm(f"erase candidate {candidate_id}'s personal data for good?"):
        raise UsageError("nothing erased", hint="add --yes to erase without the question")
    db = Database(url)
    try:
        require_schema(db)
        with db.session() as s:
            done = erase_candidate(s, candidate_id, actor=None)
        vacuum(db)
    finally:
        db.dispose()
    cleared = ", ".join(f"{n} {table}" for table, n in sorted(done.cleared.items())) or "nothing left to clear"
    typer.echo(f"candidate {candidate_id} erased ({cleared})")


@data_app.command("export")
def data_export(
    out: Annotated[Path, typer.Option("--out", help="The ZIP file to write.")],
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """Write every table (one JSON file each, no passwords or tokens) to a ZIP, to move to another system."""
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.privacy import organisation_archive

    db = Database(url)
    try:
        require_schema(db)
        with db.session(write=False) as s:
            data = organisation_archive(s)
    finally:
        db.dispose()
    _write_archive(data, out)
    typer.echo(f"organisation data exported to {out}")


@data_app.command("retention")
def data_retention(
    apply: Annotated[
        bool, typer.Option("--apply", help="Erase the candidates due now (default: only list them).")
    ] = False,
    days: Annotated[
        int | None, typer.Option(min=0, help="Days after the decision or exit; default MLSCREEN_RETENTION_DAYS.")
    ] = None,
    url: Annotated[str | None, typer.Option(help=URL_HELP)] = None,
) -> None:
    """List (or with --apply erase) the candidates whose data the retention policy says to erase now."""
    from mlscreen import settings
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.retention import apply_retention, due

    keep = settings.RETENTION_DAYS.get() if days is None else days
    if keep == 0:
        raise UsageError("the retention policy is off (0 days)", hint="give --days N or set MLSCREEN_RETENTION_DAYS")
    db = Database(url)
    try:
        require_schema(db)
        if apply:
            erased = apply_retention(db, days=keep).erased
            typer.echo(f"erased {len(erased)} candidate(s) closed more than {keep} days ago: {erased}")
            return
        with db.session(write=False) as s:
            found = due(s, days=keep)
    finally:
        db.dispose()
    for d in found:
        typer.echo(f"candidate {d.candidate_id} (opening {d.opening_id}, {d.status} {d.closed_at.date()})")
    typer.echo(f"{len(found)} candidate(s) due for erasure under a {keep}-day policy; add --apply to erase them")


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
            lines += [f"already open {o.id}: {o.title} (profile {o.profile_id})" for o in done.existing]
            lines += [f"skipped: {w.title} (no screening profile in the bank)" for w in done.skipped]
    finally:
        db.dispose()
    for line in lines:
        typer.echo(line)
    already = f", {len(done.existing)} already open" if done.existing else ""
    typer.echo(f"{len(done.created)} opening(s) created for {owner}{already}, {len(done.skipped)} wave(s) skipped")


def register(app: typer.Typer) -> None:
    """Add the `db` and `user` groups to the top-level command, and carry out `plan-team --create-openings`."""
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    app.add_typer(candidates_app, name="candidates")
    app.add_typer(data_app, name="data")
    set_role_opener(open_plan_roles_command)
