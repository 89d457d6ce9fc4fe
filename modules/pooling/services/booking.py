"""Booking shared equipment: the rules, the no-overlap invariant, and the life of a booking.

requested -> approved -> picked_up -> returned, or refused / cancelled / no_show.

Concurrency: the item's row is locked (SELECT ... FOR UPDATE) before the free units are
counted, so bookings of one item are serialized on PostgreSQL; the exclusion constraint
``pooling_booking_no_overlap`` (models/equipment.py) refuses any overlap the code could miss.
SQLite has no row locks, but every transaction there begins with BEGIN IMMEDIATE (core/db.py):
it holds the database write lock from its first statement, so the check-then-insert below is
serialized against every other writer and cannot interleave.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import Integer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from core import audit, mail
from core.accounts.directory import managers_of
from core.accounts.models import Organization
from core.accounts.permissions import has_permission
from core.calendar import to_ics
from core.clock import from_local, local
from core.db import elapsed_seconds, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for
from modules.pooling.models import ACTIVE, Booking, Equipment, EquipmentUnit
from modules.pooling.services import slots
from modules.pooling.services.common import acting_org_id, check_planned, notify
from modules.pooling.services.equipment import get_equipment

HALF_DAY_HOURS = 5  # a remainder up to five hours is charged as a half-day
MAX_UNITS_AT_ONCE = 50


def fee_for(equipment: Equipment, start: datetime, end: datetime) -> Decimal:
    """Whole days of 24 hours, then the remainder as a half-day (<= 5 h, if priced) or a day."""
    hours = Decimal((end - start).total_seconds()) / 3600
    days = int(hours // 24)
    rest = hours - 24 * days
    fee = equipment.fee_per_day * days
    if rest > 0:
        half = rest <= HALF_DAY_HOURS and equipment.fee_per_half_day > 0
        fee += equipment.fee_per_half_day if half else equipment.fee_per_day
    return fee


def billable_days(start: datetime, end: datetime) -> int:
    return max(1, math.ceil((end - start).total_seconds() / 86400))


class billable_days_sql(FunctionElement):
    """``billable_days(start, end)`` computed by the database, so that sums need no row in Python."""

    type = Integer()
    inherit_cache = True


@compiles(billable_days_sql, "postgresql")
def _billable_days_postgresql(element, compiler, **kw):
    seconds = compiler.process(elapsed_seconds(*element.clauses), **kw)
    return f"GREATEST(1, CEIL({seconds} / 86400))"


@compiles(billable_days_sql)
def _billable_days_sqlite(element, compiler, **kw):
    # julianday differences carry ~10 microseconds of float error: half a millisecond is taken off
    # before rounding up, so that exact days stay exact.
    seconds = compiler.process(elapsed_seconds(*element.clauses), **kw)
    return f"MAX(1, CAST(({seconds} - 0.0005) / 86400 AS INTEGER) + 1)"


def _month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    first = local(moment).replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    following = (first + timedelta(days=32)).replace(day=1)
    return from_local(first), from_local(following)


def rule_problems(
    user, equipment: Equipment, org_id: int, start: datetime, end: datetime, quantity: int = 1
) -> list[tuple[str, str]]:
    """Every booking rule the request breaks, as (field, message), quotas aside (they query)."""
    now, problems = utcnow(), []
    if end <= start:
        return [("end", _("The end must be after the start."))]
    if start < now:
        problems.append(("start", _("The start is in the past.")))
    if quantity < 1 or quantity > min(equipment.units, MAX_UNITS_AT_ONCE):
        problems.append(("quantity", _("This item has %(n)d unit(s).", n=equipment.units)))
    if (
        equipment.booking_scope == "organizations"
        and org_id not in equipment.allowed_org_id_set
        and org_id != equipment.organization_id
    ):
        problems.append(
            ("organization_id", _("The owner keeps this item for some organizations only; yours is not one of them."))
        )
    if equipment.booking_scope == "roles" and not (user.roles_in(org_id) & equipment.allowed_role_set):
        problems.append(("organization_id", _("Your role does not allow booking this item.")))
    if now <= start < now + timedelta(hours=equipment.lead_hours):
        problems.append(("start", _("This item must be booked at least %(h)d hours ahead.", h=equipment.lead_hours)))
    hours = (end - start).total_seconds() / 3600
    if hours < equipment.min_hours:
        problems.append(("end", _("A booking lasts at least %(h)d hours.", h=equipment.min_hours)))
    if hours > equipment.max_hours:
        problems.append(("end", _("A booking lasts at most %(h)d hours.", h=equipment.max_hours)))
    if not slots.is_open(equipment, start):
        problems.append(("start", _("Pick-up is only possible during the opening hours.")))
    if not slots.is_open(equipment, end):
        problems.append(("end", _("Return is only possible during the opening hours.")))
    return problems


def _check_rules(user, equipment: Equipment, org_id: int, start: datetime, end: datetime, quantity: int) -> None:
    problems = rule_problems(user, equipment, org_id, start, end, quantity)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    _check_quota(equipment, org_id, start, end, quantity)


def _check_quota(equipment: Equipment, org_id: int, start: datetime, end: datetime, quantity: int) -> None:
    if equipment.quota_bookings_per_month is None and equipment.quota_days_per_month is None:
        return
    month_start, month_end = _month_bounds(start)
    rows = db.session.execute(
        db.select(Booking.group_key, Booking.start_at, Booking.end_at).where(
            Booking.equipment_id == equipment.id,
            Booking.organization_id == org_id,
            Booking.status.in_(ACTIVE + ("returned",)),
            Booking.start_at >= month_start,
            Booking.start_at < month_end,
        )
    ).all()
    if (
        equipment.quota_bookings_per_month is not None
        and len({r.group_key for r in rows}) + 1 > equipment.quota_bookings_per_month
    ):
        raise DomainError(
            _(
                "Your organization has reached its quota of %(n)d booking(s) this month for this item.",
                n=equipment.quota_bookings_per_month,
            ),
            field="start",
        )
    used = sum(billable_days(r.start_at, r.end_at) for r in rows)
    if (
        equipment.quota_days_per_month is not None
        and used + quantity * billable_days(start, end) > equipment.quota_days_per_month
    ):
        raise DomainError(
            _(
                "Your organization has used %(used)d of its %(n)d days this month for this item.",
                used=used,
                n=equipment.quota_days_per_month,
            ),
            field="end",
        )


def _conflict(equipment: Equipment, start: datetime, end: datetime, quantity: int) -> Conflict:
    earliest = utcnow() + timedelta(hours=equipment.lead_hours)
    slot = slots.next_free_slot(equipment, start, end, quantity, earliest)
    if slot is None:
        return Conflict(_("This slot is taken and nothing is free in the next three months."), field="start")
    return Conflict(
        _("This slot is taken. Next free slot: %(when)s.", when=format_datetime(slot, "EEEE d MMMM y HH:mm")),
        field="start",
        next_free=slot,
    )


def book(
    user,
    equipment_id: int,
    start: datetime,
    end: datetime,
    quantity: int = 1,
    organization_id: int | None = None,
    purpose: str = "",
) -> list[Booking]:
    """Book ``quantity`` units: all of them in one transaction, or none."""
    check_planned(start=start, end=end)
    org_id = acting_org_id(user, "pooling.book", organization_id)
    equipment = get_equipment(equipment_id, user, for_update=True)
    if not equipment.active:
        raise NotFound(_("This equipment does not exist."))
    _check_rules(user, equipment, org_id, start, end, quantity)
    free = slots.free_units(equipment, start, end)
    if len(free) < quantity:
        raise _conflict(equipment, start, end, quantity)
    automatic = not equipment.approval_required or has_permission(user, "pooling.approve", equipment.organization_id)
    group, fee = secrets.token_hex(8), fee_for(equipment, start, end)
    bookings = [
        Booking(
            equipment_id=equipment.id,
            unit_id=unit_id,
            organization_id=org_id,
            user_id=user.id,
            group_key=group,
            start_at=start,
            end_at=end,
            end_with_buffer=slots.held_until(equipment, end),
            status="approved" if automatic else "requested",
            purpose=purpose[:300],
            fee=fee,
        )
        for unit_id in sorted(free)[:quantity]
    ]
    try:
        with db.session.begin_nested():
            db.session.add_all(bookings)
    except IntegrityError:
        raise _conflict(equipment, start, end, quantity) from None
    audit.record(
        "pooling.booking.create",
        "booking",
        bookings[0].id,
        equipment=equipment.id,
        units=quantity,
        status=bookings[0].status,
    )
    if automatic:
        mail.send("pooling/mail/approved.txt", user, ics=booking_ics(bookings[0]), booking=bookings[0], count=quantity)
    else:
        notify(
            "pooling/mail/to_approve.txt", managers_of(equipment.organization_id), booking=bookings[0], count=quantity
        )
    return bookings


def visible_booking(booking_id: int, user) -> Booking:
    """A booking seen by its organization or by the item's owner; others get 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (can_act_as_booker(user, booking) or can_hand_over(user, booking)):
        raise NotFound(_("This booking does not exist."))
    return booking


