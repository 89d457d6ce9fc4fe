"""Scheduled work: deadlines (offers, go/no-go), reminders before a session, surveys after it.
Each job is idempotent: a flag or a state change records what was done."""

from __future__ import annotations

from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from modules.training.models import CONFIRMED, ENROLLED, Enrolment, TrainingSession
from modules.training.services import enrolment, feedback, notify

REMIND_BEFORE = timedelta(hours=48)


def apply_deadlines() -> int:
    """Every session whose deadlines passed, each locked and committed on its own, so that one
    session's lock is never held while the others are handled."""
    due = enrolment.due_sessions()
    db.session.commit()
    for session_id in due:
        enrolment.apply_deadlines_of(session_id)
        db.session.commit()
    return len(due)


def send_reminders() -> None:
    now = utcnow()
    due = db.session.scalars(
        db.select(Enrolment)
        .join(TrainingSession)
        .where(
            TrainingSession.status == CONFIRMED,
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + REMIND_BEFORE,
            Enrolment.status == ENROLLED,
            Enrolment.reminder_sent_at.is_(None),
        )
        .order_by(Enrolment.id)
    )
    for item in list(due):
        notify.reminder(item)


def send_surveys() -> None:
    feedback.send_due_surveys()
