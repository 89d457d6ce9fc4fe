"""Booking rules, enforced by the service the same way for pages, API and jobs."""

from __future__ import annotations

from datetime import UTC, time, timedelta
from decimal import Decimal

import pytest

from core import ledger
from core.clock import from_local, local
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.mail import OutgoingMail
from modules.pooling.models import Booking, Unavailability
from modules.pooling.services import booking as service
from modules.pooling.services import handover
from modules.pooling.services.equipment import declare_unavailability
from tests.pooling.conftest import at


def _count():
    return db.session.scalar(db.select(db.func.count(Booking.id)))


def test_booking_is_approved_at_once_and_confirmed_by_mail(net, make_equipment):
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, at(2), at(3, 18))
    db.session.commit()
    assert booking.status == "approved" and booking.organization_id == net.booker.id
    assert booking.fee == Decimal("100.00")  # 33 hours: a day, and 9 hours (over 5) charged as a day
    assert service.fee_for(van, at(4, 9), at(4, 12)) == Decimal("30.00")  # 3 hours: a half-day
    mail = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.user_id == net.staff.id))
    assert "Camion" in mail.subject and mail.ics and "BEGIN:VEVENT" in mail.ics


@pytest.mark.parametrize(
    "start, end, field, words",
    [
        (lambda: at(3, 10), lambda: at(3, 9), "end", "after the start"),
        (lambda: at(-1, 10), lambda: at(1, 9), "start", "in the past"),
        (lambda: at(1, 10), lambda: at(1, 10, 30), "end", "at least 1 hours"),
        (lambda: at(1, 10), lambda: at(30, 10), "end", "at most"),
    ],
)
def test_bad_periods_are_refused_and_write_nothing(net, make_equipment, start, end, field, words):
    van = make_equipment()
    with pytest.raises(DomainError) as refused:
        service.book(net.staff, van.id, start(), end())
    db.session.rollback()
    assert refused.value.field == field and words in refused.value.message
    assert _count() == 0


def test_lead_time_opening_hours_and_unknown_item(net, make_equipment):
    van = make_equipment(lead_hours=72, opens_at=time(8), closes_at=time(18))
    with pytest.raises(DomainError, match="72 hours ahead"):
        service.book(net.staff, van.id, at(1, 9), at(1, 17))
    with pytest.raises(DomainError, match="opening hours"):
        service.book(net.staff, van.id, at(5, 7), at(5, 17))
    with pytest.raises(DomainError, match="opening hours"):
        service.book(net.staff, van.id, at(5, 9), at(5, 20))
    with pytest.raises(NotFound):
        service.book(net.staff, 999_999, at(5, 9), at(5, 17))
    db.session.rollback()
    assert _count() == 0


def test_quotas_per_organization_and_month(net, make_equipment):
    van = make_equipment(quota_bookings_per_month=1)
    day = 35 - local(utcnow()).day  # a day comfortably inside next month
    service.book(net.staff, van.id, at(day, 9), at(day, 12))
    db.session.commit()
    with pytest.raises(DomainError, match="quota of 1 booking"):
        service.book(net.staff, van.id, at(day + 1, 9), at(day + 1, 12))
    db.session.rollback()
    service.book(net.other_staff, van.id, at(day + 1, 9), at(day + 1, 12))  # another organization: fine
    trailer = make_equipment(name="Remorque", quota_days_per_month=2)
    with pytest.raises(DomainError, match="used 0 of its 2 days"):
        service.book(net.staff, trailer.id, at(day, 9), at(day + 2, 12))


def test_who_may_book(net, make_equipment):
    reserved = make_equipment(booking_scope="organizations", allowed_org_ids=str(net.other.id))
    with pytest.raises(DomainError, match="some organizations only"):
        service.book(net.staff, reserved.id, at(2), at(2, 12))
    service.book(net.other_staff, reserved.id, at(2), at(2, 12))
    managers_only = make_equipment(name="Presse", booking_scope="roles", allowed_roles="member_manager")
    with pytest.raises(DomainError, match="role"):
        service.book(net.staff, managers_only.id, at(2), at(2, 12))
    service.book(net.manager, managers_only.id, at(2), at(2, 12))


