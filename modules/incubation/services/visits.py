"""Visits of local authorities to a project or a host site, as the observatory counts them."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from core import audit
from core.accounts.permissions import PermissionDenied
from core.clock import check_horizon, today
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from modules.incubation.models import AuthorityVisit, HostSite, Project
from modules.incubation.services.access import MANAGE, get_project, is_coach, is_coordinator, visible_projects
from modules.incubation.services.hosting import HORIZON_YEARS, can_manage_site, get_site, managed_sites_stmt, required


def record_visit(
    user, *, authority, visitors, visited_on: date | None, place, notes="", project_id=None, host_site_id=None
) -> AuthorityVisit:
    project = get_project(user, project_id) if project_id is not None else None
    site = get_site(host_site_id) if host_site_id is not None else None
    allowed = (
        is_coordinator(user)
        or (project is not None and is_coach(user, project))
        or (site is not None and can_manage_site(user, site))
    )
    if not allowed and project is None and site is None:
        raise DomainError(_("Choose the project or the host site visited."), "project_id")
    if not allowed:
        raise PermissionDenied(MANAGE)
    if visited_on is None:
        raise DomainError(_("Give the date of the visit."), "visited_on")
    if visited_on > today():
        raise DomainError(_("The date cannot be in the future."), "visited_on")
    check_horizon(visited_on, HORIZON_YEARS, "visited_on")
    visit = AuthorityVisit(
        project_id=project.id if project else None,
        host_site_id=site.id if site else None,
        authority=required(authority, "authority", 200),
        visitors=(visitors or "").strip()[:300],
        visited_on=visited_on,
        place=required(place or (site.address if site else ""), "place", 300),
        notes=(notes or "").strip()[:5000],
        recorded_by_id=user.id,
    )
    db.session.add(visit)
    if project is not None:
        project.last_activity_at = utcnow()
    db.session.flush()
    audit.record("incubation.visit.record", "incubation_authority_visit", visit.id)
    return visit


def visits_stmt(user):
    stmt = db.select(AuthorityVisit).order_by(AuthorityVisit.visited_on.desc(), AuthorityVisit.id.desc())
    if is_coordinator(user):
        return stmt
    project_ids = visible_projects(user).with_only_columns(Project.id)
    site_ids = managed_sites_stmt(user).with_only_columns(HostSite.id).order_by(None)
    return stmt.where(db.or_(AuthorityVisit.project_id.in_(project_ids), AuthorityVisit.host_site_id.in_(site_ids)))
