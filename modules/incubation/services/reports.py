"""Read-side views of the incubation: a project's timeline, the pipeline, chart and indicators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.accounts.permissions import check
from core.clock import PARIS, day_start, today
from core.extensions import db
from core.hookspecs import Indicator
from modules.incubation.models import (
    AuthorityVisit,
    HostSite,
    JournalEntry,
    Placement,
    Project,
    ProjectMilestone,
    Stage,
    Track,
)
from modules.incubation.services.access import MANAGE, can_mentor

# code -> (label, unit) of the figures given to the observatory, labels kept in their source text
INDICATORS = {
    "projects": (_l("Projects accompanied"), "projects"),
    "placement_days": (_l("Immersion days hosted (person-days)"), "days"),
    "visits": (_l("Holder visits hosted"), "people"),
    "authority_visits": (_l("Visits by local authorities"), "visits"),
}


@dataclass(frozen=True)
class TimelineItem:
    day: date
    kind: str  # stage, milestone_target, milestone_done, placement, visit, journal
    title: str
    detail: str = ""
    late: bool = False


def timeline(user, project: Project) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    if project.applied_at:
        items.append(TimelineItem(project.applied_at.astimezone(PARIS).date(), "application", _("Application sent")))
    if project.stage and project.stage_started_on:
        items.append(
            TimelineItem(project.stage_started_on, "stage", _("Stage started: %(name)s", name=project.stage.name))
        )
    rows = db.session.scalars(db.select(ProjectMilestone).where(ProjectMilestone.project_id == project.id))
    for pm in rows:
        late = pm.status != "validated" and pm.target_date < today()
        items.append(
            TimelineItem(
                pm.target_date, "milestone_target", _("Target: %(name)s", name=pm.milestone.name), pm.status, late
            )
        )
        if pm.validated_at:
            items.append(
                TimelineItem(
                    pm.validated_at.astimezone(PARIS).date(),
                    "milestone_done",
                    _("Validated: %(name)s", name=pm.milestone.name),
                )
            )
    for placement in db.session.scalars(
        db.select(Placement).where(Placement.project_id == project.id, Placement.status == "accepted")
    ):
        kind = _("Visit") if placement.kind == "visit" else _("Immersion")
        items.append(
            TimelineItem(
                placement.start_date, "placement", f"{kind} · {placement.host_site.name}", placement.holder.name
            )
        )
    for visit in db.session.scalars(db.select(AuthorityVisit).where(AuthorityVisit.project_id == project.id)):
        items.append(TimelineItem(visit.visited_on, "visit", _("Visit by %(who)s", who=visit.authority), visit.place))
    if can_mentor(user, project):
        for entry in db.session.scalars(db.select(JournalEntry).where(JournalEntry.project_id == project.id)):
            items.append(
                TimelineItem(
                    entry.written_on, "journal", _("Journal: %(name)s", name=entry.author.name), entry.body[:200]
                )
            )
    return sorted(items, key=lambda item: (item.day, item.kind))


@dataclass
class PipelineRow:
    project: Project
    stalled: bool
    reason: str


def stalled_thresholds() -> tuple[int, int]:
    cfg = current_app.config
    return int(cfg.get("INCUBATION_IDLE_DAYS", 60)), int(cfg.get("INCUBATION_OVERDUE_DAYS", 30))


def pipeline(user, q: str = "") -> dict[str, list[PipelineRow]]:
    """Projects grouped by where they stand (applications, then each track's stages), stalled ones flagged."""
    check(user, MANAGE)
    idle_days, overdue_days = stalled_thresholds()
    now_day = today()
    overdue_since = dict(
        db.session.execute(
            db.select(ProjectMilestone.project_id, db.func.min(ProjectMilestone.target_date))
            .where(ProjectMilestone.status != "validated")
            .group_by(ProjectMilestone.project_id)
        ).all()
    )
    stmt = (
        db.select(Project)
        .where(Project.status.in_(("submitted", "needs_info", "accepted")))
        .options(db.joinedload(Project.stage).joinedload(Stage.track))
    )
    if q:
        from core.accounts.models import Organization

        stmt = stmt.join(Project.organization).where(Organization.name.ilike(f"%{q[:100]}%"))
    groups: dict[str, list[PipelineRow]] = {}
    for project in db.session.scalars(stmt.order_by(Project.id)).unique():
        reason = ""
        if project.last_activity_at.astimezone(PARIS).date() < now_day - timedelta(days=idle_days):
            reason = _("No activity for more than %(n)d days", n=idle_days)
        oldest = overdue_since.get(project.id)
        if project.status == "accepted" and oldest and oldest < now_day - timedelta(days=overdue_days):
            reason = _("A milestone is overdue by more than %(n)d days", n=overdue_days)
        key = (
            f"{project.stage.track.name} · {project.stage.position}. {project.stage.name}"
            if project.status == "accepted" and project.stage
            else _("Applications")
        )
        groups.setdefault(key, []).append(PipelineRow(project, bool(reason), reason))
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] != _("Applications"), kv[0])))


