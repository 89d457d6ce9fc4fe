"""/api/v1/training: catalogue, sessions, enrolment, waiting list, cancel/confirm, attendance."""

from __future__ import annotations

from core.extensions import db
from modules.training.models import Attendance
from tests.training.conftest import shift_to_past


def test_catalogue_and_session(client, world, make_session, api_token):
    session = make_session(seats=3)
    headers = api_token(world.staff)
    listing = client.get("/api/v1/training/sessions", headers=headers)
    assert listing.status_code == 200 and listing.json["total"] == 1
    assert listing.json["items"][0]["course_title"] == "Valoriser le textile"
    one = client.get(f"/api/v1/training/sessions/{session.id}", headers=headers).json
    assert one["seats_left"] == 3 and len(one["slots"]) == 2
    assert client.get("/api/v1/training/courses", headers=headers).json["total"] == 1
    assert client.get("/api/v1/training/sessions").status_code == 401
    assert client.get("/api/v1/training/sessions/999", headers=headers).status_code == 404


def test_enrol_waiting_list_cancel_and_confirm(client, world, make_session, api_token):
    session = make_session(seats=1)
    manager = api_token(world.managers[0])
    url = f"/api/v1/training/sessions/{session.id}/enrolments"
    first = client.post(
        url, json={"organization_id": world.orgs[0].id, "name": "A", "email": "a@test.example"}, headers=manager
    )
    second = client.post(
        url, json={"organization_id": world.orgs[0].id, "name": "B", "email": "b@test.example"}, headers=manager
    )
    assert (first.json["status"], second.json["status"], second.json["queue_position"]) == ("enrolled", "waiting", 1)
    queue = client.get(f"/api/v1/training/sessions/{session.id}/waiting-list", headers=manager).json
    assert [e["email"] for e in queue] == ["b@test.example"]
    cancelled = client.post(f"/api/v1/training/enrolments/{first.json['id']}/cancel", headers=manager)
    assert cancelled.json["status"] == "cancelled"
    offered = client.get(f"/api/v1/training/enrolments/{second.json['id']}", headers=manager).json
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    confirmed = client.post(f"/api/v1/training/enrolments/{second.json['id']}/confirm", headers=manager)
    assert confirmed.json["status"] == "enrolled"
    again = client.post(f"/api/v1/training/enrolments/{second.json['id']}/confirm", headers=manager)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_enrol_bad_input_and_other_organizations(client, world, make_session, api_token):
    session = make_session()
    manager = api_token(world.managers[0])
    url = f"/api/v1/training/sessions/{session.id}/enrolments"
    invalid = client.post(url, json={"organization_id": world.orgs[0].id, "name": "", "email": "nope"}, headers=manager)
    assert invalid.status_code == 422 and invalid.mimetype == "application/problem+json"
    assert set(invalid.json["errors"]) == {"name", "email"}
    other = client.post(
        url, json={"organization_id": world.orgs[1].id, "name": "X", "email": "x@test.example"}, headers=manager
    )
    assert other.status_code == 403
    mine = client.post(
        url,
        json={"organization_id": world.orgs[1].id, "name": "Y", "email": "y@test.example"},
        headers=api_token(world.managers[1]),
    )
    hidden = client.get(f"/api/v1/training/enrolments/{mine.json['id']}", headers=manager)
    assert hidden.status_code == 404  # another organization's record
    assert client.get(url, headers=manager).json == []
    # The trainer sees every enrolment of their session but cannot cancel one.
    trainer_cancel = client.post(
        f"/api/v1/training/enrolments/{mine.json['id']}/cancel", headers=api_token(world.trainer_user)
    )
    assert trainer_cancel.status_code == 403


def test_attendance_through_the_api(client, world, make_session, enrol_many, api_token):
    session = make_session(start_in_days=4, go_days_before=1)
    people = enrol_many(session, 2)
    shift_to_past(session, 4)
    url = f"/api/v1/training/slots/{session.slots[0].id}/attendance"
    body = {
        "marks": [{"enrolment_id": people[0].id, "present": True}, {"enrolment_id": people[1].id, "present": False}]
    }
    assert client.put(url, json=body, headers=api_token(world.managers[0])).status_code == 403
    trainer = api_token(world.trainer_user)
    assert client.put(url, json=body, headers=trainer).json == {"marked": 2}
    stranger = client.put(url, json={"marks": [{"enrolment_id": 999, "present": True}]}, headers=trainer)
    assert stranger.status_code == 422 and list(stranger.json["errors"]) == ["presence"]
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 2
