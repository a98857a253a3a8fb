"""Settings: declared once with a type, read from the environment, then a settings file, then the default.

Every value, whatever its source, is checked against its setting's declared kind: a value of the wrong type
is an error naming the setting and its source, never silently taken for something else.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from mlscreen.errors import UsageError
from mlscreen.zones import check_zone

T = TypeVar("T")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How a setting's values are written: parsed from text (environment, file strings) or from JSON values."""

    name: str
    from_text: Callable[[str], T]
    from_json: Callable[[object], T]
    show: Callable[[T], str]
    normalise: Callable[[T], T] = lambda value: value


def _json_via_text(parse: Callable[[str], T], expected: str) -> Callable[[object], T]:
    def from_json(value: object) -> T:
        if not isinstance(value, str):
            raise ValueError(f"expected {expected}, got {json.dumps(value)}")
        return parse(value)

    return from_json


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _bool_text(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _bool_json(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _bool_text(value)
    raise ValueError(f"expected true or false, got {json.dumps(value)}")


BOOL: Kind[bool] = Kind(
    "boolean (true/false, 1/0, yes/no, on/off)", _bool_text, _bool_json, lambda v: "true" if v else "false"
)


def integer(minimum: int) -> Kind[int]:
    """Return the kind of whole numbers of at least `minimum`."""

    def check(value: int) -> int:
        if value < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}, got {value}")
        return value

    def from_text(raw: str) -> int:
        try:
            return check(int(raw.strip()))
        except ValueError:
            if raw.strip().lstrip("-").isdigit():
                raise
            raise ValueError(f"expected a whole number, got {raw!r}") from None

    def from_json(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected a whole number, got {json.dumps(value)}")
        return check(value) if isinstance(value, int) else from_text(value)

    return Kind(f"integer >= {minimum}", from_text, from_json, str)


TEXT: Kind[str] = Kind("text", str, _json_via_text(str, "a string"), str)


def _zone_text(raw: str) -> str:
    try:
        return check_zone(raw)
    except UsageError:
        raise ValueError(f"expected a time zone name like Europe/Paris or UTC, got {raw!r}") from None


TIMEZONE: Kind[str] = Kind("time zone", _zone_text, _json_via_text(_zone_text, "a time zone name"), str)


def choice(*options: str) -> Kind[str]:
    """Return the kind of one word out of `options`."""

    def from_text(raw: str) -> str:
        value = raw.strip()
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {raw!r}")
        return value

    return Kind(f"one of {', '.join(options)}", from_text, _json_via_text(from_text, "a string"), str)


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("expected a path, got an empty value")
    return Path(raw.strip()).expanduser()


PATH: Kind[Path] = Kind("path", _path, _json_via_text(_path, "a path string"), str, Path.expanduser)


def _paths_text(raw: str) -> list[Path]:
    return [Path(p.strip()).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _paths_json(value: object) -> list[Path]:
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return [Path(str(p)).expanduser() for p in value if str(p).strip()]
    return _json_via_text(_paths_text, "a list of paths or a ':'-separated string")(value)


PATHS: Kind[list[Path]] = Kind(
    "paths separated by ':' (a list in the file)", _paths_text, _paths_json, lambda v: ":".join(map(str, v))
)
SECRET: Kind[Secret] = Kind("text, secret", Secret, _json_via_text(Secret, "a string"), lambda v: "(set)" if v else "")


def _url_text(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"expected an address like https://screening.example.org, got {raw!r}")
    return value


URL: Kind[str] = Kind("http(s) address, or empty", _url_text, _json_via_text(_url_text, "a string"), str)


def _networks_text(raw: str) -> list[Network]:
    found: list[Network] = []
    for part in raw.replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"expected IP addresses or networks (CIDR), got {part!r}") from None
    return found


def _networks_json(value: object) -> list[Network]:
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return _networks_text(" ".join(str(p) for p in value))
    return _json_via_text(_networks_text, "a list of addresses or a comma-separated string")(value)


NETWORKS: Kind[list[Network]] = Kind(
    "IP addresses or CIDR networks, comma-separated (a list in the file)",
    _networks_text,
    _networks_json,
    lambda v: ", ".join(map(str, v)),
)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its name (also the environment variable), its kind, its default and what it is for."""

    name: str
    kind: Kind[T]
    default: T
    help: str

    def get(self) -> T:
        """Return the value from the environment, else the settings file, else the default.

        Raises `UsageError` when the value given is not of the setting's kind.
        """
        raw = os.environ.get(self.name)
        try:
            if raw is not None:
                return self.kind.from_text(raw)
            values = _file_values()
            if self.name in values:
                return self.kind.from_json(values[self.name])
        except ValueError as exc:
            source = "environment variable" if raw is not None else f"settings file {settings_file()}:"
            raise UsageError(f"{source} {self.name} has a bad value: {exc}", hint=f"{self.name}: {self.help}") from None
        return self.kind.normalise(self.default)

    @property
    def kind_name(self) -> str:
        """Return how values of this setting are written."""
        return self.kind.name

    @property
    def default_text(self) -> str:
        """Return the default as the reference shows it."""
        return self.kind.show(self.default)


class Declared(Protocol):
    """What the reference and `check_all` need of a setting, whatever its type."""

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...

    @property
    def kind_name(self) -> str: ...

    @property
    def default_text(self) -> str: ...

    def get(self) -> object: ...


DATA_DIR = Setting("MLSCREEN_DATA_DIR", PATH, Path("~/.local/share/mlscreen"), "Where the database and keys live.")
EMBEDDING_RUNTIME = Setting(
    "MLSCREEN_EMBEDDING_RUNTIME",
    choice("auto", "onnx", "torch"),
    "auto",
    "Answer-scoring embeddings: 'auto' (ONNX Runtime when installed, else torch), 'onnx' or 'torch'.",
)
BANK_PATH = Setting("MLSCREEN_BANK_PATH", PATHS, [], "Extra question-bank directories, added to the packaged bank.")
DATABASE_URL = Setting(
    "MLSCREEN_DATABASE_URL",
    SECRET,
    Secret(""),
    "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db; empty means a SQLite file in the "
    "data directory.",
)
SECRET_KEY = Setting(
    "MLSCREEN_SECRET_KEY",
    SECRET,
    Secret(""),
    "Key that signs session cookies; when empty, one is generated once into the data directory (mode 0600).",
)
WORKERS = Setting("MLSCREEN_WORKERS", integer(0), 2, "Background workers (grading, scoring) in the server process.")
REPORT_MIN_GROUP = Setting(
    "MLSCREEN_REPORT_MIN_GROUP",
    integer(1),
    5,
    "Adverse-impact reports suppress groups with fewer candidates than this (their figures could point at a person).",
)
JOB_BACKEND = Setting(
    "MLSCREEN_JOB_BACKEND",
    choice("local", "celery"),
    "local",
    "Job queue backend: 'local' (database + threads) or 'celery'.",
)
REDIS_URL = Setting("MLSCREEN_REDIS_URL", TEXT, "redis://127.0.0.1:6379/0", "Broker URL for the celery backend.")
REDIS_PREFIX = Setting("MLSCREEN_REDIS_PREFIX", TEXT, "", "Prefix of every Redis key the celery backend uses.")
SANDBOX = Setting(
    "MLSCREEN_SANDBOX",
    BOOL,
    True,
    "Run candidate code in the bubblewrap sandbox. Only an explicit false turns it off (never do that for real "
    "candidates); every grading then logs a warning.",
)
SECURE_COOKIES = Setting(
    "MLSCREEN_SECURE_COOKIES", BOOL, False, "Mark session cookies Secure (set it when served over HTTPS)."
)
MAX_UPLOAD_KB = Setting("MLSCREEN_MAX_UPLOAD_KB", integer(1), 1024, "Largest request body the web app accepts, in KiB.")
RECORDING_MAX_KB = Setting(
    "MLSCREEN_RECORDING_MAX_KB",
    integer(16),
    2048,
    "Largest session recording kept per assessment, in KiB; at the cap the recording stops and says so.",
)
MAX_CV_KB = Setting(
    "MLSCREEN_MAX_CV_KB",
    integer(1),
    900,
    "Largest candidate CV (a PDF) accepted, in KiB; the upload must also fit MLSCREEN_MAX_UPLOAD_KB.",
)
INVITE_DAYS = Setting("MLSCREEN_INVITE_DAYS", integer(1), 7, "Days a candidate's assessment link stays valid.")
ROOM_MAX_MINUTES = Setting(
    "MLSCREEN_ROOM_MAX_MINUTES",
    integer(5),
    180,
    "Minutes after which a live interview room closes by itself (and its candidate link dies) if nobody ended it.",
)
DEADLINE_GRACE_SECONDS = Setting(
    "MLSCREEN_DEADLINE_GRACE_SECONDS",
    integer(0),
    60,
    "Seconds after an assessment's time is up during which the server still accepts saves and the submission.",
)
BASE_URL = Setting(
    "MLSCREEN_BASE_URL",
    URL,
    "",
    "The public address of the web app (e.g. https://screening.example.org); candidates' links are built from "
    "it, never from a request's Host header. Required by `mlscreen serve` except with --demo.",
)
TRUSTED_PROXIES = Setting(
    "MLSCREEN_TRUSTED_PROXIES",
    NETWORKS,
    [],
    "Reverse proxies whose X-Forwarded-For header is believed (for the sign-in limiter and the access log); "
    "empty: the header is ignored and the peer address counts.",
)
RETENTION_DAYS = Setting(
    "MLSCREEN_RETENTION_DAYS",
    integer(0),
    365,
    "Days after a candidate's decision or exit (hired, rejected, withdrawn) after which their personal data is "
    "erased automatically, once a day (an anonymous record stays for reports); 0 turns automatic erasure off.",
)
TRANSPARENCY_TEXT = Setting(
    "MLSCREEN_TRANSPARENCY_TEXT",
    TEXT,
    "",
    "Extra text the assessment page shows candidates before they start, after the built-in notice of what is "
    "automated: e.g. who to write to for a human review or to see or erase their data.",
)
SMTP_URL = Setting(
    "MLSCREEN_SMTP_URL",
    SECRET,
    Secret(""),
    "SMTP server e-mails are sent through: smtp://[user:password@]host[:port] (STARTTLS when the server offers "
    "it; add ?starttls=required to refuse sending without it) or smtps://... (TLS from the start). Empty: "
    "messages stay in the outbox, listed on the admin outbox page.",
)
MAIL_FROM = Setting(
    "MLSCREEN_MAIL_FROM",
    TEXT,
    "mlscreen@localhost",
    "The From address of every e-mail, e.g. Hiring <hiring@example.org>.",
)
MAIL_TEMPLATES = Setting(
    "MLSCREEN_MAIL_TEMPLATES",
    PATHS,
    [],
    "Directories whose e-mail templates replace the packaged ones of the same name (see docs/email.md).",
)
DEFAULT_TIMEZONE = Setting(
    "MLSCREEN_DEFAULT_TIMEZONE",
    TIMEZONE,
    "UTC",
    "The time zone (an IANA name such as Europe/Paris) times are shown in for users who have not chosen their own, "
    "and for candidates.",
)
REQUIRE_SERVICES = Setting(
    "MLSCREEN_REQUIRE_SERVICES", BOOL, False, "Tests: fail, rather than skip, tests whose service is down."
)

SETTINGS: tuple[Declared, ...] = (
    DATA_DIR,
    DATABASE_URL,
    SECRET_KEY,
    BASE_URL,
    TRUSTED_PROXIES,
    SECURE_COOKIES,
    MAX_UPLOAD_KB,
    MAX_CV_KB,
    INVITE_DAYS,
    RECORDING_MAX_KB,
    ROOM_MAX_MINUTES,
    DEADLINE_GRACE_SECONDS,
    WORKERS,
    REPORT_MIN_GROUP,
    JOB_BACKEND,
    REDIS_URL,
    REDIS_PREFIX,
    SMTP_URL,
    MAIL_FROM,
    MAIL_TEMPLATES,
    DEFAULT_TIMEZONE,
    SANDBOX,
    BANK_PATH,
    EMBEDDING_RUNTIME,
    RETENTION_DAYS,
    TRANSPARENCY_TEXT,
    REQUIRE_SERVICES,
)
_NAMES = frozenset(s.name for s in SETTINGS)


def settings_file() -> Path:
    """Return the path of the optional JSON settings file (`MLSCREEN_SETTINGS_FILE` or the default)."""
    raw = os.environ.get("MLSCREEN_SETTINGS_FILE")
    return Path(raw).expanduser() if raw else Path("~/.config/mlscreen/settings.json").expanduser()


def _file_values() -> Mapping[str, object]:
    path = settings_file()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read settings file {path}: {exc}", hint="fix the JSON or remove the file") from None
    if not isinstance(data, dict):
        raise UsageError(f"settings file {path} must hold a JSON object", hint='write {"MLSCREEN_...": value}')
    unknown = sorted(set(data) - _NAMES)
    if unknown:
        raise UsageError(
            f"settings file {path} names unknown settings: {', '.join(unknown)}",
            hint=f"known settings: {', '.join(sorted(_NAMES))}",
        )
    return data


def check_all() -> None:
    """Read every setting once, so a bad value anywhere is reported at start-up; raises `UsageError`."""
    for setting in SETTINGS:
        setting.get()


def settings_reference() -> str:
    """Return the Markdown reference of every setting, generated from the declarations above."""
    lines = [
        "# Settings",
        "",
        "Generated from `src/mlscreen/settings.py` (`python scripts/gen_settings_reference.py`); a test keeps it in",
        "step.",
        "",
        "Each setting is read from its environment variable, else from the JSON settings file",
        "(`MLSCREEN_SETTINGS_FILE`, default `~/.config/mlscreen/settings.json`, an object of names to values), else",
        "its default. Every value, from either source, must be of the setting's kind: anything else is refused with",
        "an error naming the setting, never taken as some other value (a boolean is one of the words listed or a",
        "JSON `true`/`false`; an object or a number is an error). Unknown names in the file are refused too.",
        "",
        "| Setting | Kind | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        shown = f"`{s.default_text}`" if s.default_text else "empty"
        lines.append(f"| `{s.name}` | {s.kind_name} | {shown} | {s.help} |")
    return "\n".join(lines) + "\n"
