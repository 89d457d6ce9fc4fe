"""Two treasurers marking the same transfer paid at the same moment record one payment; rounds
started together freeze each charge once. Real threads against the live server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.finance.models import Payment, Round, RoundCharge, Transfer

CLIENTS = 6


def test_concurrent_full_payments_record_one(world, charge, make_round, make_user, api_token, live_server):
    charge(world.orgs[0], world.orgs[1], "75.00")
    transfer = make_round().transfers[0]
    treasurers = [world.treasurer] + [make_user("treasurer", org=world.network) for _ in range(CLIENTS - 1)]
    headers = [api_token(user) for user in treasurers]
    url = f"{live_server}/api/v1/finance/transfers/{transfer.id}/payments"
    db.session.commit()  # reading transfer.id began a transaction: SQLite's write lock must be released
    body = {"amount": "75.00", "paid_on": today().isoformat(), "means": "transfer", "reference": "VIR"}

    def attempt(i: int):
        return requests.post(url, json=body, headers=headers[i], timeout=60)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(attempt, range(CLIENTS)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [422] * (CLIENTS - 1), [r.text[:300] for r in results]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1
    assert db.session.get(Transfer, transfer.id).paid == 75


def test_concurrent_rounds_freeze_each_charge_once(world, charge, api_token, live_server):
    for i in range(3):
        charge(world.orgs[i % 3], world.orgs[(i + 1) % 3], f"{10 + i}.00", f"pooling.booking:{i}")
    headers = api_token(world.treasurer)
    db.session.commit()
    body = {"cutoff": utcnow().isoformat(), "due_on": (today() + timedelta(days=5)).isoformat()}

    def attempt(_i: int):
        return requests.post(f"{live_server}/api/v1/finance/rounds", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(r.status_code for r in pool.map(attempt, range(4)))
    assert statuses[0] == 201 and set(statuses[1:]) <= {409, 422}, statuses
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Round)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(RoundCharge)) == 3
