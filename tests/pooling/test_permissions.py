"""Role matrix and record rules: who sees, books, approves and manages what."""

from __future__ import annotations

import pytest

from core.extensions import db
from modules.pooling.models import Booking
from modules.pooling.services import booking as service
from tests.pooling.conftest import at

# page -> roles (keys of the ``net`` fixture) that get 200; everybody else logged in gets 403
PAGES = {
    "/pooling/": {"admin", "owner_manager", "owner_staff", "staff", "manager", "other_staff", "board"},
    "/pooling/equipment": {"admin", "owner_manager", "owner_staff", "staff", "manager", "other_staff", "board"},
    "/pooling/bookings": {"admin", "owner_manager", "owner_staff", "staff", "manager", "other_staff", "board"},
    "/pooling/approvals": {"admin", "owner_manager", "manager"},
    "/pooling/equipment/new": {"admin", "owner_manager", "manager"},
    "/pooling/purchases": {"admin", "owner_manager", "owner_staff", "staff", "manager", "other_staff", "board"},
    "/pooling/purchases/new": {"admin"},
}
ROLES = ["admin", "owner_manager", "owner_staff", "staff", "manager", "other_staff", "board"]


@pytest.mark.parametrize("path", list(PAGES))
def test_role_matrix_of_the_pages(client, login_as, net, path):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    for role in ROLES:
        login_as(getattr(net, role))
        status = client.get(path).status_code
        assert status == (200 if role in PAGES[path] else 403), (role, path, status)
        client.post("/logout")


def test_a_member_sees_and_cancels_only_its_own_bookings(client, login_as, net, make_equipment):
    van = make_equipment()
    [mine] = service.book(net.staff, van.id, at(3), at(3, 12))
    db.session.commit()
    login_as(net.other_staff)
    assert client.get(f"/pooling/bookings/{mine.id}").status_code == 404
    assert client.post(f"/pooling/bookings/{mine.id}/cancel").status_code == 404
    assert client.post(f"/pooling/bookings/{mine.id}/check-out", data={"state": "good"}).status_code == 404
    assert "Camion" not in client.get("/pooling/bookings").get_data(as_text=True)
    client.post("/logout")
    login_as(net.manager)  # same organization as the booker
    assert client.get(f"/pooling/bookings/{mine.id}").status_code == 200
    client.post("/logout")
    login_as(net.owner_staff)  # the owner's staff hand the item over, but cannot cancel
    assert client.get(f"/pooling/bookings/{mine.id}").status_code == 200
    assert client.post(f"/pooling/bookings/{mine.id}/cancel").status_code == 404
    db.session.refresh(mine)
    assert mine.status == "approved"


def test_owners_manage_only_their_items(client, login_as, net, make_equipment):
    van = make_equipment()
    login_as(net.manager)  # manager of another organization
    assert client.get(f"/pooling/equipment/{van.id}/edit").status_code == 404
    assert client.post(f"/pooling/equipment/{van.id}/unavailability", data={}).status_code == 404
    assert client.get(f"/pooling/usage?equipment={van.id}").status_code == 404
    client.post("/logout")
    login_as(net.owner_manager)
    assert client.get(f"/pooling/equipment/{van.id}/edit").status_code == 200


def test_api_role_matrix_and_tampered_ids(client, net, make_equipment, api_token):
    van = make_equipment(approval_required=True)
    [request] = service.book(net.staff, van.id, at(3), at(3, 12))
    db.session.commit()
    assert client.get("/api/v1/pooling/equipment").status_code == 401
    staff, other, owner = api_token(net.staff), api_token(net.other_staff), api_token(net.owner_manager)
    assert client.get("/api/v1/pooling/equipment", headers=other).json["total"] == 1
    assert client.get(f"/api/v1/pooling/bookings/{request.id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/pooling/bookings/{request.id}/cancel", headers=other).status_code == 404
    assert client.post(f"/api/v1/pooling/bookings/{request.id}/approve", headers=staff).status_code == 403
    assert client.get("/api/v1/pooling/bookings", headers=other).json["total"] == 0
    assert client.get("/api/v1/pooling/bookings", headers=owner).json["total"] == 1
    approved = client.post(f"/api/v1/pooling/bookings/{request.id}/approve", headers=owner)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert db.session.get(Booking, request.id).status == "approved"


def test_board_member_cannot_book(client, net, make_equipment, api_token):
    van = make_equipment()
    response = client.post(
        "/api/v1/pooling/bookings",
        headers=api_token(net.board),
        json={"equipment_id": van.id, "start": at(3).isoformat(), "end": at(3, 12).isoformat()},
    )
    assert response.status_code == 403
