"""The CLI reference in Markdown, generated from the command tree so that docs/cli.md cannot drift."""

from __future__ import annotations

from typing import Any

import typer.main

# Typer may bundle its own copy of click, so commands and parameters are read by their attributes.


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, command)]
    for name in sorted(getattr(command, "commands", {})):
        out += _walk(command.commands[name], [*path, name])
    return out


def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        required = "required" if param.required else "optional"
        many = ", repeatable" if param.multiple or param.nargs == -1 else ""
        return f"- `{(param.metavar or param.name).upper()}` (argument, {required}{many})"
    flags = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    text = f"- {flags}"
    if param.help:
        text += f": {param.help}"
    if param.required:
        text += " Required."
    elif param.default is not None and param.default is not False and param.default != [] and not param.is_flag:
        text += f" Default: `{param.default}`."
    return text


def cli_reference() -> str:
    """Return the Markdown reference of every `mlscreen` command, its arguments and options."""
    from mlscreen.cli import app

    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from the command tree (`python scripts/gen_cli_reference.py`); a test keeps it in step.",
        "",
    ]
    for path, command in _walk(root, ["mlscreen"]):
        if path == ["mlscreen"]:
            continue
        lines += [f"## `{' '.join(path)}`", ""]
        if command.help:
            lines += [command.help.strip().split("\n\n")[0].replace("\n", " "), ""]
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines += [_param_line(p) for p in params] + [""]
    return "\n".join(lines).rstrip() + "\n"