def test_conflict_gives_the_next_free_slot_and_buffer_counts(net, make_equipment):
    van = make_equipment(buffer_minutes=60)
    service.book(net.staff, van.id, at(2, 9), at(2, 12))
    db.session.commit()
    with pytest.raises(Conflict) as taken:
        service.book(net.other_staff, van.id, at(2, 12, 30), at(2, 14))  # inside the buffer
    assert taken.value.extra["next_free"] == at(2, 13)
    assert "Next free slot" in taken.value.message
    db.session.rollback()
    service.book(net.other_staff, van.id, at(2, 13), at(2, 14))  # right after the buffer


def test_several_units_all_or_nothing(net, make_equipment):
    tools = make_equipment(units=3, name="Outils")
    service.book(net.staff, tools.id, at(2), at(2, 12), quantity=2)
    db.session.commit()
    with pytest.raises(Conflict):
        service.book(net.other_staff, tools.id, at(2), at(2, 12), quantity=2)
    db.session.rollback()
    assert _count() == 2
    bookings = service.book(net.other_staff, tools.id, at(2), at(2, 12), quantity=1)
    assert len({b.unit_id for b in db.session.scalars(db.select(Booking))}) == 3 and bookings


def test_approval_flow(net, make_equipment):
    van = make_equipment(approval_required=True)
    [booking] = service.book(net.staff, van.id, at(2), at(2, 12))
    assert booking.status == "requested"
    with pytest.raises(NotFound):
        service.approve(net.staff, booking.id)  # the booker cannot approve its own request
    with pytest.raises(DomainError, match="reason"):
        service.refuse(net.owner_manager, booking.id, "  ")
    service.refuse(net.owner_manager, booking.id, "Needed for a collection")
    db.session.commit()
    assert booking.status == "refused"
    with pytest.raises(Conflict):
        service.approve(net.owner_manager, booking.id)


def test_early_return_frees_the_slot_and_posts_the_fee(net, make_equipment):
    van = make_equipment()
    start = utcnow() + timedelta(minutes=5)
    [booking] = service.book(net.staff, van.id, start, start + timedelta(days=2))
    handover.check_out(net.staff, booking.id, "good", "full tank")
    booking.start_at = utcnow() - timedelta(hours=3)  # picked up three hours ago
    handover.check_in(net.owner_staff, booking.id, "good", "")
    db.session.commit()
    assert booking.status == "returned" and booking.end_at <= utcnow() and booking.end_with_buffer == booking.end_at
    [charge] = ledger.charges_of(f"pooling.booking:{booking.id}")
    assert (charge.debtor_id, charge.creditor_id, charge.amount) == (net.booker.id, net.owner.id, booking.fee)
    service.book(net.other_staff, van.id, start + timedelta(hours=1), start + timedelta(days=1))


def test_pick_up_opens_one_hour_before_the_start(net, make_equipment):
    """Earlier, the unit may still be out with the previous booker."""
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, at(2), at(3, 18))
    with pytest.raises(Conflict, match="one hour before the start"):
        handover.check_out(net.staff, booking.id, "good")
    booking.start_at = utcnow() + timedelta(minutes=50)
    assert handover.check_out(net.staff, booking.id, "good").status == "picked_up"


def test_damage_opens_maintenance_and_notifies_the_owner(net, make_equipment):
    van = make_equipment()
    start = utcnow() + timedelta(minutes=5)
    [booking] = service.book(net.staff, van.id, start, start + timedelta(hours=5))
    handover.check_out(net.staff, booking.id, "good")
    handover.check_in(net.staff, booking.id, "damaged", "Broken tail lift")
    db.session.commit()
    period = db.session.scalar(db.select(Unavailability))
    assert period.kind == "maintenance" and period.unit_id == booking.unit_id and "tail lift" in period.reason
    mail = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.user_id == net.owner_manager.id))
    assert "Broken tail lift" in mail.body
    with pytest.raises(Conflict):
        service.book(net.other_staff, van.id, at(2), at(2, 12))


