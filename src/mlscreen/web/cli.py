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
    """Run the web application (migrating the database first); MLSCREEN_BASE_URL is required except with --demo."""
    import uvicorn

    from mlscreen import settings
    from mlscreen.logs import configure_logging
    from mlscreen.web.app import create_app
    from mlscreen.web.demo import seed_demo
    from mlscreen.web.serving import uvicorn_options

    # A demo is opened on this machine, at the address it listens on; a real server must be told its public one.
    base_url = f"http://{host}:{port}" if demo and not settings.BASE_URL.get() else None
    configure_logging()
    app = create_app(base_url=base_url)
    if demo:
        logins = seed_demo(app.state.db, app.state.bank, app.state.queue)
        typer.echo("demo logins (e-mail / password):")
        for email, role, password in logins:
            typer.echo(f"  {role:15} {email:32} {password}")
    typer.echo(f"serving on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, **uvicorn_options())  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add `serve` to the top-level command."""
    app.command("serve")(serve)
