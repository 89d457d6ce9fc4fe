"""What several pages share: the organizations a person acts for, the visible enrolments of a
session and the status of a form shown again."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from core.accounts.directory import organization_choices
from core.accounts.permissions import permitted_org_ids
from core.extensions import db
from modules.training.models import ACTIVE, WAITING, Enrolment, TrainingSession
from modules.training.services.common import can_manage, is_session_trainer

# Participants come from member structures: a coordinator enrolling for the network sees only those.
MEMBERS = ("member",)


def member_choices(permission: str) -> list[tuple[int, str]]:
    """The member organizations for which the current user holds ``permission``."""
    return organization_choices(current_user, permission, MEMBERS)


def form_status() -> int:
    """A form shown again after a refused submission answers 422 (and core rolls back)."""
    return 422 if request.method == "POST" else 200


def visible_enrolments(session: TrainingSession) -> tuple[list[Enrolment], dict[int, int]]:
    """The enrolments the current user may see in a session, and the queue position of waiting ones."""
    stmt = db.select(Enrolment).where(Enrolment.session_id == session.id).order_by(Enrolment.id)
    if not (can_manage(current_user) or is_session_trainer(current_user, session)):
        orgs = permitted_org_ids(current_user, "training.enrol") or set()
        stmt = stmt.where(
            Enrolment.organization_id.in_(orgs)
            | (Enrolment.user_id == current_user.id)
            | (Enrolment.email == current_user.email)
        )
    rows = list(db.session.scalars(stmt))
    queue = db.session.scalars(
        db.select(Enrolment.id)
        .where(Enrolment.session_id == session.id, Enrolment.status == WAITING)
        .order_by(Enrolment.id)
    ).all()
    positions = {enrolment_id: index for index, enrolment_id in enumerate(queue, start=1)}
    return [e for e in rows if e.status in ACTIVE] + [e for e in rows if e.status not in ACTIVE], positions
