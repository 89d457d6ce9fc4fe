"""Interest and demand, reminders, the organization's report, the observatory figure, the demo."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.accounts.permissions import PermissionDenied
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from core.mail import OutgoingMail
from modules.training.services import attendance, feedback
from tests.training.conftest import shift_to_past


def _templates():
    return [m.template.rsplit("/", 1)[1] for m in db.session.scalars(db.select(OutgoingMail).order_by(OutgoingMail.id))]


def test_interest_demand_and_announcement(world, make_session):
    feedback.register_interest(world.managers[0], world.course.id, world.orgs[0].id, 3, [3, 4], "Tours")
    feedback.register_interest(world.managers[1], world.course.id, world.orgs[1].id, 2, [4], "Blois")
    feedback.register_interest(world.managers[0], world.course.id, world.orgs[0].id, 4, [4], "Tours")  # updated
    db.session.commit()
    (item,) = feedback.demand()
    assert (item.people, item.months, sorted(item.organizations)) == (6, {4: 6}, ["Ressourcerie A", "Ressourcerie B"])
    with pytest.raises(PermissionDenied):
        feedback.register_interest(world.managers[0], world.course.id, world.orgs[1].id, 1, [])
    with pytest.raises(DomainError):
        feedback.register_interest(world.managers[0], world.course.id, world.orgs[0].id, 0, [])
    with pytest.raises(DomainError):
        feedback.register_interest(world.managers[0], world.course.id, world.orgs[0].id, 1, [13])
    db.session.rollback()
    make_session()
    opened = db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.template.like("%session_open%"))).all()
    assert sorted(m.to_address for m in opened) == ["manager0@test.example", "manager1@test.example"]


def test_interest_page_and_demand_page(client, login_as, world):
    login_as(world.managers[0])
    response = client.post(
        "/training/interest",
        data={
            "course_id": world.course.id,
            "organization_id": world.orgs[0].id,
            "people": "2",
            "months": ["5", "6"],
            "places": "Tours",
        },
    )
    assert response.status_code == 302
    client.post("/logout")
    login_as(world.coordinator)
    page = client.get("/training/demand").get_data(as_text=True)
    assert "Ressourcerie A" in page and "Tours" in page


def test_reminders_before_the_session_once(world, make_session, enrol_many):
    from modules.training import jobs

    session = make_session(start_in_days=2, go_days_before=0.5)
    enrol_many(session, 2)
    session.go_no_go_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    jobs.apply_deadlines()
    jobs.send_reminders()
    jobs.send_reminders()
    db.session.commit()
    assert _templates().count("reminder.txt") == 2
    assert _templates().count("convocation.txt") == 2


def test_organization_report_and_observatory_hours(client, login_as, world, make_session, enrol_many):
    session = make_session(start_in_days=4, go_days_before=1)
    people = enrol_many(session, 2, org_index=0) + enrol_many(session, 1, org_index=1, prefix="other")
    shift_to_past(session, 7)
    for slot in session.slots:
        attendance.record_attendance(world.coordinator, slot.id, {p.id: p is not people[1] for p in people})
    db.session.commit()
    year = session.starts_at.year
    _header, rows = feedback.organization_report(world.managers[0], world.orgs[0].id, year)
    assert rows == [["person 0", "person0@test.example", year, 2, Decimal("7.00")]]  # person 1 never came
    with pytest.raises(PermissionDenied):
        feedback.organization_report(world.managers[0], world.orgs[1].id, year)
    hours = feedback.hours_per_organization(date(year, 1, 1), date(year + 1, 1, 1))
    assert hours == {world.orgs[0].id: Decimal("7.00"), world.orgs[1].id: Decimal("7.00")}
    login_as(world.managers[0])
    response = client.get(f"/training/report?organization_id={world.orgs[0].id}&year={year}")
    assert (
        response.status_code == 200
        and response.mimetype == "text/csv"
        and "person 0" in response.get_data(as_text=True)
    )
    # another organization is not a choice: the form says so
    assert client.get(f"/training/report?organization_id={world.orgs[1].id}&year={year}").status_code == 422
    assert "person 0" not in client.get(f"/training/report?organization_id={world.orgs[1].id}&year={year}").get_data(
        as_text=True
    )


def test_observatory_indicator_hook(app, world):
    from core.plugins import collect

    indicators = collect(
        "erp_observatory_indicators", start=date(2026, 1, 1), end=date(2027, 1, 1), organization_ids=None
    )
    (hours,) = [i for i in indicators if i.code == "training.hours"]
    assert hours.unit == "h" and hours.values == {}  # nothing attended yet


def test_demo_data_loads(app):
    from core.demo import load_demo
    from modules.training.models import Certificate, TrainingSession

    load_demo()
    statuses = sorted(s.status for s in db.session.scalars(db.select(TrainingSession)))
    assert statuses == ["confirmed", "planned", "planned"]
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 8


def test_report_csv_defuses_a_formula_typed_as_a_name(client, login_as, world, make_session):
    """The export goes through core.spreadsheets: ';', BOM, French decimal comma, formulas made inert."""
    from modules.training.services.enrolment import enrol

    session = make_session(start_in_days=4, go_days_before=1, minimum=1)
    trap = enrol(
        world.coordinator, session.id, world.orgs[0].id, '=HYPERLINK("http://evil.example","x")', "t@test.example"
    )
    db.session.commit()
    shift_to_past(session, 7)
    attendance.record_attendance(world.coordinator, session.slots[0].id, {trap.id: True})
    db.session.commit()
    login_as(world.managers[0])
    response = client.get(f"/training/report?organization_id={world.orgs[0].id}&year={session.starts_at.year}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][3:] == ["1", "3,50"]
