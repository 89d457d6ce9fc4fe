"""Real concurrent clients against the live server (SQLite and PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import requests

from core.clock import today
from core.extensions import db
from modules.governance.models import Ballot, Participation, Proxy
from modules.governance.services import bodies
from tests.governance.conftest import seat_voter


def _post_all(url_headers_bodies, workers: int):
    barrier = threading.Barrier(workers)

    def send(item):
        url, headers, body = item
        barrier.wait(timeout=30)
        return requests.post(url, json=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, url_headers_bodies))


def test_fifty_concurrent_ballots_by_the_same_voter_make_one(assembly, make_poll, live_server, api_token):
    poll = make_poll(assembly, "yes_no")
    voter_id, poll_id = seat_voter(poll, assembly.seats[0]).id, poll.id
    headers = api_token(assembly.managers[0])
    url = f"{live_server}/api/v1/governance/polls/{poll_id}/ballots"
    db.session.commit()  # the test holds no transaction (SQLite: no write lock) while clients run
    codes = _post_all([(url, headers, {"voter_id": voter_id, "choice": c}) for c in ["yes", "no"] * 25], 50)
    assert sorted(set(codes)) == [201, 409] and codes.count(201) == 1
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) == 1
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Participation).where(Participation.poll_id == poll_id))
        == 1
    )


def test_fifty_concurrent_changes_of_a_named_vote_keep_one_ballot(assembly, make_poll, live_server, api_token):
    poll = make_poll(assembly, "single", ["A", "B"], secret=False, allow_change=True)
    voter_id, poll_id = seat_voter(poll, assembly.seats[1]).id, poll.id
    headers = api_token(assembly.managers[1])
    url = f"{live_server}/api/v1/governance/polls/{poll_id}/ballots"
    db.session.commit()
    codes = _post_all([(url, headers, {"voter_id": voter_id, "choice": i % 2}) for i in range(50)], 50)
    assert set(codes) <= {201, 409} and codes.count(201) >= 1
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) == 1


def test_concurrent_voters_are_all_counted(assembly, make_poll, live_server, api_token):
    poll = make_poll(assembly, "ranked", ["A", "B", "C"])
    poll_id, items = poll.id, []
    voter_ids = [seat_voter(poll, seat).id for seat in assembly.seats]
    for voter_id, manager in zip(voter_ids, assembly.managers):
        headers = api_token(manager)
        items += [
            (
                f"{live_server}/api/v1/governance/polls/{poll_id}/ballots",
                headers,
                {"voter_id": voter_id, "choice": [2, 1, 0]},
            )
        ] * 5
    db.session.commit()
    codes = _post_all(items, 20)
    assert codes.count(201) == 4 and codes.count(409) == 16
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) == 4


def test_the_proxy_cap_holds_under_concurrency(assembly, make_poll, admin, make_org, make_user, live_server, api_token):
    poll = make_poll(assembly, "yes_no", opened=False)
    holder_id, poll_id = assembly.seats[0].id, poll.id
    items = []
    for _ in range(8):
        org = make_org()
        manager = make_user("member_manager", org=org)
        seat = bodies.add_member(
            admin, assembly, organization_id=org.id, weight=Decimal(1), start_date=today() - timedelta(days=1)
        )
        seat_id = seat.id
        items.append(
            (
                f"{live_server}/api/v1/governance/proxies",
                api_token(manager),
                {"grantor_id": seat_id, "holder_id": holder_id, "poll_id": poll_id},
            )
        )
    db.session.commit()
    codes = _post_all(items, 8)
    assert codes.count(201) == 1 and codes.count(409) == 7  # the body's cap is one proxy per holder
    db.session.rollback()
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Proxy)
            .where(Proxy.holder_id == holder_id, Proxy.revoked_at.is_(None))
        )
        == 1
    )
