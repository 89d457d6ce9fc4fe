"""Who may see and do what on a project: holders see their own, coaches their coached ones,
the coordinator (incubation.manage) all of them. Anything else looks absent (404)."""

from __future__ import annotations

from flask_babel import gettext as _

from core.accounts.models import Membership
from core.accounts.permissions import has_permission
from core.accounts.roles import PROJECT_HOLDER
from core.db import get_or_404, locked
from core.errors import NotFound
from core.extensions import db
from modules.incubation.models import Coach, Project

MANAGE = "incubation.manage"


def is_coordinator(user) -> bool:
    return has_permission(user, MANAGE)


def is_holder(user, project: Project) -> bool:
    return user.is_authenticated and PROJECT_HOLDER in user.roles_in(project.organization_id)


def is_coach(user, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(db.select(Coach.id).where(Coach.project_id == project.id, Coach.user_id == user.id))
        is not None
    )


def can_mentor(user, project: Project) -> bool:
    """Coaches and the coordinator: validate milestones, read and write the journal."""
    return is_coordinator(user) or is_coach(user, project)


def can_see(user, project: Project) -> bool:
    return is_coordinator(user) or is_holder(user, project) or is_coach(user, project)


def visible_projects(user):
    """Record rule for lists of projects."""
    stmt = db.select(Project)
    if is_coordinator(user):
        return stmt
    holder_orgs = [m.organization_id for m in user.memberships if m.role == PROJECT_HOLDER]
    coached = db.select(Coach.project_id).where(Coach.user_id == user.id)
    return stmt.where(db.or_(Project.organization_id.in_(holder_orgs or [-1]), Project.id.in_(coached)))


def get_project(user, project_id: int, lock: bool = False) -> Project:
    """The project, locked for the writes of this transaction when asked; one that the user may
    not see answers exactly like an absent one."""
    project = locked(Project, project_id) if lock else get_or_404(Project, project_id)
    if not can_see(user, project):
        raise NotFound(_("Not found."))
    return project


def holders_of(project: Project) -> list:
    from core.accounts.models import User

    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == project.organization_id, Membership.role == PROJECT_HOLDER)
            .order_by(User.id)
        )
    )


def own_project(user) -> Project | None:
    """The project a holder holds (a holder has one project, the organization they signed up with)."""
    orgs = [m.organization_id for m in user.memberships if m.role == PROJECT_HOLDER]
    if not orgs:
        return None
    return db.session.scalar(db.select(Project).where(Project.organization_id.in_(orgs)).order_by(Project.id))