def can_act_as_booker(user, booking: Booking) -> bool:
    return has_permission(user, "pooling.book", booking.organization_id)


def can_act_as_owner(user, booking: Booking) -> bool:
    owner = booking.equipment.organization_id
    return has_permission(user, "pooling.manage", owner) or has_permission(user, "pooling.approve", owner)


def can_hand_over(user, booking: Booking) -> bool:
    """The owner's staff hand the item out and take it back; they see its bookings."""
    return can_act_as_owner(user, booking) or has_permission(user, "pooling.book", booking.equipment.organization_id)


def cancel(user, booking_id: int) -> Booking:
    booking = visible_booking(booking_id, user)
    if not (can_act_as_booker(user, booking) or can_act_as_owner(user, booking)):
        raise NotFound(_("This booking does not exist."))
    if booking.status not in ("requested", "approved"):
        raise Conflict(_("Only a booking not yet picked up can be cancelled."))
    booking.status = "cancelled"
    audit.record("pooling.booking.cancel", "booking", booking.id)
    if user.id != booking.user_id:
        notify("pooling/mail/cancelled.txt", [booking.user], booking=booking)
    return booking


def _approver_booking(user, booking_id: int) -> Booking:
    booking = visible_booking(booking_id, user)
    if not has_permission(user, "pooling.approve", booking.equipment.organization_id):
        raise NotFound(_("This booking does not exist."))
    if booking.status != "requested":
        raise Conflict(_("This booking is no longer waiting for approval."))
    return booking


