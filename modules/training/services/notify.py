"""The messages of the module, each rendered in its recipient's language (core.mail)."""

from __future__ import annotations

from core import mail
from core.accounts.directory import managers_of
from core.calendar import to_ics
from core.db import utcnow
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for, public_url
from modules.training.models import Enrolment, Interest, TrainingSession

T = "training/mail/"


def _participant(enrolment: Enrolment):
    return enrolment.user or enrolment.email


def _with_managers(enrolment: Enrolment) -> list:
    recipients, seen = [], set()
    for person in [_participant(enrolment), *managers_of(enrolment.organization_id)]:
        address = getattr(person, "email", person)
        if address not in seen:
            seen.add(address)
            recipients.append(person)
    return recipients


def session_events(session: TrainingSession) -> list[CalendarEvent]:
    title = session.course.title
    return [
        CalendarEvent(
            f"training-slot-{slot.id}",
            title,
            slot.starts_at,
            slot.ends_at,
            "training",
            url=path_for("training.session_detail", session_id=session.id),
            location=session.address,
            description=session.trainer.name,
        )
        for slot in session.slots
    ]


def session_ics(session: TrainingSession) -> str:
    from flask import current_app

    return to_ics(session_events(session), session.course.title, current_app.config["PUBLIC_URL"]).decode()


def _send(template: str, recipients: list, **context) -> None:
    for person in recipients:
        mail.send(T + template, person, **context)


def _link(session: TrainingSession) -> str:
    return public_url("training.session_detail", session_id=session.id)


def enrolled(enrolment: Enrolment) -> None:
    _send(
        "enrolled.txt",
        [_participant(enrolment)],
        enrolment=enrolment,
        session=enrolment.session,
        link=_link(enrolment.session),
    )


def waiting(enrolment: Enrolment, position: int) -> None:
    _send(
        "waiting.txt",
        [_participant(enrolment)],
        enrolment=enrolment,
        session=enrolment.session,
        position=position,
        link=_link(enrolment.session),
    )


def offered(enrolment: Enrolment) -> None:
    _send(
        "offered.txt",
        _with_managers(enrolment),
        enrolment=enrolment,
        session=enrolment.session,
        link=_link(enrolment.session),
    )


def offer_expired(enrolment: Enrolment) -> None:
    _send("offer_expired.txt", _with_managers(enrolment), enrolment=enrolment, session=enrolment.session)


def cancelled(enrolment: Enrolment) -> None:
    _send("cancelled.txt", [_participant(enrolment)], enrolment=enrolment, session=enrolment.session)


def session_cancelled(session: TrainingSession, people: list[Enrolment], reason: str) -> None:
    seen: set[str] = set()
    for enrolment in people:
        for person in _with_managers(enrolment):
            address = getattr(person, "email", person)
            if address in seen:
                continue
            seen.add(address)
            mail.send(T + "session_cancelled.txt", person, session=session, reason=reason)


def convocation(enrolment: Enrolment) -> None:
    session = enrolment.session
    mail.send(
        T + "convocation.txt",
        _participant(enrolment),
        ics=session_ics(session),
        enrolment=enrolment,
        session=session,
        link=_link(session),
    )
    enrolment.convocation_sent_at = utcnow()


def reminder(enrolment: Enrolment) -> None:
    session = enrolment.session
    mail.send(
        T + "reminder.txt",
        _participant(enrolment),
        ics=session_ics(session),
        enrolment=enrolment,
        session=session,
        link=_link(session),
    )
    enrolment.reminder_sent_at = utcnow()


def survey(enrolment: Enrolment) -> None:
    mail.send(
        T + "survey.txt",
        _participant(enrolment),
        enrolment=enrolment,
        session=enrolment.session,
        link=public_url("training.survey", token=enrolment.survey_token),
    )
    enrolment.survey_sent_at = utcnow()


def certificate(enrolment: Enrolment, code: str) -> None:
    mail.send(
        T + "certificate.txt",
        _participant(enrolment),
        enrolment=enrolment,
        session=enrolment.session,
        link=public_url("training.certificate_pdf", code=code),
        verify=public_url("training.verify", code=code),
    )


def announce_session(session: TrainingSession) -> None:
    """Organizations that registered interest in the course hear that a session opens."""
    interests = db.session.scalars(db.select(Interest).where(Interest.course_id == session.course_id))
    seen: set[int] = set()
    for interest in interests:
        for manager in managers_of(interest.organization_id):
            if manager.id not in seen:
                seen.add(manager.id)
                mail.send(T + "session_open.txt", manager, session=session, interest=interest, link=_link(session))
