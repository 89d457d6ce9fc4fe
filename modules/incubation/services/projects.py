"""Sign-up of project holders, applications to a track and their review, coaches, journal."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _

from core import audit, mail
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.permissions import PermissionDenied, check
from core.accounts.roles import PROJECT_HOLDER
from core.clock import check_horizon, today
from core.db import utcnow, valid_id
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.incubation.models import Coach, JournalEntry, Project, Track
from modules.incubation.services.access import MANAGE, can_mentor, holders_of, is_holder
from modules.incubation.services.tracks import open_stage

CONFIRM_PURPOSE = "confirm-email"
TEXT_LIMIT = 5000
JOURNAL_YEARS = 2  # only the lower bound matters for a past date: year 0001 is a typo


def _text(value: str | None, field: str, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.", n=limit), field)
    return value


def touch(project: Project) -> None:
    project.last_activity_at = utcnow()


def sign_up(
    email: str, name: str, password: str, project_name: str, territory: str = "", needs: str = "", locale: str = "fr"
) -> tuple[User, Project]:
    """Create an unconfirmed holder, their project organization and project; mail the confirmation link."""
    project_name = _text(project_name, "project_name", 200, required=True)
    name = _text(name, "name", 200, required=True)
    territory = _text(territory, "territory", 200)
    needs = _text(needs, "needs")
    if len(email or "") > 254 or "@" not in (email or ""):
        raise DomainError(_("Type a valid e-mail address."), "email")
    user = accounts.create_user(email, name, password, locale, confirmed=False)
    try:
        org = accounts.create_organization(project_name, "project", city=territory or None)
    except DomainError as error:
        raise type(error)(error.message, "project_name") from None
    accounts.grant_role(user, org.id, PROJECT_HOLDER)
    project = Project(organization_id=org.id, territory=territory, needs=needs)
    db.session.add(project)
    db.session.flush()
    audit.record("incubation.signup", "incubation_project", project.id, user=user)
    send_confirmation(user)
    return user, project


def send_confirmation(user: User) -> None:
    token = accounts.make_token(user, CONFIRM_PURPOSE)
    mail.send(
        "incubation/mail/confirm.txt",
        user,
        token=token,
        max_age_hours=current_app.config.get("INCUBATION_CONFIRM_MAX_AGE", 3 * 86400) // 3600,
    )


def confirm_email(token: str) -> User:
    user = accounts.read_token(token, CONFIRM_PURPOSE, current_app.config.get("INCUBATION_CONFIRM_MAX_AGE", 3 * 86400))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("incubation.email_confirmed", "user", user.id, user=user)
    return user


def update_description(user, project: Project, territory: str, maturity: str, team: str, needs: str) -> None:
    if not is_holder(user, project):
        raise PermissionDenied("incubation.apply")
    project.territory = _text(territory, "territory", 200)
    project.maturity = _text(maturity, "maturity")
    project.team = _text(team, "team")
    project.needs = _text(needs, "needs")
    touch(project)
    audit.record("incubation.project.update", "incubation_project", project.id)


def apply(user, project: Project, track_id, motivation: str) -> None:
    if not is_holder(user, project):
        raise PermissionDenied("incubation.apply")
    if user.email_confirmed_at is None:
        raise DomainError(_("Confirm your e-mail address before applying (see the link we sent you)."))
    if project.status not in ("draft", "needs_info"):
        raise Conflict(_("This application is already under review or decided."))
    track = db.session.get(Track, track_id) if valid_id(track_id) else None
    if track is None or not track.active:
        raise DomainError(_("Unknown track."), "track_id")
    project.motivation = _text(motivation, "motivation", required=True)
    project.track_id, project.status, project.applied_at = track.id, "submitted", utcnow()
    touch(project)
    audit.record("incubation.apply", "incubation_project", project.id, track=track.id)


def review(user, project: Project, decision: str, note: str) -> None:
    """Accept (the project starts the track's first stage), refuse with a reason, or ask for more."""
    check(user, MANAGE)
    if decision not in ("accept", "refuse", "more"):
        raise DomainError(_("Unknown decision."), "decision")
    if project.status != "submitted":
        raise Conflict(_("Only a submitted application can be reviewed."))
    note = _text(note, "note", required=decision != "accept")
    project.review_note = note
    if decision == "accept":
        if not project.track.stages:
            raise DomainError(_("This track has no stage yet."), "decision")
        project.status, project.accepted_at = "accepted", utcnow()
        open_stage(project, project.track.stages[0], today())
    else:
        project.status = "refused" if decision == "refuse" else "needs_info"
    touch(project)
    audit.record("incubation.review", "incubation_project", project.id, decision=decision)
    for holder in holders_of(project):
        mail.send("incubation/mail/application_reviewed.txt", holder, project=project, decision=decision)


def assign_coach(user, project: Project, coach_id) -> Coach:
    check(user, MANAGE)
    coach = db.session.get(User, coach_id) if valid_id(coach_id) else None
    if coach is None or not coach.active:
        raise DomainError(_("Unknown user."), "user_id")
    if is_holder(coach, project):
        raise DomainError(_("A holder of the project cannot coach it."), "user_id")
    if db.session.scalar(db.select(Coach.id).filter_by(project_id=project.id, user_id=coach.id)):
        raise Conflict(_("This person already coaches the project."), "user_id")
    row = Coach(project_id=project.id, user_id=coach.id)
    db.session.add(row)
    db.session.flush()
    audit.record("incubation.coach.assign", "incubation_project", project.id, coach=coach.id)
    return row


def remove_coach(user, project: Project, coach_id: int) -> None:
    check(user, MANAGE)
    row = (
        db.session.scalar(db.select(Coach).filter_by(project_id=project.id, user_id=coach_id))
        if valid_id(coach_id)
        else None
    )
    if row is None:
        raise NotFound(_("Unknown coach."))
    db.session.delete(row)
    audit.record("incubation.coach.remove", "incubation_project", project.id, coach=coach_id)


def journal(user, project: Project):
    if not can_mentor(user, project):
        raise NotFound(_("Unknown project."))
    return (
        db.select(JournalEntry)
        .where(JournalEntry.project_id == project.id)
        .order_by(JournalEntry.written_on.desc(), JournalEntry.id.desc())
    )


def write_journal(user, project: Project, body: str, written_on: date | None) -> JournalEntry:
    if not can_mentor(user, project):
        raise NotFound(_("Unknown project."))
    written_on = written_on or today()
    if written_on > today():
        raise DomainError(_("The date cannot be in the future."), "written_on")
    check_horizon(written_on, JOURNAL_YEARS, "written_on")
    entry = JournalEntry(
        project_id=project.id, author_id=user.id, written_on=written_on, body=_text(body, "body", required=True)
    )
    db.session.add(entry)
    touch(project)
    db.session.flush()
    audit.record("incubation.journal.write", "incubation_project", project.id, entry=entry.id)
    return entry
