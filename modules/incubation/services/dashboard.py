"""'What needs my action' for the dashboard card, in a handful of COUNT queries."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from core.extensions import db
from modules.incubation.models import Coach, HostSite, Placement, Project, ProjectMilestone
from modules.incubation.services.access import is_coordinator, own_project


def todo(user) -> list[tuple[str, str]]:
    """(message, link) pairs."""
    items: list[tuple[str, str]] = []
    if is_coordinator(user):
        waiting = db.session.scalar(db.select(db.func.count()).where(Project.status == "submitted"))
        if waiting:
            items.append(
                (
                    ngettext("%(num)d application to review", "%(num)d applications to review", waiting),
                    url_for("incubation.pipeline"),
                )
            )
    requests = db.session.scalar(
        db.select(db.func.count())
        .select_from(Placement)
        .join(HostSite)
        .where(HostSite.referent_id == user.id, Placement.status == "requested")
    )
    if requests:
        items.append(
            (
                ngettext("%(num)d placement request to answer", "%(num)d placement requests to answer", requests),
                url_for("incubation.placements", status="requested"),
            )
        )
    to_review = db.session.scalar(
        db.select(db.func.count())
        .select_from(ProjectMilestone)
        .join(Coach, Coach.project_id == ProjectMilestone.project_id)
        .where(Coach.user_id == user.id, ProjectMilestone.status == "submitted")
    )
    if to_review:
        items.append(
            (
                ngettext("%(num)d milestone to validate", "%(num)d milestones to validate", to_review),
                url_for("incubation.projects"),
            )
        )
    project = own_project(user)
    if project is not None:
        from modules.incubation.views.labels import PROJECT_STATUS

        items.append(
            (
                _("Your project: %(status)s", status=PROJECT_STATUS[project.status]),
                url_for("incubation.project", project_id=project.id),
            )
        )
    return items
