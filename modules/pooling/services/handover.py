"""Pick-up and return: condition reports, early and late returns, damage, fees, no-shows."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _

from core import audit, ledger
from core.accounts.directory import managers_of
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.uploads import IMAGES, save
from modules.pooling.models import CONDITION_STATES, Booking, ConditionReport, Unavailability
from modules.pooling.services.booking import visible_booking
from modules.pooling.services.common import notify

REPAIR_PERIOD = timedelta(days=7)  # a damaged unit is out until the owner ends the maintenance
# Earlier, the unit may still be out with the previous booker (or due to them): no early pick-up.
PICK_UP_EARLY = timedelta(hours=1)
NO_SHOW_GRACE = timedelta(hours=2)
REMIND_EVERY = timedelta(hours=24)


def _report(user, booking: Booking, moment: str, state: str, comment: str, photo, now) -> ConditionReport:
    if state not in CONDITION_STATES:
        raise DomainError(_("Choose the state of the item."), field="state")
    stored = save(photo, "pooling", IMAGES, field="photo") if photo else None
    report = ConditionReport(
        booking_id=booking.id,
        moment=moment,
        state=state,
        comment=(comment or "")[:2000],
        photo=stored.stored_name if stored else None,
        photo_type=stored.content_type if stored else None,
        user_id=user.id,
        created_at=now,
    )  # the moment of the handover, as on the booking
    db.session.add(report)
    return report


def pick_up_opens_at(booking: Booking) -> datetime:
    return booking.start_at - PICK_UP_EARLY


def pick_up_is_open(booking: Booking) -> bool:
    return booking.status == "approved" and pick_up_opens_at(booking) <= utcnow() < booking.end_at


def check_out(user, booking_id: int, state: str, comment: str = "", photo=None) -> Booking:
    booking = visible_booking(booking_id, user)
    now = utcnow()
    if booking.status != "approved":
        raise Conflict(_("Only an approved booking can be picked up."))
    if now >= booking.end_at:
        raise Conflict(_("This booking is over; it can no longer be picked up."))
    if now < pick_up_opens_at(booking):
        raise Conflict(
            _(
                "Pick-up opens one hour before the start of the booking, on %(when)s.",
                when=format_datetime(pick_up_opens_at(booking), "EEEE d MMMM y HH:mm"),
            )
        )
    _report(user, booking, "check_out", state, comment, photo, now)
    booking.status, booking.picked_up_at = "picked_up", now
    audit.record("pooling.booking.check_out", "booking", booking.id, state=state)
    return booking


def check_in(user, booking_id: int, state: str, comment: str = "", photo=None) -> Booking:
    """Return: an early return frees the rest of the slot at once; damage opens a maintenance."""
    booking = visible_booking(booking_id, user)
    now = utcnow()
    if booking.status != "picked_up":
        raise Conflict(_("Only a picked-up booking can be returned."))
    _report(user, booking, "check_in", state, comment, photo, now)
    booking.status, booking.returned_at = "returned", now
    if now < booking.end_at:
        buffer = booking.end_with_buffer - booking.end_at
        booking.end_at = max(now, booking.start_at + timedelta(minutes=1))
        booking.end_with_buffer = booking.end_at + buffer
    _post_fee(booking)
    if state == "damaged":
        period = Unavailability(
            equipment_id=booking.equipment_id,
            unit_id=booking.unit_id,
            kind="maintenance",
            start_at=now,
            end_at=now + REPAIR_PERIOD,
            reason=_("Damage reported at return: %(comment)s", comment=comment or "-")[:300],
        )
        db.session.add(period)
        notify(
            "pooling/mail/damaged.txt", managers_of(booking.equipment.organization_id), booking=booking, comment=comment
        )
    audit.record("pooling.booking.check_in", "booking", booking.id, state=state, late=now > booking.end_at)
    return booking


def _post_fee(booking: Booking) -> None:
    ledger.post_charge(
        booking.organization_id,
        booking.equipment.organization_id,
        booking.fee,
        _("Booking of %(item)s (unit %(n)d)", item=booking.equipment.name, n=booking.unit.number),
        source=f"pooling.booking:{booking.id}",
    )


def remind_late_returns() -> int:
    """Remind bookers of items not returned after their end (again every 24 hours)."""
    now = utcnow()
    late = db.session.scalars(
        db.select(Booking).where(
            Booking.status == "picked_up",
            Booking.end_at < now,
            db.or_(Booking.late_reminded_at.is_(None), Booking.late_reminded_at < now - REMIND_EVERY),
        )
    )
    count = 0
    for booking in late:
        notify(
            "pooling/mail/late.txt", [booking.user, *managers_of(booking.equipment.organization_id)], booking=booking
        )
        booking.late_reminded_at = now
        count += 1
    return count


def record_no_shows() -> int:
    """Approved bookings never picked up two hours after their start are no-shows; requests
    nobody approved before the start lapse (cancelled) so they stop holding the unit."""
    now = utcnow()
    missed = list(
        db.session.scalars(
            db.select(Booking).where(Booking.status == "approved", Booking.start_at < now - NO_SHOW_GRACE)
        )
    )
    for booking in missed:
        booking.status = "no_show"
        audit.record("pooling.booking.no_show", "booking", booking.id, automatic=True)
    lapsed = list(db.session.scalars(db.select(Booking).where(Booking.status == "requested", Booking.start_at < now)))
    for booking in lapsed:
        booking.status = "cancelled"
        audit.record("pooling.booking.lapse", "booking", booking.id)
    return len(missed) + len(lapsed)
