"""Time zones: names checked against the zone database; moments shown in a zone across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mlscreen import settings
from mlscreen.errors import UsageError
from mlscreen.zones import check_zone, from_wall_clock, show, show_day, show_named


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "", "  ", "x" * 500])
def test_an_unknown_zone_is_refused_saying_how_to_write_one(name: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_zone(name)
    assert "unknown time zone" in caught.value.message
    assert caught.value.hint is not None and "Europe/Paris" in caught.value.hint
    assert len(caught.value.message) < 120


def test_a_zone_is_spelled_as_the_database_spells_it() -> None:
    assert check_zone(" europe/paris ") == "Europe/Paris"
    assert check_zone("utc") == "UTC"
    assert check_zone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize(
    ("moment", "zone", "shown"),
    [
        # Paris, spring 2026: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST.
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "Europe/Paris", "2026-03-29 01:59 CET"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "Europe/Paris", "2026-03-29 03:00 CEST"),
        # New York, autumn 2026: 01:30 happens twice, first in EDT, then an hour later in EST.
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York", "2026-11-01 01:30 EDT"),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York", "2026-11-01 01:30 EST"),
        # Zones whose database entry has no letters are shown by their offset.
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "Asia/Kathmandu", "2026-01-01 05:45 UTC+05:45"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "America/Sao_Paulo", "2025-12-31 21:00 UTC-03:00"),
        (datetime(2026, 1, 1, 0, 0), "UTC", "2026-01-01 00:00 UTC"),
    ],
)
def test_a_moment_is_shown_in_the_zone_with_the_zone(moment: datetime, zone: str, shown: str) -> None:
    assert show(moment, zone) == shown


def test_the_date_and_the_named_form_follow_the_zone() -> None:
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert show_day(late, "Europe/Berlin") == "2026-07-01"
    assert show_named(late, "Europe/Berlin") == "2026-07-01 01:30 CEST (Europe/Berlin)"
    assert show_named(late, "UTC") == "2026-06-30 23:30 UTC"


def test_a_wall_clock_time_is_read_in_its_zone() -> None:
    assert from_wall_clock("2026-03-29T03:30", "Europe/Paris") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert from_wall_clock("2026-07-01T09:00", "Asia/Kolkata") == datetime(2026, 7, 1, 3, 30, tzinfo=UTC)
    # The repeated hour when summer time ends is its first occurrence (still summer time).
    assert from_wall_clock("2026-11-01T01:30", "America/New_York") == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert from_wall_clock("2026-11-01T01:30-05:00", "America/New_York") == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_a_time_the_clocks_skip_or_that_is_no_time_is_refused() -> None:
    with pytest.raises(UsageError, match="does not exist in Europe/Paris"):
        from_wall_clock("2026-03-29T02:30", "Europe/Paris")
    with pytest.raises(UsageError, match="is not valid"):
        from_wall_clock("next tuesday", "UTC")


def test_the_default_zone_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.DEFAULT_TIMEZONE.get() == "UTC"
    monkeypatch.setenv("MLSCREEN_DEFAULT_TIMEZONE", "asia/tokyo")
    assert settings.DEFAULT_TIMEZONE.get() == "Asia/Tokyo"
    monkeypatch.setenv("MLSCREEN_DEFAULT_TIMEZONE", "Europe/Pariss")
    with pytest.raises(UsageError, match="MLSCREEN_DEFAULT_TIMEZONE has a bad value: expected a time zone name"):
        settings.DEFAULT_TIMEZONE.get()
