"""`mlscreen similarity-index`: queue the similarity jobs of submissions saved before indexing existed."""

from __future__ import annotations

from typing import Annotated

import typer

URL_HELP = "Database URL; default MLSCREEN_DATABASE_URL or the data dir."


def similarity_index_command(url: Annotated[str | None, typer.Option(help=URL_HELP)] = None) -> None:
    """Queue a similarity job for every submission not indexed yet (once, after upgrading); workers run them."""
    from mlscreen.store.db import Database
    from mlscreen.store.migrate import require_schema
    from mlscreen.store.similarity import queue_unindexed

    db = Database(url)
    try:
        require_schema(db)
        with db.session() as s:
            queued = queue_unindexed(s)
    finally:
        db.dispose()
    typer.echo(f"queued {queued} submission(s) for similarity indexing")


def register(app: typer.Typer) -> None:
    """Add `similarity-index` to the top-level app."""
    app.command("similarity-index")(similarity_index_command)
