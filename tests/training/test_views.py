"""The pages as people use them: role matrix, forms with bad input, lists with bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import local
from core.db import utcnow
from core.extensions import db
from modules.training.models import ENROLLED, WAITING, Enrolment, TrainingSession


def _session_form(world, **overrides):
    start = local(utcnow() + timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "course_id": world.course.id,
        "trainer_id": world.trainer.id,
        "host_organization_id": world.orgs[0].id,
        "payee_organization_id": world.network.id,
        "address": "1 rue A, Tours",
        "slots": f"{start:%Y-%m-%d} 09:00-12:30\n{start:%d/%m/%Y} 13h30-17h00",
        "seats": "12",
        "min_participants": "6",
        "cap_per_org": "3",
        "go_no_go_at": f"{start - timedelta(days=7):%Y-%m-%dT%H:%M}",
        "price_model": "split",
        "trainer_fee": "",
        "costs": "150",
        "fixed_price": "",
        "offer_hours": "48",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "who, path, expected",
    [
        ("anonymous", "/training/", 302),
        ("staff", "/training/", 200),
        ("manager", "/training/", 200),
        ("trainer", "/training/", 200),
        ("coordinator", "/training/", 200),
        ("staff", "/training/sessions/new", 403),
        ("manager", "/training/sessions/new", 403),
        ("trainer", "/training/sessions/new", 403),
        ("coordinator", "/training/sessions/new", 200),
        ("manager", "/training/demand", 403),
        ("coordinator", "/training/demand", 200),
        ("manager", "/training/courses", 403),
        ("coordinator", "/training/courses", 200),
        ("staff", "/training/interest", 403),
        ("manager", "/training/interest", 200),
        ("staff", "/training/report", 403),
        ("manager", "/training/report", 200),
        ("staff", "/training/history", 200),
        ("anonymous", "/training/verify", 200),
    ],
)
def test_role_matrix(client, login_as, world, who, path, expected):
    users = {
        "staff": world.staff,
        "manager": world.managers[0],
        "trainer": world.trainer_user,
        "coordinator": world.coordinator,
    }
    if who != "anonymous":
        login_as(users[who])
    assert client.get(path).status_code == expected


def test_session_pages_per_role(client, login_as, world, make_session, enrol_many):
    session = make_session(seats=2)
    enrol_many(session, 1, org_index=0, prefix="mine")
    enrol_many(session, 2, org_index=1, prefix="theirs")
    slot_id = session.slots[0].id
    login_as(world.managers[0])
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert "mine 0" in page and "theirs 0" not in page  # record rule: own organization only
    assert client.get(f"/training/slots/{slot_id}/attendance").status_code == 403
    assert client.get(f"/training/sessions/{session.id}/sign-in-sheet.pdf").status_code == 403
    assert client.get("/training/sessions/9999").status_code == 404
    client.post("/logout")
    login_as(world.trainer_user)
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert "mine 0" in page and "theirs 0" in page
    assert client.get(f"/training/slots/{slot_id}/attendance").status_code == 200
    sheet = client.get(f"/training/sessions/{session.id}/sign-in-sheet.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")


def test_coordinator_creates_a_session_from_the_form(client, login_as, world):
    login_as(world.coordinator)
    response = client.post("/training/sessions/new", data=_session_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.session.scalars(db.select(TrainingSession)).one()
    assert len(session.slots) == 2 and session.cap_per_org == 3
    assert local(session.slots[1].starts_at).strftime("%H:%M") == "13:30"
    assert str(session.trainer_fee) == "1100.00"  # 900 per day + 200 travel


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("min_participants", "20", "ne peut pas dépasser le nombre de places"),
        ("slots", "2027-01-10 09:00-12:30\n2027-01-10 11:00-13:00", "se chevauchent"),
        ("slots", "tomorrow morning", "Ligne 1"),
        ("slots", "2031-02-30 09:00-12:00", "existe pas"),
        ("slots", "2020-01-10 09:00-12:30", "dans le futur"),
        ("go_no_go_at", "2028-01-01T10:00", "précéder la première demi-journée"),
        ("seats", "0", ""),
    ],
)
def test_session_form_bad_input_is_shown_on_the_field_and_nothing_is_written(
    client, login_as, world, field, value, message
):
    login_as(world.coordinator)
    response = client.post("/training/sessions/new", data=_session_form(world, **{field: value}))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in text and message in text
    assert value.split("\n")[0] in text  # input kept
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 0


def test_manager_enrols_from_the_page_and_sees_errors_on_fields(client, login_as, world, make_session):
    session = make_session(seats=1)
    login_as(world.managers[0])
    url = f"/training/sessions/{session.id}/enrol"
    ok = client.post(url, data={"organization_id": world.orgs[0].id, "name": "Lucie", "email": "lucie@test.example"})
    assert ok.status_code == 302
    again = client.post(url, data={"organization_id": world.orgs[0].id, "name": "Lucie", "email": "LUCIE@test.example"})
    assert again.status_code == 422 and 'id="email-error"' in again.get_data(as_text=True)
    bad = client.post(url, data={"organization_id": world.orgs[0].id, "name": "", "email": "nope"})
    assert bad.status_code == 422 and 'id="name-error"' in bad.get_data(as_text=True)
    other_org = client.post(url, data={"organization_id": world.orgs[1].id, "name": "X", "email": "x@test.example"})
    assert other_org.status_code == 422
    queued = client.post(url, data={"organization_id": world.orgs[0].id, "name": "Paul", "email": "paul@test.example"})
    assert queued.status_code == 302
    statuses = [e.status for e in db.session.scalars(db.select(Enrolment).order_by(Enrolment.id))]
    assert statuses == [ENROLLED, WAITING]


def test_staff_cancels_their_own_enrolment(client, login_as, world, make_session):
    from modules.training.services.enrolment import enrol

    session = make_session()
    mine = enrol(world.managers[0], session.id, world.orgs[0].id, "Staff A", world.staff.email)
    db.session.commit()
    login_as(world.staff)
    assert "Staff A" in client.get("/training/history").get_data(as_text=True)
    assert client.post(f"/training/enrolments/{mine.id}/cancel").status_code == 302
    db.session.refresh(mine)
    assert mine.status == "cancelled"


def test_catalogue_queries_do_not_grow_with_rows(client, login_as, world, make_session, enrol_many, query_counter):
    login_as(world.managers[0])

    def count():
        with query_counter() as q:
            assert client.get("/training/").status_code == 200
        return q.count

    for _ in range(2):
        enrol_many(make_session(), 1, prefix=f"p{utcnow().timestamp()}")
    few = count()
    for _ in range(18):
        make_session()
    assert count() == few


def test_attendance_page_saves_marks(client, login_as, world, make_session, enrol_many):
    from tests.training.conftest import shift_to_past

    session = make_session(start_in_days=4, go_days_before=1)
    people = enrol_many(session, 2)
    shift_to_past(session, 4)  # the first half-day is under way
    slot_id = session.slots[0].id
    login_as(world.trainer_user)
    form = {f"present-{people[0].id}": "1", f"present-{people[1].id}": "0"}
    assert client.post(f"/training/slots/{slot_id}/attendance", data=form).status_code == 302
    page = client.get(f"/training/slots/{slot_id}/attendance").get_data(as_text=True)
    assert page.count("checked") == 2
    stranger = client.post(f"/training/slots/{slot_id}/attendance", data={"present-9999": "1"})
    assert stranger.status_code == 422


def test_dashboard_widgets_and_calendar(client, login_as, world, make_session, enrol_many):
    session = make_session(start_in_days=5, go_days_before=2)
    enrol_many(session, 1, org_index=0)
    login_as(world.coordinator)
    assert "Valoriser le textile" in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    login_as(world.managers[0])
    month = local(session.starts_at).strftime("%Y-%m")
    assert "Valoriser le textile" in client.get(f"/calendar?month={month}").get_data(as_text=True)
    client.post("/logout")
    login_as(world.staff)
    assert "Valoriser le textile" not in client.get(f"/calendar?month={month}").get_data(as_text=True)


def test_coordinator_edits_a_planned_session(client, login_as, world, make_session, enrol_many):
    session = make_session(seats=3)
    enrol_many(session, 3, org_index=None)
    enrol_many(session, 1, org_index=0, prefix="queued")
    login_as(world.coordinator)
    page = client.get(f"/training/sessions/{session.id}/edit").get_data(as_text=True)
    assert local(session.slots[0].starts_at).strftime("%Y-%m-%d %H:%M") in page
    data = _session_form(world, seats="2", min_participants="2", cap_per_org="")
    refused = client.post(f"/training/sessions/{session.id}/edit", data=data)
    assert refused.status_code == 422 and 'id="seats-error"' in refused.get_data(as_text=True)
    data["seats"] = "5"
    assert client.post(f"/training/sessions/{session.id}/edit", data=data).status_code == 302
    db.session.refresh(session)
    assert session.seats == 5 and len(session.slots) == 2
    queued = db.session.scalar(db.select(Enrolment).where(Enrolment.email == "queued0@test.example"))
    assert queued.status == "offered"  # the new seats go to the waiting list first


def test_session_page_queries_do_not_grow_with_enrolments(
    client, login_as, world, make_session, enrol_many, query_counter
):
    session = make_session(seats=30)
    login_as(world.coordinator)

    def count():
        with query_counter() as q:
            assert client.get(f"/training/sessions/{session.id}").status_code == 200
        return q.count

    enrol_many(session, 2, org_index=None, prefix="first")
    few = count()
    enrol_many(session, 18, org_index=None, prefix="more")
    assert count() == few


def test_calendar_gives_only_the_earliest_half_days_asked_for(world, make_session):
    from modules.training.services.calendar import events_for

    make_session(start_in_days=20)
    sooner = make_session(start_in_days=10, slots=3)
    window = (utcnow(), utcnow() + timedelta(days=60))
    every = events_for(world.coordinator, *window)
    assert len(every) == 5 and [e.start for e in every] == sorted(e.start for e in every)
    first_two = events_for(world.coordinator, *window, limit=2)
    assert first_two == every[:2] and {e.url for e in first_two} == {f"/training/sessions/{sooner.id}"}
