"""The unified calendar: events from every installed module, as pages and as an iCal feed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from core.clock import PARIS, today
from core.db import utcnow
from core.hookspecs import CalendarEvent
from core.plugins import collect


def events_for(
    user, start: datetime, end: datetime, modules: set[str] | None = None, limit: int | None = None
) -> list[CalendarEvent]:
    """The user's events in [start, end) in time order; with ``limit``, the first that many."""
    events = collect("erp_calendar_events", user=user, start=start, end=end, limit=limit)
    if modules:
        events = [e for e in events if e.module in modules]
    return sorted(events, key=lambda e: (_as_datetime(e.start), e.title))[:limit]


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, datetime.min.time(), PARIS)


def to_ics(events: list[CalendarEvent], name: str, public_url: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Ressourceries ERP//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = utcnow()
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@ressourceries-erp")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", public_url.rstrip("/") + item.url if item.url.startswith("/") else item.url)
        cal.add_component(event)
    return cal.to_ical()


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def feed_window() -> tuple[datetime, datetime]:
    now = utcnow()
    return now - timedelta(days=92), now + timedelta(days=366)


FIRST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 50


def within_range(day: date) -> date:
    """``day`` brought back between 2000 and fifty years ahead: a year 1 or 9999 typed in a link is
    a typo, and the month arithmetic of the pages would overflow near date.min and date.max."""
    return min(max(day, FIRST_DAY), today() + timedelta(days=366 * YEARS_AHEAD))


@dataclass(frozen=True)
class Period:
    """What one calendar page shows: rows of days, and where the arrows lead."""

    weeks: list[list[date]]
    previous: date
    next: date


def period_for(view: str, anchor: date) -> Period:
    """Month grid, the week of ``anchor``, or a six-week list starting with its month."""
    anchor = within_range(anchor)
    first = anchor.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    previous_month = (first - timedelta(days=1)).replace(day=1)
    if view == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return Period(
            [[monday + timedelta(days=i) for i in range(7)]], monday - timedelta(days=7), monday + timedelta(days=7)
        )
    if view == "list":
        return Period([[first + timedelta(days=i) for i in range(7 * 6)]], previous_month, next_month)
    return Period(month_grid(first.year, first.month), previous_month, next_month)


def month_grid(year: int, month: int) -> list[list[date]]:
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    weeks = []
    day = start
    while True:
        weeks.append([day + timedelta(days=i) for i in range(7)])
        day += timedelta(days=7)
        if day.month != month and day > first:
            break
    return weeks
