"""Training rows of a unit: a course and a trainer, two sessions at the unit given by the shared
trainer (the home employee enrolled in one, waiting for the other), a past session attended by
home employees (certificates, yearly report), the unit's manager waiting for the shared
session, and interest from the unit and from home."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from core.clock import from_local, today
from core.extensions import db
from modules.training.services import attendance, catalogue, enrolment, feedback

PAST = 2  # days back of the attended sessions: their half-days count in that year's report


def session(net, trainer, course, host, first_day, seats: int, minimum: int = 1):
    """A session of two half-days on ``first_day``, decided (go/no-go) the day before."""
    slots = _slots(first_day)
    return catalogue.create_session(
        net.admin,
        catalogue.SessionData(
            course_id=course.id,
            trainer_id=trainer.id,
            host_organization_id=host.id,
            payee_organization_id=net.network.id,
            address=host.address or host.name,
            seats=seats,
            min_participants=minimum,
            go_no_go_at=slots[0][0] - timedelta(days=1),
            slots=slots,
        ),
    )


def prepare(net):
    """The shared trainer, and a shared session whose one seat is home's: every unit waits for it."""
    trainer = catalogue.save_trainer(
        net.admin,
        name="Formatrice nationale",
        user_id=net.trainer.id,
        organization_id=net.national.id,
        daily_fee=Decimal("900"),
    )
    course = catalogue.save_course(net.admin, title="Formation réseau", duration_hours=Decimal("7"))
    shared = session(net, trainer, course, net.home, today() + timedelta(days=20), 1)
    enrolment.enrol(net.admin, shared.id, net.home.id, net.staff.name, net.staff.email)
    return SimpleNamespace(trainer=trainer, session=shared, report_year=(today() - timedelta(days=PAST)).year)


def _slots(first_day) -> list[tuple[datetime, datetime]]:
    return [
        (from_local(datetime.combine(first_day, time(9))), from_local(datetime.combine(first_day, time(12)))),
        (from_local(datetime.combine(first_day, time(13))), from_local(datetime.combine(first_day, time(17)))),
    ]


def _attended(net, trainer, course, unit) -> None:
    """A session of the past (created ahead, then moved back) attended by home employees."""
    past = session(net, trainer, course, unit.org, today() + timedelta(days=3), 2)
    people = [
        enrolment.enrol(net.admin, past.id, net.home.id, name, email)
        for name, email in (
            (net.staff.name, net.staff.email),
            (f"Employé {unit.index}", f"employe{unit.index}@builders.example"),
        )
    ]
    shift = timedelta(days=3 + PAST)
    for slot in past.slots:
        slot.starts_at, slot.ends_at = slot.starts_at - shift, slot.ends_at - shift
    past.go_no_go_at, past.starts_at, past.ends_at = (
        past.go_no_go_at - shift,
        past.starts_at - shift,
        past.ends_at - shift,
    )
    db.session.flush()
    enrolment.apply_deadlines(past)
    for slot in past.slots:
        attendance.record_attendance(net.admin, slot.id, {person.id: True for person in people})
    attendance.issue_certificates(net.admin, past.id)


def add(net, unit) -> None:
    own, i = net.modules["training"], unit.index
    course = catalogue.save_course(net.admin, title=f"Formation {i}", duration_hours=Decimal("7"))
    catalogue.save_trainer(net.admin, name=f"Formateur {i}", organization_id=unit.org.id, internal=True)
    open_session = session(net, own.trainer, course, unit.org, today() + timedelta(days=3 + i), 2)
    full_session = session(net, own.trainer, course, unit.org, today() + timedelta(days=30 + i), 1)
    home = (net.home.id, net.staff.name, net.staff.email)
    colleague = (unit.org.id, f"Salarié {i}", f"salarie{i}@builders.example")
    # the home employee has a seat in the first session and waits behind the colleague for the second
    for target, people in ((open_session, [home, colleague]), (full_session, [colleague, home])):
        for org_id, name, email in people:
            enrolment.enrol(net.admin, target.id, org_id, name, email)
    enrolment.enrol(unit.manager, own.session.id, unit.org.id, unit.manager.name, unit.manager.email)
    _attended(net, own.trainer, course, unit)
    feedback.register_interest(unit.manager, course.id, unit.org.id, 2, [3, 9], "Tours")
    feedback.register_interest(net.manager, course.id, net.home.id, 1, [4], "Tours")
