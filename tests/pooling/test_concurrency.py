"""The no-overlap invariant under real concurrent HTTP clients (threads against a live server).

Run on SQLite (serialized by BEGIN IMMEDIATE) and on PostgreSQL (row lock on the item plus
the exclusion constraint) with TEST_DATABASE_URL.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from core.extensions import db
from modules.pooling.models import Booking
from tests.pooling.conftest import at

CLIENTS = 20


@pytest.mark.parametrize("units", [1, 2])
def test_twenty_clients_for_one_slot_exactly_one_per_unit_wins(
    net, make_equipment, make_user, api_token, live_server, units
):
    van = make_equipment(units=units)
    headers = [
        {**api_token(make_user("member_staff", org)), "Accept-Language": "en"}
        for org in (net.booker, net.other)
        for _ in range(2)
    ]
    payload = {"equipment_id": van.id, "start": at(3, 9).isoformat(), "end": at(3, 17).isoformat()}
    db.session.commit()

    def attempt(i: int):
        return requests.post(
            f"{live_server}/api/v1/pooling/bookings", json=payload, headers=headers[i % len(headers)], timeout=60
        )

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(attempt, range(CLIENTS)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * units + [409] * (CLIENTS - units), [r.text[:200] for r in responses]
    refusal = next(r for r in responses if r.status_code == 409)
    assert refusal.headers["Content-Type"].startswith("application/problem+json")
    assert "Next free slot" in refusal.json()["detail"]
    db.session.expire_all()
    booked = db.session.scalars(db.select(Booking.unit_id).where(Booking.equipment_id == van.id)).all()
    assert sorted(booked) == sorted({u.id for u in van.unit_list})


def test_the_database_itself_refuses_an_overlap(net, make_equipment):
    """Bypassing the service: PostgreSQL's exclusion constraint still refuses the second row."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite relies on the write lock")
    from sqlalchemy.exc import IntegrityError

    van = make_equipment()
    unit = van.unit_list[0]
    for i, hours in enumerate([(9, 12), (11, 14)]):
        row = Booking(
            equipment_id=van.id,
            unit_id=unit.id,
            organization_id=net.booker.id,
            group_key=f"g{i}",
            start_at=at(2, hours[0]),
            end_at=at(2, hours[1]),
            end_with_buffer=at(2, hours[1]),
            status="approved",
        )
        db.session.add(row)
        if i == 0:
            db.session.commit()
    with pytest.raises(IntegrityError, match="pooling_booking_no_overlap"):
        db.session.commit()
    db.session.rollback()
    db.session.execute(text("UPDATE pooling_booking SET status = 'cancelled'"))
    db.session.add(
        Booking(
            equipment_id=van.id,
            unit_id=unit.id,
            organization_id=net.booker.id,
            group_key="g9",
            start_at=at(2, 10),
            end_at=at(2, 11),
            end_with_buffer=at(2, 11),
            status="approved",
        )
    )
    db.session.commit()  # cancelled bookings no longer hold the unit


def _pledgers(make_org, make_user, api_token, count: int):
    orgs = [make_org() for _ in range(count)]
    return orgs, [api_token(make_user("member_staff", org)) for org in orgs]


def test_twenty_concurrent_pledgers_never_lose_an_update(
    net, make_campaign, make_org, make_user, api_token, live_server
):
    from modules.pooling.services.purchases import totals

    campaign = make_campaign()
    gloves, url = campaign.products[0].id, f"{live_server}/api/v1/pooling/purchases/campaigns/{campaign.id}/pledges"
    orgs, headers = _pledgers(make_org, make_user, api_token, CLIENTS)
    db.session.commit()

    def attempt(i: int):
        return requests.post(url, json={"product_id": gloves, "quantity": 10 * (i + 1)}, headers=headers[i], timeout=60)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(attempt, range(CLIENTS)))
    assert [r.status_code for r in responses] == [200] * CLIENTS, [r.text[:200] for r in responses]
    db.session.expire_all()
    assert totals(campaign) == {gloves: 10 * sum(range(1, CLIENTS + 1))}


def test_a_pledge_racing_the_deadline_is_fully_in_or_fully_out(
    net, make_campaign, make_org, make_user, api_token, live_server, app
):
    """Pledges keep arriving while the deadline passes and the closing job runs: every accepted
    pledge is in the shares, every refused one is nowhere."""
    import threading
    import time
    from datetime import timedelta

    from core.db import utcnow
    from modules.pooling.models import Pledge, Share
    from modules.pooling.services import purchases

    campaign = make_campaign()
    gloves, url = campaign.products[0].id, f"{live_server}/api/v1/pooling/purchases/campaigns/{campaign.id}/pledges"
    orgs, headers = _pledgers(make_org, make_user, api_token, CLIENTS)
    deadline = campaign.deadline = utcnow() + timedelta(seconds=1.5)
    org_ids = [org.id for org in orgs]
    db.session.commit()

    def attempt(i: int):
        time.sleep(i * 0.12)  # spread over the deadline
        return requests.post(url, json={"product_id": gloves, "quantity": 10}, headers=headers[i], timeout=60)

    def closer():
        with app.app_context():
            while utcnow() < deadline:
                time.sleep(0.05)
            purchases.close_due_campaigns()
            db.session.commit()

    job = threading.Thread(target=closer)
    job.start()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(attempt, range(CLIENTS)))
    job.join()
    accepted = {org_ids[i] for i, r in enumerate(responses) if r.status_code == 200}
    refused = {org_ids[i] for i, r in enumerate(responses) if r.status_code == 409}
    assert accepted and refused and len(accepted) + len(refused) == CLIENTS
    db.session.expire_all()
    pledged = set(db.session.scalars(db.select(Pledge.organization_id)))
    shared = set(db.session.scalars(db.select(Share.organization_id)))
    assert pledged == accepted and shared == accepted