def test_late_returns_are_flagged_and_reminded_once_a_day(net, make_equipment):
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, utcnow() + timedelta(minutes=1), utcnow() + timedelta(hours=2))
    handover.check_out(net.staff, booking.id, "good")
    booking.start_at, booking.end_at = utcnow() - timedelta(hours=5), utcnow() - timedelta(hours=1)
    booking.end_with_buffer = booking.end_at
    db.session.commit()
    assert booking.is_late
    assert handover.remind_late_returns() == 1
    assert handover.remind_late_returns() == 0
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(OutgoingMail.id)).where(OutgoingMail.template.like("%late%"))) >= 1


def test_no_shows_and_lapsed_requests(net, make_equipment):
    van = make_equipment()
    slow = make_equipment(name="Presse", approval_required=True)
    [missed] = service.book(net.staff, van.id, at(1), at(1, 12))
    [lapsed] = service.book(net.staff, slow.id, at(1), at(1, 12))
    for b in (missed, lapsed):
        b.start_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    assert handover.record_no_shows() == 2
    assert (missed.status, lapsed.status) == ("no_show", "cancelled")


def test_unavailability_lists_and_notifies_clashing_bookings(net, make_equipment):
    van = make_equipment()
    [booking] = service.book(net.staff, van.id, at(8, 9), at(8, 12))
    service.book(net.staff, van.id, at(20, 9), at(20, 12))
    _period, clashes = declare_unavailability(
        net.owner_manager, van, "maintenance", at(1, 0), at(2, 0), "weekly check", weekly_until=at(16, 0)
    )
    db.session.commit()
    assert [b.id for b in clashes] == [booking.id]
    assert db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.template == "pooling/mail/clash.txt"))
    with pytest.raises(Conflict):
        service.book(net.other_staff, van.id, at(15, 9), at(15, 12))  # the weekly repeat
    with pytest.raises(NotFound):
        declare_unavailability(net.staff, van, "blackout", at(1), at(2))


def test_booking_over_the_october_dst_change_keeps_wall_clock_times(net, make_equipment, monkeypatch):
    """Last Sunday of October 2026 is the 25th: Paris goes from UTC+2 to UTC+1 at 03:00."""
    from datetime import datetime

    van = make_equipment()
    monkeypatch.setattr("modules.pooling.services.booking.utcnow", lambda: datetime(2026, 10, 20, 8, tzinfo=UTC))
    start = from_local(datetime(2026, 10, 24, 9, 0))
    end = from_local(datetime(2026, 10, 26, 18, 0))
    [booking] = service.book(net.staff, van.id, start, end)
    db.session.commit()
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert (booking.start_at.hour, booking.end_at.hour) == (7, 17)  # UTC+2 then UTC+1
    assert local(booking.start_at).strftime("%d %H:%M") == "24 09:00"
    assert local(booking.end_at).strftime("%d %H:%M") == "26 18:00"
    assert booking.end_at - booking.start_at == timedelta(hours=58)  # one hour more than the wall clock says


@pytest.mark.parametrize(
    "duration",
    [
        timedelta(hours=1),
        timedelta(hours=23, minutes=59),
        timedelta(days=1),
        timedelta(days=1, seconds=1),
        timedelta(days=3),
        timedelta(days=6, hours=5),
    ],
)
def test_the_database_counts_billable_days_like_the_service(app, duration):
    """The observatory sums days in SQL: the same rounding as the fee, on SQLite and PostgreSQL."""
    from sqlalchemy import literal

    from core.db import UTCDateTime

    start = at(3, 9)
    expr = service.billable_days_sql(literal(start, UTCDateTime()), literal(start + duration, UTCDateTime()))
    assert db.session.scalar(db.select(expr)) == service.billable_days(start, start + duration)
