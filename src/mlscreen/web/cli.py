"""`mlscreen serve`: run the web application."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (1-65535).", min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed a demo organisation (users per role, openings, candidates).")
    ] = False,
) -> None:
    """Run the web application (migrating the database first)."""
    import uvicorn

    from mlscreen.web.app import create_app
    from mlscreen.web.demo import seed_demo
    from mlscreen.web.serving import HttpProtocol

    app = create_app()
    if demo:
        logins = seed_demo(app.state.db, app.state.bank, app.state.queue)
        typer.echo("demo logins (e-mail / password):")
        for email, role, password in logins:
            typer.echo(f"  {role:15} {email:32} {password}")
    typer.echo(f"serving on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning", http=HttpProtocol)


def register(app: typer.Typer) -> None:
    """Add `serve` to the top-level command."""
    app.command("serve")(serve)
