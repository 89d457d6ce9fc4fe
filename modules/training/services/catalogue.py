"""Trainers, courses and sessions (with their half-day slots), managed by the coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit
from core.accounts.models import Organization
from core.accounts.permissions import check
from core.clock import check_horizon
from core.db import locked, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.training.models import (
    FIXED,
    HOLDS_SEAT,
    PLANNED,
    SESSION_CANCELLED,
    SPLIT,
    Attendance,
    Course,
    Enrolment,
    Slot,
    Trainer,
    TrainingSession,
)
from modules.training.services.common import clean_email, clean_text
from modules.training.services.enrolment import apply_deadlines, cancel_session, promote_waiting_list
from modules.training.services.notify import announce_session

MAX_SLOT_HOURS = 6  # a half-day; a longer block is a typing mistake
HORIZON_YEARS = 3  # sessions are planned a season or two ahead; year 9999 is a typing mistake


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise DomainError(_("Enter an amount in euros."), field) from None
    if amount < 0 or amount >= Decimal("1e9") or not amount.is_finite():
        raise DomainError(_("Enter an amount between 0 and 999,999,999 euros."), field)
    return amount


def _organization(org_id, field: str) -> Organization:
    org = db.session.get(Organization, org_id) if org_id else None
    if org is None:
        raise DomainError(_("Choose an organization."), field)
    return org


# -- trainers ------------------------------------------------------------------------------


def save_trainer(
    actor,
    trainer_id: int | None = None,
    *,
    name,
    email=None,
    user_id=None,
    organization_id=None,
    internal=False,
    bio="",
    daily_fee=0,
    travel_costs=0,
    active=True,
) -> Trainer:
    check(actor, "training.manage")
    trainer = Trainer() if trainer_id is None else db.session.get(Trainer, trainer_id)
    if trainer is None:
        raise NotFound(_("Unknown trainer."))
    trainer.name = clean_text(name, "name")
    trainer.email = clean_email(email) if email else None
    trainer.user_id = user_id or None
    trainer.organization_id = _organization(organization_id, "organization_id").id if organization_id else None
    trainer.internal = bool(internal)
    trainer.bio = clean_text(bio, "bio", required=False, max_length=5000)
    trainer.daily_fee = _amount(daily_fee, "daily_fee")
    trainer.travel_costs = _amount(travel_costs, "travel_costs")
    trainer.active = bool(active)
    db.session.add(trainer)
    db.session.flush()
    audit.record("training.trainer.save", "training_trainer", trainer.id, name=trainer.name)
    return trainer


# -- courses -------------------------------------------------------------------------------


def save_course(
    actor,
    course_id: int | None = None,
    *,
    title,
    duration_hours,
    objectives="",
    programme="",
    prerequisites="",
    audience="",
    active=True,
) -> Course:
    check(actor, "training.manage")
    course = Course() if course_id is None else db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_("Unknown course."))
    course.title = clean_text(title, "title")
    try:
        hours = Decimal(str(duration_hours))
    except InvalidOperation:
        hours = Decimal(0)
    if not hours.is_finite() or hours <= 0 or hours > 500:
        raise DomainError(_("Enter a duration between 0.5 and 500 hours."), "duration_hours")
    course.duration_hours = hours
    for field, value in (
        ("objectives", objectives),
        ("programme", programme),
        ("prerequisites", prerequisites),
        ("audience", audience),
    ):
        setattr(course, field, clean_text(value, field, required=False, max_length=10000))
    course.active = bool(active)
    db.session.add(course)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("A course with this title already exists."), "title") from None
    audit.record("training.course.save", "training_course", course.id, title=course.title)
    return course


# -- sessions ------------------------------------------------------------------------------


@dataclass
class SessionData:
    course_id: int
    trainer_id: int
    host_organization_id: int
    payee_organization_id: int
    address: str
    seats: int
    min_participants: int
    go_no_go_at: datetime
    slots: list[tuple[datetime, datetime]]
    cap_per_org: int | None = None
    price_model: str = SPLIT
    trainer_fee: Decimal | None = None
    costs: Decimal = Decimal("0")
    fixed_price: Decimal | None = None
    offer_hours: int = 48


def check_slots(slots: list[tuple[datetime, datetime]], now: datetime) -> list[tuple[datetime, datetime]]:
    """Half-days in order, each in the future, none longer than a half-day, none overlapping."""
    if not slots:
        raise DomainError(_("Add at least one half-day."), "slots")
    ordered = sorted(slots)
    for start, end in ordered:
        if end <= start:
            raise DomainError(_("A half-day must end after it starts."), "slots")
        if (end - start).total_seconds() > MAX_SLOT_HOURS * 3600:
            raise DomainError(_("A half-day lasts at most %(n)d hours.", n=MAX_SLOT_HOURS), "slots")
        if start <= now:
            raise DomainError(_("Half-days must be in the future."), "slots")
        check_horizon(end, HORIZON_YEARS, "slots")
    for (_s1, end1), (start2, _e2) in zip(ordered, ordered[1:]):
        if start2 < end1:
            raise DomainError(_("Two half-days overlap."), "slots")
    return ordered


def default_trainer_fee(trainer: Trainer, slot_count: int) -> Decimal:
    """The trainer's daily fee per full day (two half-days) plus travel."""
    return trainer.daily_fee * Decimal(slot_count) / 2 + trainer.travel_costs


