"""The seat, cap and waiting-list invariants under real concurrent clients (20 threads over HTTP)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from core.extensions import db
from modules.training.models import ENROLLED, OFFERED, WAITING, Enrolment

THREADS = 20


def _run(calls):
    # The test's own transaction must end first: on SQLite it would hold the write lock.
    db.session.commit()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


def _statuses(session_id):
    db.session.expire_all()
    return {
        e.email: e.status
        for e in db.session.scalars(
            db.select(Enrolment).where(Enrolment.session_id == session_id).order_by(Enrolment.id)
        )
    }


def test_twenty_concurrent_enrolments_for_the_last_seat(world, make_session, enrol_many, live_server, api_token):
    session = make_session(seats=5)
    enrol_many(session, 4, org_index=None, prefix="early")
    headers = [api_token(world.managers[i % 4]) for i in range(4)]
    url = f"{live_server}/api/v1/training/sessions/{session.id}/enrolments"

    def call(i):
        body = {"organization_id": world.orgs[i % 4].id, "name": f"Racer {i}", "email": f"racer{i}@test.example"}
        return lambda: requests.post(url, json=body, headers=headers[i % 4], timeout=60)

    responses = _run([call(i) for i in range(THREADS)])
    assert [r.status_code for r in responses] == [201] * THREADS
    results = [r.json()["status"] for r in responses]
    assert results.count(ENROLLED) == 1 and results.count(WAITING) == THREADS - 1
    statuses = _statuses(session.id)
    assert sum(s == ENROLLED for s in statuses.values()) == 5
    # The queue order is the order in which the server accepted them.
    waiting_positions = sorted(r.json()["queue_position"] for r in responses if r.json()["status"] == WAITING)
    assert waiting_positions == list(range(1, THREADS))


def test_cap_per_organization_holds_under_concurrency(world, make_session, live_server, api_token):
    session = make_session(seats=12, cap=3)
    headers = api_token(world.managers[0])
    url = f"{live_server}/api/v1/training/sessions/{session.id}/enrolments"

    def call(i):
        body = {"organization_id": world.orgs[0].id, "name": f"Same org {i}", "email": f"same{i}@test.example"}
        return lambda: requests.post(url, json=body, headers=headers, timeout=60)

    responses = _run([call(i) for i in range(THREADS)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 3 + [409] * (THREADS - 3)
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert sum(s in (ENROLLED, OFFERED, WAITING) for s in _statuses(session.id).values()) == 3


def test_same_person_enrolled_once_under_concurrency(world, make_session, live_server, api_token):
    session = make_session(seats=12)
    headers = api_token(world.managers[0])
    url = f"{live_server}/api/v1/training/sessions/{session.id}/enrolments"
    body = {"organization_id": world.orgs[0].id, "name": "Twin", "email": "twin@test.example"}
    responses = _run([lambda: requests.post(url, json=body, headers=headers, timeout=60)] * THREADS)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (THREADS - 1)
    assert list(_statuses(session.id).values()) == [ENROLLED]


def test_two_racing_cancellations_promote_the_queue_in_order(world, make_session, enrol_many, live_server, api_token):
    session = make_session(seats=2)
    seated = enrol_many(session, 2, prefix="seated")
    queue = enrol_many(session, 5, prefix="queued")
    assert [e.status for e in queue] == [WAITING] * 5
    headers = api_token(world.coordinator)
    urls = [f"{live_server}/api/v1/training/enrolments/{e.id}/cancel" for e in seated]
    calls = [
        (lambda url=url: requests.post(url, headers=headers, timeout=60)) for url in urls for _ in range(THREADS // 2)
    ]
    responses = _run(calls)
    assert sorted(r.status_code for r in responses) == [200] * 2 + [409] * (THREADS - 2)
    statuses = _statuses(session.id)
    assert [statuses[f"queued{i}@test.example"] for i in range(5)] == [OFFERED, OFFERED, WAITING, WAITING, WAITING]
