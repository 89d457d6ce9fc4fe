"""What several pages share: organization choices and the visible enrolments of a session."""

from __future__ import annotations

from flask_login import current_user

from core.accounts.models import Organization
from core.accounts.permissions import permitted_org_ids
from core.extensions import db
from modules.training.models import ACTIVE, WAITING, Enrolment, TrainingSession
from modules.training.services.common import can_manage, is_session_trainer


def org_choices(permission: str, kinds: tuple[str, ...] = ("member",)) -> list[tuple[int, str]]:
    orgs = permitted_org_ids(current_user, permission)
    stmt = db.select(Organization.id, Organization.name).where(Organization.active).order_by(Organization.name)
    stmt = stmt.where(Organization.kind.in_(kinds)) if orgs is None else stmt.where(Organization.id.in_(orgs))
    return [(i, n) for i, n in db.session.execute(stmt)]


def all_org_choices() -> list[tuple[int, str]]:
    return [
        (i, n)
        for i, n in db.session.execute(
            db.select(Organization.id, Organization.name).where(Organization.active).order_by(Organization.name)
        )
    ]


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
