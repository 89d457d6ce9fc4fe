"""The /api/v1/pooling endpoints: search, availability, book, cancel; purchases; problem+json."""

from __future__ import annotations

from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from modules.pooling.models import Booking, Pledge
from tests.pooling.conftest import at

EN = {"Accept-Language": "en"}


def test_search_availability_book_and_cancel(client, net, make_equipment, api_token):
    van = make_equipment(units=2)
    headers = {**api_token(net.staff), **EN}
    found = client.get(
        "/api/v1/pooling/equipment/search",
        headers=headers,
        query_string={"start": at(3, 9).isoformat(), "end": at(3, 17).isoformat()},
    )
    assert found.status_code == 200 and found.json[0]["free_units"] == 2 and found.json[0]["bookable"]
    booked = client.post(
        "/api/v1/pooling/bookings",
        headers=headers,
        json={"equipment_id": van.id, "start": at(3, 9).isoformat(), "end": at(3, 17).isoformat(), "quantity": 2},
    )
    assert booked.status_code == 201 and len(booked.json) == 2
    days = client.get(
        f"/api/v1/pooling/equipment/{van.id}/availability",
        headers=headers,
        query_string={"first_day": (at(3).date()).isoformat(), "days": 2},
    ).json
    assert days[0]["free_units"] == 0 and days[1]["free_units"] == 2
    cancelled = client.post(f"/api/v1/pooling/bookings/{booked.json[0]['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"


def test_bad_input_is_problem_json_and_writes_nothing(client, net, make_equipment, api_token):
    van = make_equipment()
    headers = {**api_token(net.staff), **EN}
    cases = [
        ({"equipment_id": van.id, "start": at(3, 12).isoformat(), "end": at(3, 9).isoformat()}, 422, "end"),
        ({"equipment_id": van.id, "start": at(-2).isoformat(), "end": at(-1).isoformat()}, 422, "start"),
        ({"equipment_id": 999_999, "start": at(3).isoformat(), "end": at(3, 12).isoformat()}, 404, None),
        ({"equipment_id": van.id, "start": "next tuesday", "end": at(3, 12).isoformat()}, 422, "start"),
        (
            {
                "equipment_id": van.id,
                "start": at(3).isoformat(),
                "end": at(3, 12).isoformat(),
                "organization_id": net.other.id,
            },
            404,
            "organization_id",
        ),
    ]
    for payload, status, field in cases:
        response = client.post("/api/v1/pooling/bookings", headers=headers, json=payload)
        assert response.status_code == status, (payload, response.json)
        assert response.mimetype == "application/problem+json"
        if field:
            assert field in response.json.get("errors", {}), response.json
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0


def test_openapi_documents_the_pooling_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/pooling/equipment/search",
        "/api/v1/pooling/bookings",
        "/api/v1/pooling/bookings/{booking_id}/approve",
        "/api/v1/pooling/purchases/campaigns/{campaign_id}/pledges",
    ):
        assert path in paths


def test_purchase_api_create_pledge_and_figures(client, net, api_token):
    admin = {**api_token(net.admin), **EN}
    payload = {
        "organization_id": net.owner.id,
        "title": "Labels",
        "supplier_name": "Pesage Loire",
        "opens_at": (utcnow() - timedelta(hours=1)).isoformat(),
        "deadline": (utcnow() + timedelta(days=3)).isoformat(),
        "site_ids": [net.owner.id],
        "products": [
            {
                "reference": "ETQ",
                "name": "Label rolls",
                "pack_size": 6,
                "vat_rate": "20",
                "tiers": [
                    {"min_quantity": 1, "max_quantity": 59, "unit_price": "7.50"},
                    {"min_quantity": 70, "unit_price": "6.20"},
                ],
            }
        ],
    }
    gap = client.post("/api/v1/pooling/purchases/campaigns", headers=admin, json=payload)
    assert gap.status_code == 422 and "gap" in gap.json["detail"]
    payload["products"][0]["tiers"][1]["min_quantity"] = 60
    created = client.post("/api/v1/pooling/purchases/campaigns", headers=admin, json=payload)
    assert created.status_code == 201, created.json
    campaign_id, product_id = created.json["id"], created.json["products"][0]["id"]
    staff = {**api_token(net.staff), **EN}
    url = f"/api/v1/pooling/purchases/campaigns/{campaign_id}/pledges"
    assert client.post(url, headers=staff, json={"product_id": product_id, "quantity": 7}).status_code == 422
    assert client.post(url, headers=staff, json={"product_id": product_id, "quantity": 1.5}).status_code == 422
    assert client.post(url, headers=staff, json={"product_id": 999_999, "quantity": 6}).status_code == 422
    pledged = client.post(url, headers=staff, json={"product_id": product_id, "quantity": 54})
    assert pledged.status_code == 200
    figures = pledged.json["products"][0]
    assert (figures["network_total"], figures["units_to_next_tier"], figures["next_tier_price"]) == (54, 6, "6.20")
    assert pledged.json["estimated_share"] == "486.00"
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 1
    assert client.post("/api/v1/pooling/purchases/campaigns", headers=staff, json=payload).status_code == 403
