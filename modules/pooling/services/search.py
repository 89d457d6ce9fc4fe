"""Date-first search, availability grids, calendars and usage statements.

Each function runs a fixed number of queries whatever the number of items and bookings: the
items, their units, the bookings and the unavailabilities of the window are loaded in one query
each and combined in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import selectinload

from core.accounts.models import Organization
from core.accounts.permissions import permitted_org_ids, scope
from core.clock import day_start, local
from core.db import utcnow
from core.extensions import db
from modules.pooling.models import ACTIVE, Booking, Equipment, EquipmentUnit
from modules.pooling.services.booking import billable_days, rule_problems
from modules.pooling.services.common import distance_km, within_box
from modules.pooling.services.equipment import occurrences, unavailabilities_stmt


@dataclass
class SearchResult:
    equipment: Equipment
    free_units: int
    distance_km: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def bookable(self) -> bool:
        return self.free_units > 0 and not self.problems


def catalog_stmt(category: str | None = None, site_id: int | None = None, q: str | None = None):
    stmt = db.select(Equipment).where(Equipment.active).order_by(Equipment.name, Equipment.id)
    if category:
        stmt = stmt.where(Equipment.category == category)
    if site_id:
        stmt = stmt.where(Equipment.site_id == site_id)
    if q:
        stmt = stmt.where(Equipment.name.ilike(f"%{q}%"))
    return stmt


def categories() -> list[str]:
    return list(
        db.session.scalars(
            db.select(Equipment.category).where(Equipment.active).distinct().order_by(Equipment.category)
        )
    )


def sites() -> list[tuple[int, str]]:
    """Organizations where some active equipment sits, for the site filter."""
    rows = db.session.execute(
        db.select(Organization.id, Organization.name)
        .where(Organization.id.in_(db.select(Equipment.site_id).where(Equipment.active)))
        .order_by(Organization.name)
    )
    return [(row.id, row.name) for row in rows]


def _busy_by_unit(equipment: list[Equipment], start: datetime, end: datetime) -> tuple[dict, dict]:
    """Units per item and busy intervals per unit over [start, end), in three queries."""
    ids = [e.id for e in equipment]
    units: dict[int, list[int]] = defaultdict(list)
    for eq_id, unit_id in db.session.execute(
        db.select(EquipmentUnit.equipment_id, EquipmentUnit.id).where(
            EquipmentUnit.equipment_id.in_(ids or [-1]), EquipmentUnit.active
        )
    ):
        units[eq_id].append(unit_id)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for unit_id, b_start, b_end in db.session.execute(
        db.select(Booking.unit_id, Booking.start_at, Booking.end_with_buffer).where(
            Booking.equipment_id.in_(ids or [-1]),
            Booking.status.in_(ACTIVE),
            Booking.start_at < end,
            Booking.end_with_buffer > start,
        )
    ):
        busy[unit_id].append((b_start, b_end))
    for period in db.session.scalars(unavailabilities_stmt(ids, start, end)):
        for p_start, p_end in occurrences(period, start, end):
            for unit_id in [period.unit_id] if period.unit_id else units[period.equipment_id]:
                busy[unit_id].append((p_start, p_end))
    return units, busy


def _free_count(unit_ids: list[int], busy: dict, start: datetime, until: datetime) -> int:
    return sum(1 for u in unit_ids if not any(s < until and start < e for s, e in busy.get(u, ())))


def search(
    user,
    start: datetime,
    end: datetime,
    org_id: int | None,
    category: str | None = None,
    site_id: int | None = None,
    max_km: float | None = None,
    q: str | None = None,
) -> list[SearchResult]:
    """What is free over [start, end), nearest first when the user's organization is located."""
    origin = db.session.get(Organization, org_id) if org_id else None
    stmt = catalog_stmt(category, site_id, q)
    if max_km is not None and origin is not None and None not in (origin.latitude, origin.longitude):
        site = db.aliased(Organization)
        stmt = within_box(stmt.join(site, Equipment.site_id == site.id), site, origin, max_km)
    items = list(db.session.scalars(stmt))
    longest_buffer = timedelta(minutes=max((e.buffer_minutes for e in items), default=0))
    units, busy = _busy_by_unit(items, start, end + longest_buffer)
    results = []
    for item in items:
        distance = distance_km(origin, item.site)
        if max_km is not None and (distance is None or distance > max_km):
            continue
        until = end + timedelta(minutes=item.buffer_minutes)
        problems = [m for _f, m in rule_problems(user, item, org_id, start, end)] if org_id else []
        results.append(SearchResult(item, _free_count(units[item.id], busy, start, until), distance, problems))
    results.sort(key=lambda r: (not r.bookable, r.distance_km if r.distance_km is not None else 1e9, r.equipment.name))
    return results


