"""Time zones: stored in UTC, shown and typed in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def local(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def from_local(value: datetime) -> datetime:
    """A wall-clock time typed in Paris (naive) as aware UTC; DST gaps resolve forward."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    return value.astimezone(UTC)


def day_start(day: date) -> datetime:
    return from_local(datetime.combine(day, time.min))


def today() -> date:
    return datetime.now(PARIS).date()
