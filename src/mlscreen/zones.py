"""Time zones: IANA names checked against the zone database, and moments shown in a zone with the zone named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from mlscreen.errors import UsageError

ZONE_HINT = "give an IANA time zone name such as Europe/Paris, America/New_York, Asia/Kolkata or UTC"
MAX_NAME = 64


@cache
def _known() -> dict[str, str]:
    # Lower-cased name -> the database's spelling; "UTC" is always there (zoneinfo knows it without tzdata).
    names = {name for name in available_timezones() if name not in ("localtime", "posixrules", "Factory")}
    return {name.lower(): name for name in names | {"UTC"}}


def zone_names() -> list[str]:
    """Return every time zone name users may choose, sorted (for a form's suggestions)."""
    return sorted(_known().values())


def check_zone(name: str) -> str:
    """Return the zone database's spelling of `name` (any letter case, surrounding spaces ignored).

    Raises `UsageError` for a name that is not an IANA time zone (a path, an offset, a misspelling), saying how to
    write one.
    """
    cleaned = name.strip()
    found = _known().get(cleaned.lower()) if 0 < len(cleaned) <= MAX_NAME else None
    if found is None:
        shown = cleaned if len(cleaned) <= MAX_NAME else cleaned[:MAX_NAME] + "..."
        raise UsageError(f"unknown time zone {shown!r}", hint=ZONE_HINT)
    return found


def zone(name: str) -> ZoneInfo:
    """Return the time zone called `name`; raises `UsageError` for an unknown one."""
    return ZoneInfo(check_zone(name))


def abbreviation(moment: datetime) -> str:
    """Return the short name of an aware moment's zone offset: "CET", "EDT", or "UTC+05:30" where the zone
    database has no letters for it."""
    short = moment.tzname() or ""
    if short and short[0] not in "+-":
        return short
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local(moment: datetime, name: str) -> datetime:
    """Return the aware `moment` (naive ones are taken as UTC, as the database stores them) in zone `name`."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(name))


def show(moment: datetime, name: str, *, seconds: bool = False) -> str:
    """Return `moment` as "2026-03-29 03:30 CEST" in zone `name`: the wall-clock time there and its zone."""
    there = local(moment, name)
    return f"{there.strftime('%Y-%m-%d %H:%M:%S' if seconds else '%Y-%m-%d %H:%M')} {abbreviation(there)}"


def show_named(moment: datetime, name: str) -> str:
    """Return `moment` as `show` writes it, followed by the zone's name unless it is UTC: "2026-03-29 03:30 CEST
    (Europe/Paris)" (for messages, read away from the application)."""
    text = show(moment, name)
    key = zone(name).key
    return text if key == "UTC" else f"{text} ({key})"


def show_day(moment: datetime, name: str) -> str:
    """Return the date of `moment` in zone `name` ("2026-03-29")."""
    return local(moment, name).strftime("%Y-%m-%d")


def from_wall_clock(text: str, name: str) -> datetime:
    """Return the UTC moment of a wall-clock time written "YYYY-MM-DDTHH:MM" (a date-time picker's value) in zone
    `name`.

    Raises `UsageError` for text that is not such a time, and for a time the clocks skip there (the hour lost when
    summer time starts). A time that happens twice (the hour repeated when it ends) is the first of the two.
    """
    try:
        wall = datetime.fromisoformat(text.strip()[:40])
    except ValueError:
        raise UsageError(f"the time {text[:40]!r} is not valid", hint="write it as 2026-12-01T14:30") from None
    tz = zone(name)
    if wall.tzinfo is not None:  # an explicit offset says which moment it is
        return wall.astimezone(UTC)
    there = wall.replace(tzinfo=tz, fold=0)
    moment = there.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != wall:
        raise UsageError(
            f"{wall.strftime('%Y-%m-%d %H:%M')} does not exist in {tz.key}: the clocks skip that hour",
            hint="pick a time an hour later or earlier",
        )
    return moment