def _validate(data: SessionData, now: datetime) -> tuple[Course, Trainer, list]:
    course = db.session.get(Course, data.course_id)
    if course is None or not course.active:
        raise DomainError(_("Choose a course."), "course_id")
    trainer = db.session.get(Trainer, data.trainer_id)
    if trainer is None or not trainer.active:
        raise DomainError(_("Choose a trainer."), "trainer_id")
    _organization(data.host_organization_id, "host_organization_id")
    _organization(data.payee_organization_id, "payee_organization_id")
    if not isinstance(data.seats, int) or not 1 <= data.seats <= 500:
        raise DomainError(_("Enter a number of seats between 1 and 500."), "seats")
    if not isinstance(data.min_participants, int) or data.min_participants < 1:
        raise DomainError(_("The minimum is at least one participant."), "min_participants")
    if data.min_participants > data.seats:
        raise DomainError(_("The minimum cannot be above the number of seats."), "min_participants")
    if data.cap_per_org is not None and not 1 <= data.cap_per_org <= data.seats:
        raise DomainError(_("The cap per organization is between 1 and the number of seats."), "cap_per_org")
    if data.price_model not in (SPLIT, FIXED):
        raise DomainError(_("Choose a price model."), "price_model")
    if data.price_model == FIXED and data.fixed_price is None:
        raise DomainError(_("A fixed price needs an amount per participant."), "fixed_price")
    if not isinstance(data.offer_hours, int) or not 1 <= data.offer_hours <= 336:
        raise DomainError(_("The time to confirm a freed seat is between 1 and 336 hours."), "offer_hours")
    slots = check_slots(data.slots, now)
    check_horizon(data.go_no_go_at, HORIZON_YEARS, "go_no_go_at")
    if data.go_no_go_at >= slots[0][0]:
        raise DomainError(_("The go/no-go date must come before the first half-day."), "go_no_go_at")
    return course, trainer, slots


def create_session(actor, data: SessionData) -> TrainingSession:
    check(actor, "training.manage")
    now = utcnow()
    course, trainer, slots = _validate(data, now)
    if data.go_no_go_at <= now:
        raise DomainError(_("The go/no-go date must be in the future."), "go_no_go_at")
    session = TrainingSession(course_id=course.id, trainer_id=trainer.id, status=PLANNED)
    _apply(session, data, trainer, slots)
    db.session.add(session)
    db.session.flush()
    audit.record("training.session.create", "training_session", session.id, course=course.title)
    announce_session(session)
    return session


def _apply(session: TrainingSession, data: SessionData, trainer: Trainer, slots: list) -> None:
    session.host_organization_id = data.host_organization_id
    session.payee_organization_id = data.payee_organization_id
    session.address = clean_text(data.address, "address", max_length=300)
    session.seats, session.min_participants, session.cap_per_org = data.seats, data.min_participants, data.cap_per_org
    session.go_no_go_at = data.go_no_go_at
    session.price_model = data.price_model
    session.trainer_fee = (
        _amount(data.trainer_fee, "trainer_fee")
        if data.trainer_fee is not None
        else default_trainer_fee(trainer, len(slots))
    )
    session.costs = _amount(data.costs, "costs")
    session.fixed_price = _amount(data.fixed_price, "fixed_price") if data.fixed_price is not None else None
    session.offer_hours = data.offer_hours
    session.slots = [Slot(starts_at=start, ends_at=end) for start, end in slots]
    session.starts_at, session.ends_at = slots[0][0], slots[-1][1]


def update_session(actor, session_id: int, data: SessionData) -> TrainingSession:
    """Change a planned session; seats never drop below the seats already held."""
    check(actor, "training.manage")
    session = locked(TrainingSession, session_id)
    apply_deadlines(session)
    if session.status != PLANNED:
        raise Conflict(_("Only a planned session can be changed."))
    now = utcnow()
    course, trainer, slots = _validate(data, now)
    held = db.session.scalar(
        db.select(db.func.count(Enrolment.id)).where(
            Enrolment.session_id == session.id, Enrolment.status.in_(HOLDS_SEAT)
        )
    )
    if data.seats < held:
        raise DomainError(_("%(n)d seats are already taken: keep at least that many.", n=held), "seats")
    attended = db.session.scalar(
        db.select(db.func.count(Attendance.id)).join(Slot).where(Slot.session_id == session.id)
    )
    if attended:
        raise Conflict(_("Attendance has been taken: the half-days can no longer change."), "slots")
    session.course_id = course.id
    _apply(session, data, trainer, slots)
    db.session.flush()
    promote_waiting_list(session)
    audit.record("training.session.update", "training_session", session.id)
    return session


def cancel_session_by_coordinator(actor, session_id: int, reason: str) -> TrainingSession:
    check(actor, "training.manage")
    session = locked(TrainingSession, session_id)
    if session.status == SESSION_CANCELLED:
        raise Conflict(_("This session is already cancelled."))
    if session.ends_at and session.ends_at <= utcnow():
        raise Conflict(_("This session is over and can no longer be cancelled."))
    cancel_session(session, clean_text(reason, "reason", max_length=300))
    return session
