"""Time rules of an item: opening hours, busy intervals per unit, free units, the next free slot.

Everything here works on aware UTC datetimes; opening hours are Paris wall-clock times, so
a booking across a DST change keeps the hours people typed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import from_local, local
from core.extensions import db
from modules.pooling.models import ACTIVE, Booking, Equipment
from modules.pooling.services.equipment import occurrences, unavailabilities_stmt

SEARCH_HORIZON = timedelta(days=90)


def is_open(equipment: Equipment, moment: datetime) -> bool:
    wall = local(moment)
    if str(wall.isoweekday()) not in equipment.open_weekdays:
        return False
    if equipment.opens_at is None:
        return True
    return equipment.opens_at <= wall.time().replace(tzinfo=None) <= equipment.closes_at


def next_opening(equipment: Equipment, moment: datetime) -> datetime | None:
    """The first moment at or after ``moment`` when items can be picked up."""
    if is_open(equipment, moment):
        return moment
    wall = local(moment).replace(tzinfo=None)
    for days in range(0, 8):
        day = (wall + timedelta(days=days)).date()
        if str(day.isoweekday()) not in equipment.open_weekdays:
            continue
        opening = (
            datetime.combine(day, equipment.opens_at)
            if equipment.opens_at
            else datetime.combine(day, datetime.min.time())
        )
        candidate = from_local(opening)
        if candidate >= moment:
            return candidate
    return None


def busy_intervals(equipment: Equipment, start: datetime, end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """Per active unit, the intervals (buffer included) it is held or unavailable in [start, end)."""
    units = [u.id for u in equipment.unit_list if u.active]
    busy: dict[int, list[tuple[datetime, datetime]]] = {u: [] for u in units}
    rows = db.session.execute(
        db.select(Booking.unit_id, Booking.start_at, Booking.end_with_buffer).where(
            Booking.equipment_id == equipment.id,
            Booking.status.in_(ACTIVE),
            Booking.start_at < end,
            Booking.end_with_buffer > start,
        )
    )
    for unit_id, b_start, b_end in rows:
        if unit_id in busy:
            busy[unit_id].append((b_start, b_end))
    for period in db.session.scalars(unavailabilities_stmt([equipment.id], start, end)):
        for p_start, p_end in occurrences(period, start, end):
            for unit_id in [period.unit_id] if period.unit_id else units:
                if unit_id in busy:
                    busy[unit_id].append((p_start, p_end))
    return busy


def free_in(busy: dict[int, list], start: datetime, held_until: datetime) -> list[int]:
    return [unit for unit, intervals in busy.items() if not any(s < held_until and start < e for s, e in intervals)]


def held_until(equipment: Equipment, end: datetime) -> datetime:
    return end + timedelta(minutes=equipment.buffer_minutes)


def free_units(equipment: Equipment, start: datetime, end: datetime) -> list[int]:
    until = held_until(equipment, end)
    return free_in(busy_intervals(equipment, start, until), start, until)


def next_free_slot(
    equipment: Equipment, start: datetime, end: datetime, quantity: int, earliest: datetime
) -> datetime | None:
    """The earliest start (same duration, within opening hours) with ``quantity`` free units.

    Candidates are the same wall-clock time on the following days and the moments a unit frees
    up; two queries whatever the number of bookings.
    """
    duration = end - start
    horizon = start + SEARCH_HORIZON
    busy = busy_intervals(equipment, start, held_until(equipment, horizon + duration))
    wall = local(start).replace(tzinfo=None)
    candidates = {from_local(wall + timedelta(days=d)) for d in range(0, SEARCH_HORIZON.days)}
    candidates |= {e for intervals in busy.values() for _s, e in intervals}
    for candidate in sorted(c for c in candidates if start <= c < horizon):
        candidate = next_opening(equipment, max(candidate, earliest))
        if candidate is None:
            continue
        finish = candidate + duration
        if not is_open(equipment, finish):
            continue
        if len(free_in(busy, candidate, held_until(equipment, finish))) >= quantity:
            return candidate
    return None
