"""The `mlscreen` command: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import importlib
import os
import sys

import typer
from rich.console import Console
from rich.text import Text

from mlscreen.errors import MlscreenError

app = typer.Typer(
    name="mlscreen",
    help="Structured, evidence-based screening of machine-learning candidates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each subsystem keeps its commands in its own `cli` module: (module, attribute, group name or None).
# A group name adds a Typer sub-app; None means the module registers top-level commands on `app`.
_SUBCOMMANDS: tuple[tuple[str, str, str | None], ...] = (
    ("mlscreen.bank.cli", "bank_app", "bank"),
    ("mlscreen.bank.cli", "register", None),
    ("mlscreen.grader.cli", "register", None),
    ("mlscreen.grader.mutants_cli", "register", None),
    ("mlscreen.scoring.cli", "answers_app", "answers"),
    ("mlscreen.store.cli", "register", None),
    ("mlscreen.web.cli", "register", None),
    ("mlscreen.jobs.cli", "register", None),
    ("mlscreen.planning.cli", "register", None),
    ("mlscreen.store.reports_cli", "register", None),
    ("mlscreen.integrity.cli", "register", None),
    ("mlscreen.store.similarity_cli", "register", None),
)


def _register() -> None:
    for module_name, attribute, group in _SUBCOMMANDS:
        module = importlib.import_module(module_name)
        target = getattr(module, attribute)
        if group is None:
            target(app)
        else:
            app.add_typer(target, name=group)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; report `MlscreenError` as a message (never a traceback) and exit with its code."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="mlscreen")
        # Outside standalone mode click returns (not raises) the code of a command's `typer.Exit(n)`.
        if isinstance(code, int) and not isinstance(code, bool) and code:
            sys.exit(code)
    except MlscreenError as exc:
        message = Text.assemble(("error: ", "bold red"), str(exc))
        Console(stderr=True, highlight=False, soft_wrap=True).print(message)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:
        # Usage errors of the click that Typer bundles arrive here in non-standalone mode.
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            show()
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if os.environ.get("MLSCREEN_DEBUG"):
            raise
        Console(stderr=True).print(
            Text.assemble(
                ("internal error: ", "bold red"),
                f"{type(exc).__name__}. This is a bug in mlscreen; run again with MLSCREEN_DEBUG=1 "
                "to see the traceback, and report it.",
            )
        )
        sys.exit(70)
    sys.exit(0)
