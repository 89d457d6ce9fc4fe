"""Registering equipment, its booking rules, and the periods when it cannot be booked."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from core import audit
from core.accounts.models import Organization
from core.accounts.permissions import check, has_permission, scope
from core.accounts.roles import ROLES
from core.calendar import new_feed_token
from core.errors import DomainError, NotFound
from core.extensions import db
from modules.pooling.models import ACTIVE, Booking, Equipment, EquipmentUnit, OrganizationFeed, Unavailability
from modules.pooling.services.common import check_planned, notify

RULE_FIELDS = (
    "name",
    "category",
    "description",
    "site_address",
    "value",
    "booking_scope",
    "allowed_org_ids",
    "allowed_roles",
    "min_hours",
    "max_hours",
    "lead_hours",
    "buffer_minutes",
    "approval_required",
    "fee_per_day",
    "fee_per_half_day",
    "deposit",
    "quota_bookings_per_month",
    "quota_days_per_month",
    "opens_at",
    "closes_at",
    "open_weekdays",
)
MAX_WEEKLY_REPEATS = 104


def get_equipment(equipment_id: int, user, for_update: bool = False) -> Equipment:
    stmt = db.select(Equipment).where(Equipment.id == equipment_id)
    if for_update:
        # Bookings of one item are serialized on its row: the check-then-insert of units, quotas
        # and rules is then exact on PostgreSQL too (the exclusion constraint stays the backstop).
        stmt = stmt.with_for_update(of=Equipment)
    equipment = db.session.scalar(stmt)
    if equipment is None or not has_permission(user, "pooling.view"):
        raise NotFound(_("This equipment does not exist."))
    if not equipment.active and not has_permission(user, "pooling.manage", equipment.organization_id):
        raise NotFound(_("This equipment does not exist."))
    return equipment


def managed_equipment(equipment_id: int, user) -> Equipment:
    equipment = db.session.get(Equipment, equipment_id)
    if equipment is None or not has_permission(user, "pooling.manage", equipment.organization_id):
        raise NotFound(_("This equipment does not exist."))
    return equipment


def managed_stmt(user):
    return scope(db.select(Equipment).order_by(Equipment.name), Equipment.organization_id, user, "pooling.manage")


def _validate(values: dict) -> None:
    if values["max_hours"] < values["min_hours"]:
        raise DomainError(_("The maximum duration must not be shorter than the minimum."), field="max_hours")
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if (opens is None) != (closes is None):
        raise DomainError(_("Give both the opening and the closing time, or neither."), field="closes_at")
    if opens is not None and closes <= opens:
        raise DomainError(_("The closing time must be after the opening time."), field="closes_at")
    weekdays = values.get("open_weekdays") or ""
    if not weekdays or any(c not in "1234567" for c in weekdays):
        raise DomainError(_("Choose at least one opening day."), field="open_weekdays")
    roles = {r.strip() for r in (values.get("allowed_roles") or "").split(",") if r.strip()}
    if roles - set(ROLES):
        raise DomainError(
            _("Unknown role: %(roles)s.", roles=", ".join(sorted(roles - set(ROLES)))), field="allowed_roles"
        )
    for name in ("value", "fee_per_day", "fee_per_half_day", "deposit"):
        if values.get(name) is not None and values[name] < 0:
            raise DomainError(_("An amount cannot be negative."), field=name)


def save_equipment(
    user, organization_id: int, site_id: int, units: int, values: dict, equipment: Equipment | None = None
) -> Equipment:
    """Create or update an item; the owner organization must be one the user manages."""
    check(user, "pooling.manage", organization_id)
    if db.session.get(Organization, site_id) is None:
        raise DomainError(_("Unknown site."), field="site_id")
    if units < 1 or units > 200:
        raise DomainError(_("Between 1 and 200 units."), field="units")
    _validate(values)
    if equipment is None:
        equipment = Equipment(organization_id=organization_id)
        db.session.add(equipment)
    elif not has_permission(user, "pooling.manage", equipment.organization_id):
        raise NotFound(_("This equipment does not exist."))
    equipment.organization_id = organization_id
    equipment.site_id = site_id
    for name in RULE_FIELDS:
        if name in values:
            setattr(equipment, name, values[name])
    db.session.flush()
    _set_units(equipment, units)
    audit.record("pooling.equipment.save", "equipment", equipment.id, name=equipment.name, units=units)
    return equipment


def _set_units(equipment: Equipment, count: int) -> None:
    existing = {u.number: u for u in equipment.unit_list}
    for number in range(1, count + 1):
        if number in existing:
            existing[number].active = True
        else:
            equipment.unit_list.append(EquipmentUnit(number=number))
    removed = [u for n, u in existing.items() if n > count]
    if removed:
        busy = db.session.scalar(
            db.select(db.func.count(Booking.id)).where(
                Booking.unit_id.in_([u.id for u in removed]), Booking.status.in_(ACTIVE)
            )
        )
        if busy:
            raise DomainError(_("Units with bookings in progress cannot be removed; cancel them first."), field="units")
        for unit in removed:
            unit.active = False
    equipment.units = count
    db.session.flush()


def occurrences(period: Unavailability, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The concrete periods of a (possibly weekly) unavailability that meet [start, end)."""
    found, week = [], timedelta(days=7)
    begin, finish = period.start_at, period.end_at
    for _n in range(MAX_WEEKLY_REPEATS + 1):
        if begin >= end or (period.weekly_until is None and _n > 0):
            break
        if period.weekly_until is not None and begin > period.weekly_until:
            break
        if finish > start:
            found.append((begin, finish))
        begin, finish = begin + week, finish + week
    return found


