"""The coordinator's follow-up (who has not reported, reminders) and publication consent."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit, mail
from core.accounts.directory import managers_of
from core.accounts.models import Organization
from core.accounts.permissions import check, has_permission, permitted_org_ids
from core.clock import today
from core.db import get_or_404, utcnow
from core.errors import NotFound
from core.extensions import db
from modules.observatory.models import Period, Publication, Reminder, Report

REMIND_DAYS_BEFORE = 7
DONE = ("submitted", "validated")


def member_structures() -> list[Organization]:
    stmt = db.select(Organization).where(Organization.kind == "member", Organization.active)
    return list(db.session.scalars(stmt.order_by(Organization.name)))


def follow_up(period: Period) -> list[tuple[Organization, Report | None]]:
    """Every member structure with its report for the period (None: nothing started)."""
    reports = {r.organization_id: r for r in db.session.scalars(db.select(Report).where(Report.period_id == period.id))}
    return [(org, reports.get(org.id)) for org in member_structures()]


def waiting_for_validation() -> int:
    """How many submitted reports the coordination has still to validate or return."""
    return db.session.scalar(db.select(db.func.count(Report.id)).where(Report.status == "submitted"))


def periods_due(start: date, end: date, limit: int | None = None) -> list[Period]:
    """The periods whose reports are due in [start, end), earliest first (at most ``limit``)."""
    stmt = db.select(Period).where(Period.due_on >= start, Period.due_on < end).order_by(Period.due_on, Period.id)
    return list(db.session.scalars(stmt.limit(limit)))


def missing(period: Period) -> list[Organization]:
    return [org for org, report in follow_up(period) if report is None or report.status not in DONE]


def reports_to_fill(user, recent: int = 4) -> list[tuple[int, Period]]:
    """(organization id, period) of the recent periods over and not yet submitted, for the
    structures the user reports for (the coordinator follows them per period instead)."""
    orgs = permitted_org_ids(user, "observatory.report")
    if not orgs:
        return []
    periods = list(
        db.session.scalars(
            db.select(Period).where(Period.end_on <= today()).order_by(Period.start_on.desc()).limit(recent)
        )
    )
    done = set(
        db.session.execute(
            db.select(Report.organization_id, Report.period_id).where(
                Report.organization_id.in_(orgs), Report.status.in_(DONE)
            )
        ).all()
    )
    return [(org, p) for p in periods for org in sorted(orgs) if (org, p.id) not in done]


def _remind(period: Period, org: Organization) -> int:
    for manager in managers_of(org.id):
        mail.send("observatory/mail/reminder.txt", manager, period=period, organization=org)
    return 1


def send_due_reminders() -> int:
    """Remind once the structures that have not reported, a week before the due date."""
    start = today()
    stmt = db.select(Period).where(
        Period.due_on >= start, Period.due_on <= start + timedelta(days=REMIND_DAYS_BEFORE), Period.end_on <= start
    )
    sent = 0
    for period in db.session.scalars(stmt).all():
        for org in missing(period):
            try:
                with db.session.begin_nested():
                    db.session.add(Reminder(period_id=period.id, organization_id=org.id, kind="before_due"))
            except IntegrityError:
                continue  # reminded already (by an earlier tick or another worker)
            sent += _remind(period, org)
    return sent


def remind_now(user, period_id: int) -> int:
    """The coordinator's reminder to every structure that has not reported; returns how many."""
    check(user, "observatory.coordinate")
    period = get_or_404(Period, period_id)
    sent = 0
    for org in missing(period):
        reminder = db.session.scalar(
            db.select(Reminder).filter_by(period_id=period.id, organization_id=org.id, kind="manual")
        )
        if reminder is None:
            db.session.add(Reminder(period_id=period.id, organization_id=org.id, kind="manual"))
        else:
            reminder.sent_at = utcnow()
        sent += _remind(period, org)
    audit.record("observatory.period.remind", "period", period.id, user=user, structures=sent)
    return sent


def consent_of(organization_id: int) -> bool:
    stmt = db.select(Publication.consent).where(Publication.organization_id == organization_id)
    return bool(db.session.scalar(stmt))


def set_consent(user, organization_id: int, consent: bool) -> Publication:
    """Only the structure's manager decides whether its own figures appear on the public page."""
    if not has_permission(user, "observatory.view", organization_id):
        raise NotFound(_("This organization does not exist."))
    check(user, "observatory.report", organization_id)
    publication = db.session.scalar(db.select(Publication).where(Publication.organization_id == organization_id))
    if publication is None:
        publication = Publication(organization_id=organization_id)
        db.session.add(publication)
    publication.consent, publication.changed_at, publication.changed_by_id = consent, utcnow(), user.id
    db.session.flush()
    audit.record("observatory.publication.consent", "organization", organization_id, user=user, consent=consent)
    return publication
