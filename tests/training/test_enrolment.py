"""Seats, the FIFO waiting list with offers and deadlines, go/no-go, the split and the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import ledger
from core.db import utcnow
from core.errors import Conflict
from core.extensions import db
from core.mail import OutgoingMail
from modules.training import jobs
from modules.training.models import (
    CONFIRMED,
    DROPPED,
    ENROLLED,
    EXPIRED,
    OFFERED,
    SESSION_CANCELLED,
    WAITING,
    Enrolment,
)
from modules.training.services import enrolment as svc
from modules.training.services.split import current_split


def _mails(template: str) -> list[OutgoingMail]:
    return list(
        db.session.scalars(
            db.select(OutgoingMail)
            .where(OutgoingMail.template == f"training/mail/{template}")
            .order_by(OutgoingMail.id)
        )
    )


def test_full_session_queues_and_a_freed_seat_is_offered_to_the_head(world, make_session, enrol_many):
    session = make_session(seats=2)
    seated = enrol_many(session, 2, prefix="seated")
    queue = enrol_many(session, 3, prefix="queued")
    assert [e.status for e in seated + queue] == [ENROLLED] * 2 + [WAITING] * 3
    assert [svc.queue_position(e) for e in queue] == [1, 2, 3]

    svc.cancel_enrolment(world.coordinator, seated[0].id)
    db.session.commit()
    assert [e.status for e in queue] == [OFFERED, WAITING, WAITING]
    assert queue[0].offer_expires_at == pytest.approx(utcnow() + timedelta(hours=48), abs=timedelta(minutes=1))
    offer_mails = _mails("offered.txt")
    assert {m.to_address for m in offer_mails} == {"queued0@test.example", "manager0@test.example"}
    assert "queued 0" in offer_mails[0].body

    svc.confirm_offer(world.managers[0], queue[0].id)
    db.session.commit()
    assert queue[0].status == ENROLLED and svc.seats_left(session) == 0


def test_a_newcomer_never_jumps_the_queue(world, make_session, enrol_many):
    session = make_session(seats=1)
    seated = enrol_many(session, 1, prefix="seated")
    queue = enrol_many(session, 1, prefix="queued")
    svc.cancel_enrolment(world.coordinator, seated[0].id)
    db.session.commit()
    assert queue[0].status == OFFERED  # holds the freed seat until it confirms or its offer expires
    late = enrol_many(session, 1, prefix="late")[0]
    assert late.status == WAITING


def test_an_unconfirmed_offer_expires_on_the_next_write_and_goes_to_the_next(world, make_session, enrol_many):
    session = make_session(seats=1)
    seated = enrol_many(session, 1, prefix="seated")
    queue = enrol_many(session, 2, prefix="queued")
    svc.cancel_enrolment(world.coordinator, seated[0].id)
    db.session.commit()
    queue[0].offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict, match="expiré"):
        svc.confirm_offer(world.coordinator, queue[0].id)
    db.session.rollback()
    # Nothing ran yet: the scheduled job (or any write) applies the deadline.
    assert jobs.apply_deadlines() == 1
    db.session.expire_all()
    assert [e.status for e in queue] == [EXPIRED, OFFERED]
    assert _mails("offer_expired.txt")


def test_cap_per_organization_counts_the_waiting_list(world, make_session, enrol_many):
    session = make_session(seats=2, cap=2, minimum=1)
    enrol_many(session, 2, org_index=0, prefix="a")
    with pytest.raises(Conflict, match="maximum de 2"):
        svc.enrol(world.coordinator, session.id, world.orgs[0].id, "Third", "third@test.example")
    db.session.rollback()
    assert enrol_many(session, 1, org_index=1, prefix="b")[0].status == WAITING


def test_enrolment_after_start_is_refused(world, make_session, enrol_many):
    from tests.training.conftest import shift_to_past

    session = make_session()
    enrol_many(session, 2)
    shift_to_past(session, 10.1)
    with pytest.raises(Conflict, match="a commencé"):
        svc.enrol(world.coordinator, session.id, world.orgs[0].id, "Late", "late@test.example")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 2


def test_go_no_go_below_minimum_cancels_and_tells_everyone(world, make_session, enrol_many):
    session = make_session(seats=2, minimum=2)
    seated = enrol_many(session, 2, prefix="seated")
    queue = enrol_many(session, 2, prefix="queued")
    svc.cancel_enrolment(world.coordinator, seated[0].id)  # queued0 is offered the seat, not yet confirmed
    session.go_no_go_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert jobs.apply_deadlines() == 1
    db.session.expire_all()
    assert session.status == SESSION_CANCELLED and "minimum" in session.cancel_reason
    assert [e.status for e in [seated[1], *queue]] == [DROPPED] * 3 and not svc.waiting_list(session.id)
    told = {m.to_address for m in _mails("session_cancelled.txt")}
    assert told == {"seated1@test.example", "queued0@test.example", "queued1@test.example", "manager0@test.example"}
    assert ledger.charges_of(session.ledger_source) == []
    with pytest.raises(Conflict, match="annulée"):
        svc.enrol(world.coordinator, session.id, world.orgs[0].id, "After", "after@test.example")


def test_go_no_go_above_minimum_confirms_and_posts_the_exact_split(world, make_session):
    # 3 half-days: 900 x 1.5 + 200 travel = 1550.00, + 100.01 costs = 1650.01 over 3 orgs.
    session = make_session(seats=12, minimum=3, slots=3, costs=Decimal("100.01"))
    for i in range(3):
        svc.enrol(world.coordinator, session.id, world.orgs[i].id, f"P{i}", f"p{i}@test.example")
    db.session.commit()
    split, final = current_split(session)
    assert not final and [s.amount for s in split] == [Decimal("550.01"), Decimal("550.00"), Decimal("550.00")]
    session.go_no_go_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    jobs.apply_deadlines()
    db.session.expire_all()
    assert session.status == CONFIRMED
    charges = ledger.charges_of(session.ledger_source)
    assert sum(c.amount for c in charges) == Decimal("1650.01")
    assert {c.creditor_id for c in charges} == {world.network.id}
    assert len(_mails("convocation.txt")) == 3
    assert all("BEGIN:VEVENT" in m.ics for m in _mails("convocation.txt"))
    split, final = current_split(session)
    assert final and sum(s.amount for s in split) == Decimal("1650.01")


def test_cancelling_a_confirmed_session_releases_its_charges(world, make_session, enrol_many):
    from modules.training.services.catalogue import cancel_session_by_coordinator

    session = make_session(seats=4, minimum=1)
    enrol_many(session, 2, org_index=None)
    session.go_no_go_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    jobs.apply_deadlines()
    assert ledger.charges_of(session.ledger_source)
    cancel_session_by_coordinator(world.coordinator, session.id, "Trainer ill")
    db.session.commit()
    assert session.status == SESSION_CANCELLED and ledger.charges_of(session.ledger_source) == []
    assert ledger.balances() == {}


def test_fixed_price_charges_late_seats_too(world, make_session, enrol_many):
    session = make_session(seats=4, minimum=1, price_model="fixed", fixed_price=Decimal("120"))
    enrol_many(session, 1, org_index=1)
    session.go_no_go_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    jobs.apply_deadlines()
    enrol_many(session, 1, org_index=2, prefix="late")
    amounts = sorted(c.amount for c in ledger.charges_of(session.ledger_source))
    assert amounts == [Decimal("120.00"), Decimal("120.00")]
    assert len(_mails("convocation.txt")) == 2


def test_enrolment_needs_the_permission_for_that_organization(world, make_session):
    from core.accounts.permissions import PermissionDenied

    session = make_session()
    with pytest.raises(PermissionDenied):
        svc.enrol(world.managers[0], session.id, world.orgs[1].id, "Other", "other@test.example")
    with pytest.raises(PermissionDenied):
        svc.enrol(world.staff, session.id, world.orgs[0].id, "Self", "self@test.example")


def test_messages_are_in_each_recipients_language(world, make_session, make_user):
    english = make_user(None, email="english@test.example", locale="en", password=None)
    session = make_session()
    svc.enrol(world.coordinator, session.id, world.orgs[0].id, "English", english.email)
    svc.enrol(world.coordinator, session.id, world.orgs[0].id, "Volunteer", "volunteer@test.example")
    db.session.commit()
    subjects = {m.to_address: m.subject for m in _mails("enrolled.txt")}
    assert subjects["english@test.example"].startswith("Enrolment confirmed")
    assert subjects["volunteer@test.example"].startswith("Inscription confirmée")
