"""Issue 17: out-of-range ids, the planning horizon, clock changes, huge numbers, and the money
printed on the cost split against the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core import ledger
from core.clock import today
from core.errors import DomainError
from core.extensions import db
from modules.training.models import CONFIRMED, Attendance, TrainingSession
from modules.training.services import catalogue
from modules.training.services.enrolment import apply_deadlines, cancel_enrolment, enrol
from modules.training.services.split import current_split
from tests.training.conftest import half_days, shift_to_past
from tests.training.test_views import _session_form

HUGE = 2**64


def test_an_id_past_the_database_range_is_absent_for_every_method(client, world, api_token):
    headers = api_token(world.managers[0])
    url = f"/api/v1/training/sessions/{HUGE}/enrolments"
    body = {"organization_id": world.orgs[0].id, "name": "A", "email": "a@test.example"}
    posted = client.post(url, json=body, headers=headers)
    assert posted.status_code == 404 and posted.mimetype == "application/problem+json"
    assert client.get(url, headers=headers).status_code == 404


def _sessions() -> int:
    return db.session.scalar(db.select(db.func.count(TrainingSession.id)))


@pytest.mark.parametrize(
    "field, value",
    [
        ("slots", "9999-01-10 09:00-12:30"),
        ("slots", "2027-06-10 09:00-12:30\n9999-01-10 09:00-12:30"),
        ("go_no_go_at", "9999-01-01T10:00"),
        ("go_no_go_at", "1999-12-31T10:00"),
    ],
)
def test_dates_beyond_the_planning_horizon_are_refused(client, login_as, world, field, value):
    login_as(world.coordinator)
    response = client.post("/training/sessions/new", data=_session_form(world, **{field: value}))
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert _sessions() == 0


def test_the_service_refuses_a_half_day_in_year_9999(world):
    slots = half_days(10, 1)
    far = [(start.replace(year=9999), end.replace(year=9999)) for start, end in slots]
    data = catalogue.SessionData(
        course_id=world.course.id,
        trainer_id=world.trainer.id,
        host_organization_id=world.orgs[0].id,
        payee_organization_id=world.network.id,
        address="1 rue A",
        seats=5,
        min_participants=1,
        go_no_go_at=slots[0][0],
        slots=far,
    )
    with pytest.raises(DomainError) as refused:
        catalogue.create_session(world.coordinator, data)
    assert refused.value.field == "slots"


def _next_clock_change(month: int) -> date:
    """The next last Sunday of March (clocks go forward) or October (they go back) in Paris."""
    for year in (today().year, today().year + 1):
        last = date(year, month, 31)
        change = last - timedelta(days=(last.weekday() + 1) % 7)
        if change > today() + timedelta(days=1):
            return change
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "field, month, layout",
    [
        ("slots", 3, "{d:%Y-%m-%d} 02:30-05:00"),  # the spring gap: 02:00-03:00 never happens
        ("slots", 10, "{d:%d/%m/%Y} 02h30-05h00"),  # the autumn fold: 02:30 happens twice
        ("go_no_go_at", 3, "{d:%Y-%m-%d}T02:30"),
        ("go_no_go_at", 10, "{d:%Y-%m-%d}T02:30"),
    ],
)
def test_paris_times_that_do_not_exist_or_happen_twice_are_refused(client, login_as, world, field, month, layout):
    day = _next_clock_change(month)
    login_as(world.coordinator)
    data = _session_form(world, **{field: layout.format(d=day)})
    if field == "go_no_go_at":
        data["slots"] = f"{day + timedelta(days=3):%Y-%m-%d} 09:00-12:30"
    response = client.post("/training/sessions/new", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in text and f"{day:%d/%m/%Y} 02:30" in text
    assert _sessions() == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("seats", str(HUGE)),
        ("min_participants", str(HUGE)),
        ("cap_per_org", str(HUGE)),
        ("offer_hours", str(-HUGE)),
        ("trainer_fee", "NaN"),
        ("trainer_fee", "1e30"),
        ("costs", "Infinity"),
        ("fixed_price", "-1e400"),
    ],
)
def test_huge_numbers_in_the_session_form_get_a_message(client, login_as, world, field, value):
    login_as(world.coordinator)
    response = client.post("/training/sessions/new", data=_session_form(world, **{field: value}))
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert _sessions() == 0


@pytest.mark.parametrize(
    "path, field, data",
    [
        ("/training/courses/new", "duration_hours", {"title": "T", "duration_hours": "NaN"}),
        ("/training/courses/new", "duration_hours", {"title": "T", "duration_hours": str(HUGE)}),
        ("/training/trainers/new", "daily_fee", {"name": "T", "daily_fee": "NaN", "travel_costs": "0"}),
        ("/training/trainers/new", "travel_costs", {"name": "T", "daily_fee": "1", "travel_costs": "1e30"}),
    ],
)
def test_huge_numbers_in_the_catalogue_forms_get_a_message(client, login_as, world, path, field, data):
    login_as(world.coordinator)
    response = client.post(path, data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)


def test_huge_numbers_in_member_forms_and_query_strings(client, login_as, world):
    login_as(world.managers[0])
    interest = client.post(
        "/training/interest", data={"course_id": world.course.id, "organization_id": world.orgs[0].id, "people": HUGE}
    )
    assert interest.status_code == 422 and 'id="people-error"' in interest.get_data(as_text=True)
    assert client.get(f"/training/interest?course={HUGE}").status_code == 200
    report = client.get(f"/training/report?organization_id={world.orgs[0].id}&year={HUGE}")
    assert report.status_code == 422 and 'id="year-error"' in report.get_data(as_text=True)
    assert client.get(f"/training/report?organization_id={HUGE}&year=2026").status_code == 422


def test_a_huge_id_on_the_sign_in_sheet_gets_a_message(client, login_as, world, make_session, enrol_many):
    session = make_session(start_in_days=4, go_days_before=1, minimum=1)
    enrol_many(session, 1)
    shift_to_past(session, 4)
    login_as(world.coordinator)
    response = client.post(f"/training/slots/{session.slots[0].id}/attendance", data={f"present-{HUGE}": "1"})
    assert response.status_code == 422 and str(HUGE) in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_a_huge_course_id_in_the_query_string_is_ignored(client, login_as, world):
    login_as(world.coordinator)
    assert client.get(f"/training/sessions/new?course={HUGE}").status_code == 200


def _printed_split_matches_the_ledger(session: TrainingSession) -> list:
    split, final = current_split(session)
    posted = ledger.charges_of(session.ledger_source)
    assert final and sum(s.amount for s in split) == sum(c.amount for c in posted)
    for share in split:
        owed = sum(c.amount for c in posted if c.debtor_id == share.organization.id)
        assert share.amount == owed
    return split


def _confirmed(make_session, enrol_many, **fields) -> TrainingSession:
    session = make_session(seats=4, minimum=2, **fields)
    enrol_many(session, 2, org_index=0)
    enrol_many(session, 1, org_index=1, prefix="other")
    session.go_no_go_at = session.go_no_go_at.replace(year=2020)
    apply_deadlines(db.session.get(TrainingSession, session.id))
    db.session.commit()
    assert session.status == CONFIRMED
    return session


def test_fixed_price_split_after_attendance_changed(world, make_session, enrol_many):
    """A participant leaves after the decision (still charged), a late one comes (charged on
    arrival): each printed line is participants x price, and the total is what the ledger holds."""
    session = _confirmed(make_session, enrol_many, price_model="fixed", fixed_price=Decimal("85.50"))
    leaving = db.session.scalars(session_enrolments(session.id)).first()
    cancel_enrolment(world.coordinator, leaving.id)
    enrol(world.coordinator, session.id, world.orgs[2].id, "Late", "late@test.example")
    db.session.commit()
    split = _printed_split_matches_the_ledger(session)
    assert {s.organization.id: s.participants for s in split} == {
        o.id: 2 if i == 0 else 1 for i, o in enumerate(world.orgs[:3])
    }
    for share in split:
        assert share.amount == share.participants * session.fixed_price


def test_pro_rata_split_after_attendance_changed(client, login_as, world, make_session, enrol_many):
    session = _confirmed(make_session, enrol_many, costs=Decimal("100.01"))
    leaving = db.session.scalars(session_enrolments(session.id)).first()
    cancel_enrolment(world.coordinator, leaving.id)
    enrol(world.coordinator, session.id, world.orgs[2].id, "Late", "late@test.example")  # the split is final
    db.session.commit()
    split = _printed_split_matches_the_ledger(session)
    assert [s.participants for s in split] == [2, 1]  # the seats the fee was split over
    assert sum(s.amount for s in split) == session.trainer_fee + session.costs
    login_as(world.coordinator)
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    total = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert ">3<" in total and "1\u202f200,01" in total.replace("\xa0", "\u202f")


def session_enrolments(session_id: int):
    from modules.training.models import Enrolment

    return db.select(Enrolment).where(Enrolment.session_id == session_id).order_by(Enrolment.id)
