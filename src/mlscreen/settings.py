"""Settings: declared once, read from the environment, then a settings file, then the default."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscreen.errors import UsageError


class Secret:
    """A string that never shows itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value; call only where it is used."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def _to_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _to_paths(raw: str) -> list[Path]:
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


@dataclass(frozen=True)
class Setting:
    """One setting: its name (also the environment variable), how to parse it, its default and help."""

    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("MLSCREEN_DATA_DIR", Path, Path("~/.local/share/mlscreen"), "Where the database and uploads live."),
    Setting(
        "MLSCREEN_EMBEDDING_RUNTIME",
        str,
        "auto",
        "Answer-scoring embeddings: 'auto' (ONNX Runtime when installed, else torch), 'onnx' or 'torch'.",
    ),
    Setting(
        "MLSCREEN_BANK_PATH",
        _to_paths,
        [],
        "Extra question-bank directories, separated by ':' (added to the packaged bank).",
    ),
    Setting(
        "MLSCREEN_DATABASE_URL",
        str,
        "",
        "SQLAlchemy URL of the database; empty means a SQLite file in the data directory.",
        secret=True,
    ),
    Setting("MLSCREEN_SECRET_KEY", str, "", "Key that signs session cookies; generated if empty.", secret=True),
    Setting("MLSCREEN_WORKERS", int, 2, "Background workers (grading, scoring) in the server process."),
    Setting("MLSCREEN_JOB_BACKEND", str, "local", "Job queue backend: 'local' (database + threads) or 'celery'."),
    Setting("MLSCREEN_REDIS_URL", str, "redis://127.0.0.1:6379/0", "Broker URL for the celery backend."),
    Setting("MLSCREEN_REDIS_PREFIX", str, "", "Prefix of every Redis key the celery backend uses (empty: none)."),
    Setting("MLSCREEN_SANDBOX", _to_bool, True, "Run candidate code in the bubblewrap sandbox (keep on)."),
    Setting("MLSCREEN_SECURE_COOKIES", _to_bool, False, "Mark session cookies Secure (set it when served over HTTPS)."),
    Setting("MLSCREEN_MAX_UPLOAD_KB", int, 1024, "Largest request body the web app accepts, in KiB."),
    Setting("MLSCREEN_INVITE_DAYS", int, 7, "Days a candidate's assessment link stays valid."),
    Setting(
        "MLSCREEN_DEADLINE_GRACE_SECONDS",
        int,
        60,
        "Seconds after an assessment's time is up during which the server still accepts saves and the submission.",
    ),
    Setting("MLSCREEN_REQUIRE_SERVICES", _to_bool, False, "Fail, rather than skip, tests whose service is down."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def settings_file() -> Path:
    """Return the path of the optional JSON settings file (`MLSCREEN_SETTINGS_FILE` or the default)."""
    raw = os.environ.get("MLSCREEN_SETTINGS_FILE")
    return Path(raw).expanduser() if raw else Path("~/.config/mlscreen/settings.json").expanduser()


def _file_values() -> Mapping[str, Any]:
    path = settings_file()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read settings file {path}: {exc}", hint="fix the JSON or remove the file") from None
    if not isinstance(data, dict):
        raise UsageError(f"settings file {path} must hold a JSON object", hint='write {"MLSCREEN_...": value}')
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        raise UsageError(
            f"settings file {path} names unknown settings: {', '.join(unknown)}",
            hint=f"known settings: {', '.join(_BY_NAME)}",
        )
    return data


def get(name: str) -> Any:
    """Return the value of setting `name`, wrapped in `Secret` when the setting is secret.

    Raises `UsageError` when the value given cannot be parsed.
    """
    setting = _BY_NAME[name]
    raw: Any = os.environ.get(name)
    source = "environment variable"
    if raw is None:
        raw = _file_values().get(name)
        source = "settings file"
    if raw is None:
        value = setting.default
        if isinstance(value, Path):
            value = value.expanduser()
    else:
        try:
            value = setting.parse(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise UsageError(f"{source} {name} has a bad value: {exc}", hint=f"{name}: {setting.help}") from None
    return Secret(value) if setting.secret and isinstance(value, str) else value