def availability(equipment: list[Equipment], first_day: date, days: int) -> dict[int, list[int]]:
    """Per item, the number of units free for the whole of each day (Paris days)."""
    bounds = [day_start(first_day + timedelta(days=d)) for d in range(days + 1)]
    units, busy = _busy_by_unit(equipment, bounds[0], bounds[-1])
    return {
        item.id: [_free_count(units[item.id], busy, bounds[d], bounds[d + 1]) for d in range(days)]
        for item in equipment
    }


def bookings_between(equipment_ids: list[int], start: datetime, end: datetime) -> list[Booking]:
    return list(
        db.session.scalars(
            db.select(Booking)
            .where(
                Booking.equipment_id.in_(equipment_ids or [-1]),
                Booking.status.in_(ACTIVE + ("returned",)),
                Booking.start_at < end,
                Booking.end_at > start,
            )
            .order_by(Booking.start_at)
        )
    )


def visible_bookings_stmt(user):
    """Bookings of the user's organizations, and bookings of the items they own or hand over
    (the same record rule as services.booking.visible_booking)."""
    booker = permitted_org_ids(user, "pooling.book")
    owner = [permitted_org_ids(user, p) for p in ("pooling.manage", "pooling.approve", "pooling.book")]
    # The item, unit and booker are loaded for the selected bookings only: joined to every booking
    # that matches, they would be read for thousands of rows before the ORDER BY ... LIMIT of a page.
    stmt = (
        db.select(Booking)
        .join(Equipment, Booking.equipment_id == Equipment.id)
        .options(selectinload(Booking.equipment), selectinload(Booking.unit), selectinload(Booking.organization))
    )
    if booker is None or None in owner:
        return stmt
    # Both conditions on the booking's own indexed columns, with the owned items' ids as values: an
    # OR across the join (or over a subquery) makes PostgreSQL scan every booking of the network.
    owned = db.session.scalars(
        db.select(Equipment.id).where(Equipment.organization_id.in_(set().union(*owner) or [-1]))
    ).all()
    return stmt.where(db.or_(Booking.organization_id.in_(booker or [-1]), Booking.equipment_id.in_(owned or [-1])))


def approval_queue_stmt(user):
    stmt = (
        db.select(Booking)
        .join(Equipment, Booking.equipment_id == Equipment.id)
        .where(Booking.status == "requested")
        .order_by(Booking.start_at)
    )
    return scope(stmt, Equipment.organization_id, user, "pooling.approve")


def late_stmt(user, visible=None):
    """Bookings picked up and not returned on time, of those ``visible`` (default: the user's)."""
    stmt = (visible if visible is not None else visible_bookings_stmt(user)).where(
        Booking.status == "picked_up", Booking.end_at < utcnow()
    )
    return stmt.order_by(Booking.end_at)


# --- usage statements ---------------------------------------------------------------------


def usage(
    organization_id: int | None = None,
    equipment_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Booking]:
    """Completed bookings of an organization (as booker) or of an item, oldest first."""
    stmt = db.select(Booking).where(Booking.status == "returned").order_by(Booking.start_at, Booking.id)
    if organization_id is not None:
        stmt = stmt.where(Booking.organization_id == organization_id)
    if equipment_id is not None:
        stmt = stmt.where(Booking.equipment_id == equipment_id)
    if start is not None:
        stmt = stmt.where(Booking.start_at >= start)
    if end is not None:
        stmt = stmt.where(Booking.start_at < end)
    return list(db.session.scalars(stmt))


USAGE_HEADER = ["booking", "item", "unit", "organization", "start", "end", "days", "fee_eur"]


def usage_table(bookings: list[Booking]) -> tuple[list[str], list[list]]:
    """(header, rows) of a usage statement, for core.spreadsheets (which defuses formulas typed in names)."""
    rows = [
        [
            b.id,
            b.equipment.name,
            b.unit.number,
            b.organization.name,
            b.start_at,
            b.end_at,
            billable_days(b.start_at, b.end_at),
            b.fee,
        ]
        for b in bookings
    ]
    return USAGE_HEADER, rows


def usage_by_month(bookings: list[Booking]) -> tuple[list[str], list[int], list]:
    """Labels (YYYY-MM), booking-days and fees per month, for the chart and its table."""
    days: dict[str, int] = defaultdict(int)
    fees: dict[str, object] = defaultdict(int)
    for b in bookings:
        month = local(b.start_at).strftime("%Y-%m")
        days[month] += billable_days(b.start_at, b.end_at)
        fees[month] += b.fee
    labels = sorted(days)
    return labels, [days[m] for m in labels], [fees[m] for m in labels]