def projects_per_stage_and_year(user) -> tuple[list[str], dict[str, list[int]]]:
    """Accepted projects by current stage (labels) and year of acceptance (series)."""
    check(user, MANAGE)
    rows = db.session.execute(
        db.select(Track.name, Stage.position, Stage.name, Project.accepted_at)
        .join(Project, Project.stage_id == Stage.id)
        .join(Track, Track.id == Stage.track_id)
        .where(Project.status.in_(("accepted", "completed")))
    ).all()
    labels = sorted({(t, p, s) for t, p, s, _a in rows})
    years = sorted({a.astimezone(PARIS).year for *_r, a in rows if a})
    series = {str(y): [0] * len(labels) for y in years}
    for track, position, stage, accepted in rows:
        if accepted:
            series[str(accepted.astimezone(PARIS).year)][labels.index((track, position, stage))] += 1
    return [f"{t} · {p}. {s}" for t, p, s in labels], series


def indicators(start: date, end: date, organization_ids: set[int] | None = None) -> dict[str, dict[int, int]]:
    """Per organization over [start, end): projects accompanied (by project), placement days and
    visits hosted (by host organization), local-authority visits (by project or host). With
    ``organization_ids``, only those organizations' figures are computed."""
    accompanied = db.select(Project.organization_id).where(
        Project.accepted_at < day_start(end), Project.status.in_(("accepted", "completed"))
    )
    placements = (
        db.select(HostSite.organization_id, Placement.kind, Placement.start_date, Placement.end_date, Placement.people)
        .join(HostSite, HostSite.id == Placement.host_site_id)
        .where(Placement.status == "accepted", Placement.start_date < end, Placement.end_date >= start)
    )
    visited = (
        db.select(Project.organization_id, HostSite.organization_id)
        .select_from(AuthorityVisit)
        .outerjoin(Project, Project.id == AuthorityVisit.project_id)
        .outerjoin(HostSite, HostSite.id == AuthorityVisit.host_site_id)
        .where(AuthorityVisit.visited_on >= start, AuthorityVisit.visited_on < end)
    )
    if organization_ids is not None:
        chosen = organization_ids or [-1]
        accompanied = accompanied.where(Project.organization_id.in_(chosen))
        placements = placements.where(HostSite.organization_id.in_(chosen))
        visited = visited.where(db.or_(HostSite.organization_id.in_(chosen), Project.organization_id.in_(chosen)))
    accompanied = db.session.scalars(accompanied)
    placements = db.session.execute(placements).all()
    days: dict[int, int] = {}
    visits: dict[int, int] = {}
    for org_id, kind, s, e, people in placements:
        span = (min(e, end - timedelta(days=1)) - max(s, start)).days + 1
        if kind == "visit":
            visits[org_id] = visits.get(org_id, 0) + people
        else:
            days[org_id] = days.get(org_id, 0) + span * people
    authority: dict[int, int] = {}
    for project_org, site_org in db.session.execute(visited):
        org = site_org or project_org
        if org:
            authority[org] = authority.get(org, 0) + 1
    return {
        "projects": {org: 1 for org in accompanied},
        "placement_days": days,
        "visits": visits,
        "authority_visits": authority,
    }


def observatory_indicators(start: date, end: date, organization_ids: set[int] | None) -> list[Indicator]:
    figures = indicators(start, end, organization_ids)
    return [
        Indicator(f"incubation.{code}", label, unit, {org: Decimal(n) for org, n in figures[code].items()})
        for code, (label, unit) in INDICATORS.items()
    ]
