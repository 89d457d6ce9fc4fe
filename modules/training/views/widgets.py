"""Dashboard cards: what needs the person's action in training."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from core.accounts.permissions import permitted_org_ids
from core.db import utcnow
from core.extensions import db
from modules.training.models import OFFERED, PLANNED, Enrolment, Trainer, TrainingSession


def coordinator_widget() -> str:
    """Planned sessions whose go/no-go date is within two weeks."""
    now = utcnow()
    sessions = db.session.scalars(
        db.select(TrainingSession)
        .where(TrainingSession.status == PLANNED, TrainingSession.go_no_go_at <= now + timedelta(days=14))
        .order_by(TrainingSession.go_no_go_at)
        .limit(10)
    ).all()
    return Markup(render_template("training/widgets/coordinator.html", sessions=sessions))


def member_widget(user) -> str:
    """Seat offers waiting for a confirmation in the person's organizations."""
    orgs = permitted_org_ids(user, "training.enrol") or set()
    offers = db.session.scalars(
        db.select(Enrolment)
        .where(Enrolment.status == OFFERED, Enrolment.organization_id.in_(orgs) | (Enrolment.user_id == user.id))
        .order_by(Enrolment.offer_expires_at)
        .limit(10)
    ).all()
    return Markup(render_template("training/widgets/member.html", offers=offers))


def trainer_widget(user) -> str:
    sessions = db.session.scalars(
        db.select(TrainingSession)
        .join(Trainer)
        .where(Trainer.user_id == user.id, TrainingSession.ends_at > utcnow() - timedelta(days=30))
        .order_by(TrainingSession.starts_at)
        .limit(10)
    ).all()
    return Markup(render_template("training/widgets/trainer.html", sessions=sessions))


def trains_sessions(user) -> bool:
    return db.session.scalar(db.select(Trainer.id).where(Trainer.user_id == user.id).limit(1)) is not None