def approve(user, booking_id: int) -> Booking:
    booking = _approver_booking(user, booking_id)
    booking.status = "approved"
    audit.record("pooling.booking.approve", "booking", booking.id)
    if booking.user is not None:
        mail.send("pooling/mail/approved.txt", booking.user, ics=booking_ics(booking), booking=booking, count=1)
    return booking


def refuse(user, booking_id: int, reason: str) -> Booking:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason of the refusal."), field="reason")
    booking = _approver_booking(user, booking_id)
    booking.status, booking.refusal_reason = "refused", reason[:300]
    audit.record("pooling.booking.refuse", "booking", booking.id, reason=reason)
    notify("pooling/mail/refused.txt", [booking.user], booking=booking)
    return booking


def mark_no_show(user, booking_id: int) -> Booking:
    booking = visible_booking(booking_id, user)
    if not can_act_as_owner(user, booking):
        raise NotFound(_("This booking does not exist."))
    if booking.status != "approved" or booking.start_at > utcnow():
        raise Conflict(_("Only an approved booking whose start has passed can be a no-show."))
    booking.status = "no_show"
    audit.record("pooling.booking.no_show", "booking", booking.id)
    return booking


def booking_events(stmt) -> list[CalendarEvent]:
    """The calendar events of the bookings that ``stmt`` (a select of bookings, in its order) selects.
    Only the columns an event shows are read: a month or a feed of a busy structure would otherwise
    load every item whole, with its owner and site."""
    item, unit, booker, site = aliased(Equipment), aliased(EquipmentUnit), aliased(Organization), aliased(Organization)
    rows = db.session.execute(
        stmt.with_only_columns(
            Booking.id,
            item.name,
            unit.number,
            booker.name,
            item.site_address,
            site.name,
            Booking.start_at,
            Booking.end_at,
            Booking.purpose,
        )
        .join(item, Booking.equipment_id == item.id)
        .join(unit, Booking.unit_id == unit.id)
        .join(booker, Booking.organization_id == booker.id)
        .join(site, item.site_id == site.id)
    )
    return [
        CalendarEvent(
            f"pooling-booking-{id_}",
            f"{name} #{number} – {booker_name}",
            start_at,
            end_at,
            "pooling",
            url=path_for("pooling.booking", booking_id=id_),
            location=address or site_name,
            description=purpose or None,
        )
        for id_, name, number, booker_name, address, site_name, start_at, end_at, purpose in rows
    ]


def booking_ics(booking: Booking) -> str:
    return to_ics(booking_events(db.select(Booking).where(Booking.id == booking.id)), booking.equipment.name).decode()
