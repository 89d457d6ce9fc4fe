"""Seats, the per-organization cap, the FIFO waiting list, offers and the go/no-go decision.

Every write locks the session row first (``core.db.locked``) and then applies the deadlines that
time has passed (``apply_deadlines``): an expired offer goes to the next person in line and a
passed go/no-go date is decided, so a late or dead worker never lets a stale state through.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit, ledger
from core.accounts.models import User
from core.accounts.permissions import PermissionDenied, check, has_permission
from core.db import locked, utcnow
from core.errors import Conflict
from core.extensions import db
from modules.training.models import (
    ACTIVE,
    CANCELLED,
    CONFIRMED,
    DROPPED,
    ENROLLED,
    EXPIRED,
    FIXED,
    HOLDS_SEAT,
    OFFERED,
    PLANNED,
    SESSION_CANCELLED,
    WAITING,
    Enrolment,
    TrainingSession,
)
from modules.training.services import notify
from modules.training.services.common import can_manage, clean_email, clean_text, get_enrolment
from modules.training.services.split import post_charges


def _count(session_id: int, states, organization_id: int | None = None) -> int:
    stmt = db.select(db.func.count(Enrolment.id)).where(
        Enrolment.session_id == session_id, Enrolment.status.in_(states)
    )
    if organization_id is not None:
        stmt = stmt.where(Enrolment.organization_id == organization_id)
    return db.session.scalar(stmt)


def seats_left(session: TrainingSession) -> int:
    return max(0, session.seats - _count(session.id, HOLDS_SEAT))


def waiting_list(session_id: int) -> list[Enrolment]:
    """The queue, first in first: order by id, which only grows."""
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.session_id == session_id, Enrolment.status == WAITING)
            .order_by(Enrolment.id)
        )
    )


# -- deadlines -----------------------------------------------------------------------------


def apply_deadlines(session: TrainingSession) -> None:
    """Called on a locked session by every write and by the scheduled job."""
    now = utcnow()
    expired = list(
        db.session.scalars(
            db.select(Enrolment)
            .where(
                Enrolment.session_id == session.id,
                Enrolment.status == OFFERED,
                Enrolment.offer_expires_at <= now,
            )
            .order_by(Enrolment.id)
        )
    )
    for enrolment in expired:
        enrolment.status, enrolment.ended_at = EXPIRED, now
        audit.record("training.offer.expire", "training_enrolment", enrolment.id)
        notify.offer_expired(enrolment)
    if expired:
        db.session.flush()
        promote_waiting_list(session)
    if session.status == PLANNED and session.go_no_go_at <= now:
        decide(session)


def promote_waiting_list(session: TrainingSession) -> list[Enrolment]:
    """Offer each freed seat to the head of the queue, never skipping anyone."""
    now = utcnow()
    if session.status == SESSION_CANCELLED or (session.starts_at and session.starts_at <= now):
        return []
    promoted = []
    free = seats_left(session)
    queue = waiting_list(session.id)[:free] if free > 0 else []
    deadline = min(now + timedelta(hours=session.offer_hours), session.starts_at)
    for enrolment in queue:
        enrolment.status, enrolment.offer_expires_at = OFFERED, deadline
        audit.record("training.waiting_list.promote", "training_enrolment", enrolment.id)
        notify.offered(enrolment)
        promoted.append(enrolment)
    db.session.flush()
    return promoted


def decide(session: TrainingSession) -> None:
    """Go/no-go: below the minimum the session is cancelled, otherwise confirmed and charged."""
    enrolled = list(
        db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.session_id == session.id, Enrolment.status == ENROLLED)
            .order_by(Enrolment.id)
        )
    )
    if len(enrolled) < session.min_participants:
        cancel_session(session, _("fewer participants than the minimum of %(n)d", n=session.min_participants))
        return
    session.status, session.decided_at = CONFIRMED, utcnow()
    post_charges(session, enrolled)
    for enrolment in enrolled:
        notify.convocation(enrolment)
    audit.record("training.session.confirm", "training_session", session.id, participants=len(enrolled))
    db.session.flush()


def cancel_session(session: TrainingSession, reason: str) -> None:
    """Everyone is told, the waiting list is emptied and the ledger charges are released."""
    now = utcnow()
    session.status, session.decided_at, session.cancel_reason = SESSION_CANCELLED, now, reason
    people = list(
        db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.session_id == session.id, Enrolment.status.in_(ACTIVE))
            .order_by(Enrolment.id)
        )
    )
    for enrolment in people:
        enrolment.status, enrolment.ended_at = DROPPED, now
    ledger.release(session.ledger_source)
    db.session.flush()
    notify.session_cancelled(session, people, reason)
    audit.record("training.session.cancel", "training_session", session.id, reason=reason, people=len(people))


# -- enrolment -----------------------------------------------------------------------------


def enrol(actor, session_id: int, organization_id: int, name: str, email: str, volunteer: bool = False) -> Enrolment:
    """A seat if one is free (within the organization's cap), else the end of the waiting list."""
    check(actor, "training.enrol", organization_id)
    name = clean_text(name, "name")
    email = clean_email(email)
    session = locked(TrainingSession, session_id)
    apply_deadlines(session)
    now = utcnow()
    if session.status == SESSION_CANCELLED:
        raise Conflict(_("This session is cancelled."))
    if session.starts_at <= now:
        raise Conflict(_("Enrolment is closed: the session has started."))
    if db.session.scalar(
        db.select(Enrolment.id).where(
            Enrolment.session_id == session.id, Enrolment.email == email, Enrolment.status.in_(ACTIVE)
        )
    ):
        raise Conflict(_("This person is already enrolled or waiting for this session."), "email")
    # The cap counts the waiting list too, so promoting the head of the queue never breaks it.
    if session.cap_per_org and _count(session.id, ACTIVE, organization_id) >= session.cap_per_org:
        raise Conflict(
            _("Your organization already has the maximum of %(n)d places in this session.", n=session.cap_per_org)
        )
    full = seats_left(session) == 0 or bool(waiting_list(session.id))
    user = db.session.scalar(db.select(User).where(User.email == email))
    enrolment = Enrolment(
        session_id=session.id,
        organization_id=organization_id,
        user_id=user.id if user else None,
        name=name,
        email=email,
        volunteer=bool(volunteer),
        status=WAITING if full else ENROLLED,
        enrolled_at=None if full else now,
        created_by_id=actor.id,
        survey_token=secrets.token_urlsafe(24),
    )
    db.session.add(enrolment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This person is already enrolled or waiting for this session."), "email") from None
    audit.record("training.enrol", "training_enrolment", enrolment.id, session=session.id, status=enrolment.status)
    if full:
        notify.waiting(enrolment, len(waiting_list(session.id)))
    else:
        _after_seat_taken(session, enrolment)
    return enrolment


def _after_seat_taken(session: TrainingSession, enrolment: Enrolment) -> None:
    notify.enrolled(enrolment)
    if session.status == CONFIRMED:
        # Late seats in a confirmed session: the split is final, a fixed price is charged per head.
        if session.price_model == FIXED:
            ledger.post_charge(
                enrolment.organization_id,
                session.payee_organization_id,
                session.fixed_price,
                _("Training: %(title)s", title=session.course.title),
                session.ledger_source,
            )
        notify.convocation(enrolment)


def _may_act_on(actor, enrolment: Enrolment) -> bool:
    return (
        can_manage(actor)
        or enrolment.user_id == actor.id
        or has_permission(actor, "training.enrol", enrolment.organization_id)
    )


def cancel_enrolment(actor, enrolment_id: int) -> Enrolment:
    """Give up a seat (or a place in the queue, or an offer); a freed seat goes to the queue."""
    enrolment = get_enrolment(enrolment_id, actor)
    if not _may_act_on(actor, enrolment):
        raise PermissionDenied("training.enrol")
    session = locked(TrainingSession, enrolment.session_id)
    apply_deadlines(session)
    db.session.refresh(enrolment)
    if enrolment.status not in ACTIVE:
        raise Conflict(_("This enrolment is no longer active."))
    if session.starts_at <= utcnow():
        raise Conflict(_("The session has started: mark an absence instead."))
    held = enrolment.status in HOLDS_SEAT
    enrolment.status, enrolment.ended_at = CANCELLED, utcnow()
    db.session.flush()
    audit.record("training.enrolment.cancel", "training_enrolment", enrolment.id)
    notify.cancelled(enrolment)
    if held:
        promote_waiting_list(session)
    return enrolment


def confirm_offer(actor, enrolment_id: int) -> Enrolment:
    """The promoted person takes the seat before the offer's deadline."""
    enrolment = get_enrolment(enrolment_id, actor)
    if not _may_act_on(actor, enrolment):
        raise PermissionDenied("training.enrol")
    session = locked(TrainingSession, enrolment.session_id)
    apply_deadlines(session)
    db.session.refresh(enrolment)
    if enrolment.status == EXPIRED:
        raise Conflict(_("The offer has expired: the seat went to the next person in line."))
    if enrolment.status != OFFERED or session.status == SESSION_CANCELLED:
        raise Conflict(_("There is no seat offer to confirm."))
    enrolment.status, enrolment.enrolled_at, enrolment.offer_expires_at = ENROLLED, utcnow(), None
    db.session.flush()
    audit.record("training.offer.confirm", "training_enrolment", enrolment.id)
    _after_seat_taken(session, enrolment)
    return enrolment


def due_sessions() -> list[int]:
    """The sessions with an expired offer or a passed go/no-go date, for the scheduled job."""
    now = utcnow()
    offered = db.select(Enrolment.session_id).where(Enrolment.status == OFFERED, Enrolment.offer_expires_at <= now)
    return list(
        db.session.scalars(
            db.select(TrainingSession.id)
            .where(
                (TrainingSession.id.in_(offered))
                | ((TrainingSession.status == PLANNED) & (TrainingSession.go_no_go_at <= now))
            )
            .order_by(TrainingSession.id)
        )
    )


def apply_deadlines_of(session_id: int) -> None:
    apply_deadlines(locked(TrainingSession, session_id))


def queue_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != WAITING:
        return None
    return db.session.scalar(
        db.select(db.func.count(Enrolment.id)).where(
            Enrolment.session_id == enrolment.session_id, Enrolment.status == WAITING, Enrolment.id <= enrolment.id
        )
    )


def queue_positions(enrolments: list[Enrolment]) -> dict[int, int]:
    """The queue position of each waiting enrolment of a list, in one query whatever their sessions."""
    waiting = [e for e in enrolments if e.status == WAITING]
    if not waiting:
        return {}
    queues = db.session.execute(
        db.select(Enrolment.id, Enrolment.session_id)
        .where(Enrolment.session_id.in_({e.session_id for e in waiting}), Enrolment.status == WAITING)
        .order_by(Enrolment.id)
    )
    seen: dict[int, int] = {}
    positions = {}
    for enrolment_id, session_id in queues:
        seen[session_id] = positions[enrolment_id] = seen.get(session_id, 0) + 1
    return {e.id: positions[e.id] for e in waiting}
