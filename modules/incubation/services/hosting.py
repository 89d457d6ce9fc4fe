"""Host sites and their offer, placement requests and decisions, local-authority visits.

Capacity (people per day) holds under concurrency: the request locks the project row (one holder's
placements never overlap) and then the host site row (no day over capacity) before counting; on
SQLite the transaction already holds the database write lock (core/db.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from core import audit, mail
from core.accounts.models import User
from core.accounts.permissions import PermissionDenied, has_permission, scope
from core.calendar import to_ics
from core.clock import PARIS, check_horizon, today
from core.db import get_or_404, locked, utcnow, valid_id
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for, public_url
from modules.incubation.models import (
    ACTIVE_PLACEMENT,
    LEARNINGS,
    PLACEMENT_KINDS,
    HostPeriod,
    HostSite,
    Placement,
    Project,
)
from modules.incubation.services.access import (
    get_project,
    holders_of,
    is_coach,
    is_coordinator,
    is_holder,
    visible_projects,
)

HOST = "incubation.host"
MAX_IMMERSION_DAYS = 31
HORIZON_YEARS = 2  # hosting is planned at most this far ahead: a later year is a typo


def required(value: str | None, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("This field is required."), field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.", n=limit), field)
    return value


def sites_stmt(active_only: bool = True):
    stmt = db.select(HostSite).order_by(HostSite.name)
    return stmt.where(HostSite.active.is_(True)) if active_only else stmt


def managed_sites_stmt(user):
    return scope(db.select(HostSite).order_by(HostSite.name), HostSite.organization_id, user, HOST)


def get_site(site_id: int, lock: bool = False) -> HostSite:
    return locked(HostSite, site_id) if lock else get_or_404(HostSite, site_id)


def can_manage_site(user, site: HostSite) -> bool:
    return has_permission(user, HOST, site.organization_id) or site.referent_id == user.id


def save_site(
    user,
    site: HostSite | None,
    *,
    organization_id,
    name,
    address,
    capacity,
    learnings,
    description,
    referent_id,
    active=True,
) -> HostSite:
    if not valid_id(organization_id) or not has_permission(user, HOST, organization_id):
        raise DomainError(_("Choose an organization you manage."), "organization_id")
    if site is not None and not can_manage_site(user, site):
        raise PermissionDenied(HOST)
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        raise DomainError(_("Give a capacity between 1 and 100 people per day."), "capacity")
    unknown = set(learnings or []) - set(LEARNINGS)
    if unknown:
        raise DomainError(_("Unknown activity."), "learnings")
    referent = db.session.get(User, referent_id) if valid_id(referent_id) else None
    if referent is None or organization_id not in referent.organization_ids:
        raise DomainError(_("The referent must belong to the host organization."), "referent_id")
    site = site or HostSite()
    site.organization_id, site.referent_id, site.capacity, site.active = organization_id, referent.id, capacity, active
    site.name, site.address = required(name, "name", 200), required(address, "address", 300)
    site.learnings = ",".join(item for item in LEARNINGS if item in (learnings or []))
    site.description = (description or "").strip()[:5000]
    db.session.add(site)
    db.session.flush()
    audit.record("incubation.site.save", "incubation_host_site", site.id)
    return site


def add_period(user, site: HostSite, start: date | None, end: date | None) -> HostPeriod:
    if not can_manage_site(user, site):
        raise PermissionDenied(HOST)
    if start is None:
        raise DomainError(_("Give a start date."), "start_date")
    if end is None or end < start:
        raise DomainError(_("The end must not be before the start."), "end_date")
    if end < today():
        raise DomainError(_("This period is already over."), "end_date")
    check_horizon(start, HORIZON_YEARS, "start_date")
    check_horizon(end, HORIZON_YEARS, "end_date")
    period = HostPeriod(host_site_id=site.id, start_date=start, end_date=end)
    site.periods.append(period)
    db.session.flush()
    audit.record("incubation.period.add", "incubation_host_site", site.id, start=start, end=end)
    return period


def remove_period(user, site: HostSite, period_id: int) -> None:
    if not can_manage_site(user, site):
        raise PermissionDenied(HOST)
    period = next((p for p in site.periods if p.id == period_id), None)
    if period is None:
        raise NotFound(_("Unknown period."))
    site.periods.remove(period)
    db.session.delete(period)
    audit.record("incubation.period.remove", "incubation_host_site", site.id, period=period_id)


def _days(start: date, end: date):
    return (start + timedelta(days=i) for i in range((end - start).days + 1))


def _check_dates(site: HostSite, kind: str, start: date | None, end: date | None) -> date:
    if kind not in PLACEMENT_KINDS:
        raise DomainError(_("Unknown kind of placement."), "kind")
    if start is None:
        raise DomainError(_("Give a start date."), "start_date")
    end = start if kind == "visit" else end
    if end is None or end < start:
        raise DomainError(_("The end must not be before the start."), "end_date")
    if start <= today():
        raise DomainError(_("A placement is requested at least one day ahead."), "start_date")
    check_horizon(start, HORIZON_YEARS, "start_date")
    if (end - start).days + 1 > MAX_IMMERSION_DAYS:
        raise DomainError(_("An immersion lasts at most %(n)d days.", n=MAX_IMMERSION_DAYS), "end_date")
    outside = [d for d in _days(start, end) if not any(p.start_date <= d <= p.end_date for p in site.periods)]
    if outside:
        raise DomainError(
            _("The site does not host on %(day)s (outside its offer).", day=outside[0].strftime("%d/%m/%Y")),
            "start_date",
        )
    return end


def request_placement(
    user,
    *,
    project_id,
    host_site_id,
    kind: str,
    start: date | None,
    end: date | None,
    people=1,
    message: str = "",
    holder_id=None,
) -> Placement:
    if not valid_id(project_id):
        raise DomainError(_("Unknown project."), "project_id")
    project = get_project(user, project_id, lock=True)  # lock order: project, then host site
    if not (is_holder(user, project) or is_coach(user, project) or is_coordinator(user)):
        raise PermissionDenied("incubation.apply")
    if project.status != "accepted":
        raise Conflict(_("Only a project on a track can request a placement."), "project_id")
    holder = _holder(user, project, holder_id)
    if not valid_id(host_site_id):
        raise DomainError(_("Unknown host site."), "host_site_id")
    site = get_site(host_site_id, lock=True)
    if not site.active:
        raise DomainError(_("This site does not host at the moment."), "host_site_id")
    end = _check_dates(site, kind, start, end)
    if not isinstance(people, int) or not 1 <= people <= site.capacity:
        raise DomainError(_("Between 1 and %(n)d people.", n=site.capacity), "people")
    overlap = db.session.scalar(
        db.select(Placement.id).where(
            Placement.holder_id == holder.id,
            Placement.status.in_(ACTIVE_PLACEMENT),
            Placement.start_date <= end,
            Placement.end_date >= start,
        )
    )
    if overlap:
        raise Conflict(_("%(name)s already has a placement during these days.", name=holder.name), "start_date")
    _check_capacity(site, start, end, people)
    placement = Placement(
        host_site_id=site.id,
        project_id=project.id,
        holder_id=holder.id,
        requested_by_id=user.id,
        kind=kind,
        start_date=start,
        end_date=end,
        people=people,
        message=(message or "").strip()[:2000],
    )
    db.session.add(placement)
    project.last_activity_at = utcnow()
    db.session.flush()
    audit.record("incubation.placement.request", "incubation_placement", placement.id, site=site.id)
    mail.send("incubation/mail/placement_requested.txt", site.referent, placement=placement)
    return placement


def _holder(user, project: Project, holder_id) -> User:
    holders = holders_of(project)
    if is_holder(user, project) and holder_id is None:
        return next(h for h in holders if h.id == user.id)
    chosen = (
        next((h for h in holders if h.id == holder_id), None)
        if holder_id is not None
        else (holders[0] if holders else None)
    )
    if chosen is None:
        raise DomainError(_("Choose a holder of the project."), "holder_id")
    return chosen


def _check_capacity(site: HostSite, start: date, end: date, people: int) -> None:
    rows = db.session.execute(
        db.select(Placement.start_date, Placement.end_date, Placement.people).where(
            Placement.host_site_id == site.id,
            Placement.status.in_(ACTIVE_PLACEMENT),
            Placement.start_date <= end,
            Placement.end_date >= start,
        )
    ).all()
    for day in _days(start, end):
        taken = sum(n for s, e, n in rows if s <= day <= e)
        if taken + people > site.capacity:
            raise Conflict(
                _(
                    "The site is full on %(day)s (%(left)d place(s) left).",
                    day=day.strftime("%d/%m/%Y"),
                    left=max(0, site.capacity - taken),
                ),
                "start_date",
            )


def get_placement(user, placement_id: int, lock: bool = False) -> Placement:
    """A placement the user may not see answers exactly like an absent one."""
    placement = locked(Placement, placement_id) if lock else get_or_404(Placement, placement_id)
    if not can_see_placement(user, placement):
        raise NotFound(_("Not found."))
    return placement


def is_referent(user, placement: Placement) -> bool:
    return placement.host_site.referent_id == user.id or is_coordinator(user)


def can_see_placement(user, placement: Placement) -> bool:
    project = placement.project
    return (
        is_referent(user, placement)
        or is_holder(user, project)
        or is_coach(user, project)
        or has_permission(user, HOST, placement.host_site.organization_id)
    )


def placements_stmt(user):
    """Placements a person is concerned by: as referent or host manager, holder, coach, coordinator."""
    stmt = db.select(Placement).order_by(Placement.start_date.desc(), Placement.id.desc())
    if is_coordinator(user):
        return stmt
    host_orgs = [m.organization_id for m in user.memberships]
    site_ids = db.select(HostSite.id).where(
        db.or_(
            HostSite.referent_id == user.id,
            HostSite.organization_id.in_([o for o in host_orgs if has_permission(user, HOST, o)] or [-1]),
        )
    )
    project_ids = visible_projects(user).with_only_columns(Project.id)
    return stmt.where(db.or_(Placement.host_site_id.in_(site_ids), Placement.project_id.in_(project_ids)))


def decide_placement(user, placement: Placement, accept: bool, note: str = "") -> None:
    if not is_referent(user, placement):
        raise PermissionDenied(HOST)
    if placement.status != "requested":
        raise Conflict(_("This request is already decided."))
    if accept and placement.start_date <= today():
        raise Conflict(_("The placement has started: it can only be declined."))
    note = (note or "").strip()[:2000]
    if not accept and not note:
        raise DomainError(_("Give the holder a reason."), "note")
    placement.status, placement.decision_note, placement.decided_at = (
        "accepted" if accept else "declined",
        note,
        utcnow(),
    )
    placement.project.last_activity_at = utcnow()
    audit.record("incubation.placement.decide", "incubation_placement", placement.id, accepted=accept)
    ics = to_ics([placement_event(placement)], placement.host_site.name, public_url("web.home")) if accept else None
    for person in {placement.holder, db.session.get(User, placement.requested_by_id)}:
        mail.send(
            "incubation/mail/placement_decided.txt",
            person,
            placement=placement,
            accepted=accept,
            ics=ics.decode() if ics else None,
        )


def cancel_placement(user, placement: Placement) -> None:
    project = placement.project
    if not (is_holder(user, project) or is_coach(user, project) or is_coordinator(user)):
        raise PermissionDenied("incubation.apply")
    if placement.status not in ACTIVE_PLACEMENT:
        raise Conflict(_("This placement is no longer active."))
    if placement.start_date <= today():
        raise Conflict(_("The placement has started and cannot be cancelled any more."))
    placement.status = "cancelled"
    audit.record("incubation.placement.cancel", "incubation_placement", placement.id)


def write_report(user, placement: Placement, report: str) -> None:
    if not is_referent(user, placement):
        raise PermissionDenied(HOST)
    if placement.status != "accepted":
        raise Conflict(_("Only an accepted placement gets a report."))
    if placement.end_date > today():
        raise DomainError(_("The report is written once the placement is over."), "report")
    placement.report = required(report, "report", 5000)
    placement.project.last_activity_at = utcnow()
    audit.record("incubation.placement.report", "incubation_placement", placement.id)


def calendar_events(user, start, end, limit: int | None = None) -> list[CalendarEvent]:
    """The accepted placements a person is concerned by that meet [start, end) (aware datetimes),
    the earliest ``limit`` of them when given; an event ends the day after its last day, hence the
    day of margin."""
    first, last = start.astimezone(PARIS).date(), end.astimezone(PARIS).date()
    stmt = (
        placements_stmt(user)
        .where(
            Placement.status == "accepted",
            Placement.start_date <= last,
            Placement.end_date >= first - timedelta(days=1),
        )
        .order_by(None)
        .order_by(Placement.start_date, Placement.id)
        .limit(limit)
    )
    return [placement_event(p) for p in db.session.scalars(stmt)]


def placement_event(placement: Placement) -> CalendarEvent:
    kind = _("Visit") if placement.kind == "visit" else _("Immersion")
    return CalendarEvent(
        uid=f"incubation-placement-{placement.id}",
        title=f"{kind} · {placement.holder.name} · {placement.host_site.name}",
        start=placement.start_date,
        end=placement.end_date + timedelta(days=1),
        module="incubation",
        url=path_for("incubation.placement", placement_id=placement.id),
        location=placement.host_site.address,
        description=placement.project.name,
    )
