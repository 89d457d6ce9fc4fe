"""The extension points a module implements, as pluggy hook specifications.

A module's ``hooks.py`` defines functions named after these specs, decorated with
``core.hookspecs.hookimpl``. Only installed modules are called, each contained (``core.plugins.collect``:
a module whose hook raises is left out of the page and reported to admins). Every hook returns
a list (or None): results of all modules are concatenated by the caller.

What every module has is found by convention, not by a hook: the permission labels
``permissions.LABELS``, the web blueprint ``views.bp``, the API blueprint ``api.blp`` and the
demo loader ``demo.load(demo)`` (see ``core.loader.PARTS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pluggy

PROJECT = "erp"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class MenuItem:
    label: Any  # a lazy_gettext string
    endpoint: str
    permission: str | None = None  # None: any logged-in user
    order: int = 100
    # The dropdown it belongs to (its title, lazy); None: top level; "admin": Administration;
    # "public": offered to visitors (navbar and welcome page), not to logged-in users.
    section: Any = None


@dataclass(frozen=True)
class Widget:
    title: Any
    render: Callable[[], str]  # HTML for the card, from an autoescaped template (inserted as is)
    order: int = 100
    width: int = 6  # Bootstrap columns out of 12


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across feeds, e.g. "pooling-booking-42"
    title: str
    start: datetime | date
    end: datetime | date
    module: str
    url: str | None = None
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # unique, e.g. "pooling.remind_late_returns"
    func: Callable[[], None]
    every_minutes: int = 1


@dataclass(frozen=True)
class Indicator:
    code: str  # e.g. "pooling.booking_days"
    label: Any
    unit: str
    values: dict[int, Decimal] = field(default_factory=dict)  # organization id -> value


@dataclass(frozen=True)
class ChargeSource:
    """What a module says of a ledger source it posted ("pooling.booking:12"), for statements."""

    source: str
    label: str  # e.g. "Booking: utility van, 03/12–05/12", in the reader's language
    path: str | None = None  # the page of the record (core.web.urls.path_for)
    provisional: bool = False  # the amount may still change (a booking not yet returned)


@hookspec
def erp_menu_items(user) -> list[MenuItem] | None:
    """Entries for the navigation bar; the caller drops those the user may not see."""


@hookspec
def erp_dashboard_widgets(user) -> list[Widget] | None:
    """Cards for the user's dashboard: what needs their action, what is coming."""


@hookspec
def erp_calendar_events(user, start: datetime, end: datetime, limit: int | None) -> list[CalendarEvent] | None:
    """Events between start and end (aware UTC) that concern the user, for the calendar and feed.

    ``limit``: only the first this-many events by start are wanted (the dashboard's next events;
    None: all). A module with many events should return at most that many, its earliest.
    """


@hookspec
def erp_scheduled_jobs() -> list[ScheduledJob] | None:
    """Periodic work; each runs as an outbox job at most once per period across all workers."""


@hookspec
def erp_charge_sources(sources: list[str]) -> list[ChargeSource] | None:
    """Describe those of ``sources`` (ledger sources, "<module>.<kind>:<id>") that this module posted;
    others are ignored. One query per kind, whatever the number of sources."""


@hookspec
def erp_observatory_indicators(start: date, end: date, organization_ids: set[int] | None) -> list[Indicator] | None:
    """Activity figures per organization over [start, end), contributed to the observatory.

    ``organization_ids``: the organizations asked about (None: all of them). A module may filter
    on it in its queries (one structure's dashboard then costs little in a national network);
    figures of other organizations are ignored anyway.
    """
