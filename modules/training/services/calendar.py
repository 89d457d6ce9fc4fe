"""The half-days that concern a person, for the unified calendar and its iCal feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import selectinload

from core.accounts.permissions import is_admin, permitted_org_ids
from core.extensions import db
from core.hookspecs import CalendarEvent
from modules.training.models import HOLDS_SEAT, SESSION_CANCELLED, Enrolment, Slot, Trainer, TrainingSession
from modules.training.services.notify import session_events


def events_for(user, start: datetime, end: datetime, limit: int | None = None) -> list[CalendarEvent]:
    """Coordinators see every session; others the sessions they attend, train, or that their
    organization's people attend. ``limit``: only the earliest that many half-days."""
    stmt = (
        db.select(TrainingSession)
        .options(selectinload(TrainingSession.slots))
        .where(
            TrainingSession.status != SESSION_CANCELLED,
            TrainingSession.id.in_(db.select(Slot.session_id).where(Slot.starts_at < end, Slot.ends_at > start)),
        )
    )
    if not is_admin(user):
        orgs = permitted_org_ids(user, "training.enrol") or set()
        # correlated, so that only the enrolments of the window's sessions are read (an IN list
        # of every enrolment concerned would read the whole history at each call)
        concerned = db.select(Enrolment.id).where(
            Enrolment.session_id == TrainingSession.id,
            Enrolment.status.in_(HOLDS_SEAT),
            (Enrolment.user_id == user.id) | (Enrolment.email == user.email) | Enrolment.organization_id.in_(orgs),
        )
        trains = db.select(Trainer.id).where(Trainer.user_id == user.id)
        stmt = stmt.where(concerned.exists() | TrainingSession.trainer_id.in_(trains))
    events = []
    for session in db.session.scalars(stmt.order_by(TrainingSession.starts_at)):
        events.extend(e for e in session_events(session) if e.start < end and e.end > start)
    events.sort(key=lambda event: event.start)
    return events if limit is None else events[:limit]
