"""Interest and demand, the satisfaction survey, histories, reports and the observatory figure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit
from core.accounts.models import Organization
from core.accounts.permissions import check
from core.clock import day_start
from core.db import elapsed_seconds, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.training.models import (
    CONFIRMED,
    ENROLLED,
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Interest,
    Slot,
    SurveyResponse,
    TrainingSession,
)
from modules.training.services.common import clean_text
from modules.training.services.notify import survey

# -- interest and demand -------------------------------------------------------------------


def register_interest(
    actor, course_id: int, organization_id: int, people: int, months: list[int], places: str = "", comment: str = ""
) -> Interest:
    check(actor, "training.interest", organization_id)
    course = db.session.get(Course, course_id)
    if course is None or not course.active:
        raise NotFound(_("Unknown course."))
    if not isinstance(people, int) or not 1 <= people <= 100:
        raise DomainError(_("Enter a number of people between 1 and 100."), "people")
    if any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        raise DomainError(_("Months are numbered 1 to 12."), "months")
    interest = db.session.scalar(
        db.select(Interest).where(Interest.course_id == course.id, Interest.organization_id == organization_id)
    )
    interest = interest or Interest(course_id=course.id, organization_id=organization_id)
    interest.people = people
    interest.months = ",".join(str(m) for m in sorted(set(months)))
    interest.places = clean_text(places, "places", required=False, max_length=300)
    interest.comment = clean_text(comment, "comment", required=False, max_length=2000)
    interest.updated_by_id = actor.id
    db.session.add(interest)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Your organization's interest was just registered; reload the page.")) from None
    audit.record("training.interest", "training_interest", interest.id, people=people)
    return interest


def withdraw_interest(actor, interest_id: int) -> None:
    interest = db.session.get(Interest, interest_id)
    if interest is None:
        raise NotFound(_("Unknown interest."))
    check(actor, "training.interest", interest.organization_id)
    db.session.delete(interest)
    audit.record("training.interest.withdraw", "training_interest", interest_id)


@dataclass
class Demand:
    course: Course
    organizations: list[str] = field(default_factory=list)
    people: int = 0
    months: dict[int, int] = field(default_factory=dict)  # month -> people wanting it
    places: list[str] = field(default_factory=list)


def demand() -> list[Demand]:
    """Interest per course, highest demand first (one query)."""
    by_course: dict[int, Demand] = {}
    for interest in db.session.scalars(db.select(Interest).order_by(Interest.id)):
        item = by_course.setdefault(interest.course_id, Demand(interest.course))
        item.organizations.append(interest.organization.name)
        item.people += interest.people
        for month in interest.month_numbers:
            item.months[month] = item.months.get(month, 0) + interest.people
        if interest.places:
            item.places.append(interest.places)
    return sorted(by_course.values(), key=lambda d: (-d.people, d.course.title))


# -- survey --------------------------------------------------------------------------------


def survey_enrolment(token: str) -> Enrolment:
    enrolment = None
    if token and len(token) <= 64:
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.survey_token == token))
    if enrolment is None or enrolment.survey_sent_at is None:
        raise NotFound(_("This survey link is not valid."))
    return enrolment


def submit_survey(token: str, overall: int, content: int, trainer: int, comment: str = "") -> SurveyResponse:
    enrolment = survey_enrolment(token)
    for name, value in (("overall", overall), ("content", content), ("trainer", trainer)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_("Give a rating from 1 to 5."), name)
    response = SurveyResponse(
        enrolment_id=enrolment.id,
        overall=overall,
        content=content,
        trainer=trainer,
        comment=clean_text(comment, "comment", required=False, max_length=3000),
    )
    db.session.add(response)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You have already answered this survey. Thank you!")) from None
    return response


@dataclass
class SurveyResults:
    responses: int
    overall: Decimal | None
    content: Decimal | None
    trainer: Decimal | None
    comments: list[str]


def survey_results(session_id: int | None = None, course_id: int | None = None) -> SurveyResults:
    stmt = db.select(SurveyResponse).join(Enrolment).join(TrainingSession)
    stmt = (
        stmt.where(TrainingSession.id == session_id)
        if session_id
        else stmt.where(TrainingSession.course_id == course_id)
    )
    rows = list(db.session.scalars(stmt.order_by(SurveyResponse.id)))

    def mean(values):
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None

    return SurveyResults(
        len(rows),
        mean([r.overall for r in rows]),
        mean([r.content for r in rows]),
        mean([r.trainer for r in rows]),
        [r.comment for r in rows if r.comment],
    )


def send_due_surveys() -> int:
    """Scheduled: once a confirmed session is over, each participant marked present is asked."""
    now = utcnow()
    attended = db.select(Attendance.enrolment_id).where(Attendance.present)
    due = list(
        db.session.scalars(
            db.select(Enrolment)
            .join(TrainingSession)
            .where(
                TrainingSession.status == CONFIRMED,
                TrainingSession.ends_at <= now,
                Enrolment.status == ENROLLED,
                Enrolment.survey_sent_at.is_(None),
                Enrolment.id.in_(attended),
            )
        )
    )
    for enrolment in due:
        survey(enrolment)
    return len(due)


# -- histories and reports -----------------------------------------------------------------


def history_of(user) -> list[tuple[Enrolment, Certificate | None]]:
    rows = db.session.execute(
        db.select(Enrolment, Certificate)
        .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
        .join(TrainingSession)
        .where((Enrolment.user_id == user.id) | (Enrolment.email == user.email))
        .order_by(TrainingSession.starts_at.desc(), Enrolment.id.desc())
    )
    return [(e, c) for e, c in rows]


def _present_hours(start: datetime, end: datetime, organization_id: int | None = None):
    """(organization id, enrolment, hours) of every half-day attended in [start, end)."""
    stmt = (
        db.select(Enrolment.organization_id, Enrolment.name, Enrolment.email, Slot.starts_at, Slot.ends_at)
        .select_from(Attendance)
        .join(Enrolment)
        .join(Slot)
        .where(Attendance.present, Slot.starts_at >= start, Slot.starts_at < end)
    )
    if organization_id is not None:
        stmt = stmt.where(Enrolment.organization_id == organization_id)
    for org_id, name, email, slot_start, slot_end in db.session.execute(stmt):
        yield org_id, name, email, Decimal((slot_end - slot_start).total_seconds()) / 3600


def organization_report(actor, organization_id: int, year: int) -> tuple[list[str], list[list]]:
    """The table (header, rows) of the hours of training attended per person of the organization
    in the year, for core.spreadsheets."""
    check(actor, "training.report", organization_id)
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), "year")
    totals: dict[str, list] = defaultdict(lambda: ["", Decimal("0"), 0])
    start, end = day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))
    for _org, name, email, hours in _present_hours(start, end, organization_id):
        row = totals[email]
        row[0], row[1], row[2] = name, row[1] + hours, row[2] + 1
    header = [_("Person"), _("E-mail"), _("Year"), _("Half-days attended"), _("Hours")]
    rows = [
        [name, email, year, half_days, hours.quantize(Decimal("0.01"))]
        for email, (name, hours, half_days) in sorted(totals.items(), key=lambda item: item[1][0])
    ]
    return header, rows


def hours_per_organization(start: date, end: date, organization_ids: set[int] | None = None) -> dict[int, Decimal]:
    """Hours of half-days attended per organization (all, or those given), summed by the database."""
    stmt = (
        db.select(Enrolment.organization_id, db.func.sum(elapsed_seconds(Slot.starts_at, Slot.ends_at)))
        .select_from(Attendance)
        .join(Enrolment)
        .join(Slot)
        .where(Attendance.present, Slot.starts_at >= day_start(start), Slot.starts_at < day_start(end))
        .group_by(Enrolment.organization_id)
    )
    if organization_ids is not None:
        stmt = stmt.where(Enrolment.organization_id.in_(organization_ids or [-1]))
    # SQLite's julianday arithmetic is a float: whole milliseconds are what the slots hold
    return {
        org: (Decimal(str(round(seconds, 3))) / 3600).quantize(Decimal("0.01"))
        for org, seconds in db.session.execute(stmt)
    }


def organization_name(organization_id: int) -> str:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise NotFound(_("Unknown organization."))
    return org.name