def unavailabilities_stmt(equipment_ids, start: datetime, end: datetime):
    """Unavailabilities that may meet [start, end): one-off ones overlapping, weekly ones still running."""
    return db.select(Unavailability).where(
        Unavailability.equipment_id.in_(list(equipment_ids) or [-1]),
        Unavailability.start_at < end,
        db.or_(Unavailability.end_at > start, Unavailability.weekly_until >= start),
    )


def clashing_bookings(period: Unavailability) -> list[Booking]:
    """Active bookings that meet any occurrence of a period, for the coordinator to resolve."""
    horizon = period.weekly_until + (period.end_at - period.start_at) if period.weekly_until else period.end_at
    stmt = (
        db.select(Booking)
        .where(
            Booking.equipment_id == period.equipment_id,
            Booking.status.in_(ACTIVE),
            Booking.start_at < horizon,
            Booking.end_at > period.start_at,
        )
        .order_by(Booking.start_at)
    )
    if period.unit_id is not None:
        stmt = stmt.where(Booking.unit_id == period.unit_id)
    bookings = list(db.session.scalars(stmt))
    return [b for b in bookings if occurrences(period, b.start_at, b.end_at)]


def declare_unavailability(
    user,
    equipment: Equipment,
    kind: str,
    start: datetime,
    end: datetime,
    reason: str = "",
    unit_id: int | None = None,
    weekly_until: datetime | None = None,
    notify_bookers: bool = True,
) -> tuple[Unavailability, list[Booking]]:
    if not has_permission(user, "pooling.manage", equipment.organization_id):
        raise NotFound(_("This equipment does not exist."))
    if end <= start:
        raise DomainError(_("The end must be after the start."), field="end")
    check_planned(start=start, end=end, weekly_until=weekly_until)
    if weekly_until is not None and weekly_until <= start:
        raise DomainError(_("The repetition must end after the first period."), field="weekly_until")
    if weekly_until is not None and weekly_until - start > timedelta(weeks=MAX_WEEKLY_REPEATS):
        raise DomainError(_("A weekly period repeats for two years at most."), field="weekly_until")
    if unit_id is not None and unit_id not in {u.id for u in equipment.unit_list}:
        raise DomainError(_("Unknown unit."), field="unit_id")
    period = Unavailability(
        equipment_id=equipment.id,
        unit_id=unit_id,
        kind=kind,
        start_at=start,
        end_at=end,
        reason=reason,
        weekly_until=weekly_until,
    )
    db.session.add(period)
    db.session.flush()
    clashes = clashing_bookings(period)
    if notify_bookers:
        for booking in clashes:
            notify("pooling/mail/clash.txt", [booking.user], booking=booking, period=period)
    audit.record("pooling.unavailability.declare", "equipment", equipment.id, kind=kind, clashes=len(clashes))
    return period, clashes


def remove_unavailability(user, period_id: int) -> None:
    period = db.session.get(Unavailability, period_id)
    if period is None or not has_permission(user, "pooling.manage", period.equipment.organization_id):
        raise NotFound(_("This period does not exist."))
    audit.record("pooling.unavailability.remove", "equipment", period.equipment_id, kind=period.kind)
    db.session.delete(period)


def equipment_feed_token(user, equipment: Equipment, renew: bool = False) -> str:
    if not has_permission(user, "pooling.manage", equipment.organization_id):
        raise NotFound(_("This equipment does not exist."))
    if renew or not equipment.feed_token:
        equipment.feed_token = new_feed_token()
    return equipment.feed_token


def organization_feed_token(user, organization_id: int, renew: bool = False) -> str:
    check(user, "pooling.book", organization_id)
    if db.session.get(Organization, organization_id) is None:
        raise NotFound(_("This organization is not one you can act for."))
    feed = db.session.get(OrganizationFeed, organization_id)
    if feed is None:
        feed = OrganizationFeed(organization_id=organization_id, token=new_feed_token())
        db.session.add(feed)
    elif renew:
        feed.token = new_feed_token()
    return feed.token
