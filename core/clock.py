"""Time zones: stored in UTC, shown and typed in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

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


class LocalTimeError(ValueError):
    """A wall-clock time that Paris skips (spring) or lives twice (autumn); the message says which."""


def wall_clock(value: datetime) -> datetime:
    """A time typed by a person as aware UTC: with an offset it is taken as is; without one it is
    a Paris wall-clock time, refused when it does not exist (the spring gap) or is ambiguous (the
    autumn hour lived twice), instead of being moved silently. One rule for every form and API."""
    try:
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        first, second = value.replace(tzinfo=PARIS, fold=0), value.replace(tzinfo=PARIS, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first.astimezone(UTC)
    except OverflowError:  # past year 9999 (or before year 1) once in UTC
        raise LocalTimeError(_("This date is out of range.")) from None
    at = value.strftime("%d/%m/%Y %H:%M")
    if datetime.fromtimestamp(first.timestamp(), PARIS).replace(tzinfo=None) != value:
        raise LocalTimeError(_("%(time)s does not exist in Paris (clocks go forward); choose another time.", time=at))
    raise LocalTimeError(_("%(time)s happens twice in Paris (clocks go back); give the UTC offset.", time=at))


def check_horizon(value: datetime | date, years: int, field: str | None = None) -> None:
    """Refuse a date more than ``years`` ahead (or before 2000): a typo in the year, not a plan."""
    from core.errors import DomainError

    day = value.date() if isinstance(value, datetime) else value
    if day.year < 2000 or (day - today()).days > 366 * years:
        raise DomainError(
            ngettext("Choose a date within %(num)d year.", "Choose a date within %(num)d years.", years), field
        )
