"""The API: listings, poll creation with validation, voting, results and problem+json errors."""

from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from tests.governance.conftest import close_now, seat_voter


def test_api_needs_a_token_and_the_permission(client, make_user, api_token):
    assert client.get("/api/v1/governance/polls").status_code == 401
    assert client.get("/api/v1/governance/polls", headers=api_token(make_user("project_holder"))).status_code == 403
    assert client.get("/api/v1/governance/polls", headers=api_token(make_user("member_staff"))).status_code == 200


def test_create_poll_with_bad_input_gives_problem_json(client, assembly, admin, api_token):
    headers = api_token(admin)
    now = utcnow()
    body = {
        "body_id": assembly.id,
        "question": "Van?",
        "method": "ranked",
        "options": ["A"],
        "opens_at": (now + timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
    }
    response = client.post("/api/v1/governance/polls", json=body, headers=headers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "options" in response.json["errors"]
    response = client.post("/api/v1/governance/polls", json={**body, "method": "plurality"}, headers=headers)
    assert response.status_code == 422 and "method" in response.json["errors"]
    response = client.post("/api/v1/governance/polls", json={**body, "options": ["A", "B"]}, headers=headers)
    assert response.status_code == 201 and response.json["status"] == "draft"
    poll_id = response.json["id"]
    assert client.post(f"/api/v1/governance/polls/{poll_id}/publish", headers=headers).json["status"] == "scheduled"


def test_vote_and_results_through_the_api(client, assembly, make_poll, api_token):
    poll = make_poll(assembly, "judgment", ["A", "B"], secret=False)
    headers = api_token(assembly.managers[0])
    seats = client.get(f"/api/v1/governance/polls/{poll.id}/seats", headers=headers).json
    assert [s["voted"] for s in seats] == [False]
    url = f"/api/v1/governance/polls/{poll.id}/ballots"
    bad = client.post(url, json={"voter_id": seats[0]["voter_id"], "choice": [5]}, headers=headers)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["choice"]
    ok = client.post(url, json={"voter_id": seats[0]["voter_id"], "choice": [5, 1]}, headers=headers)
    assert ok.status_code == 201 and len(ok.json["receipt"]) == 29
    again = client.post(url, json={"voter_id": seats[0]["voter_id"], "choice": [5, 1]}, headers=headers)
    assert again.status_code == 409
    assert client.get(f"/api/v1/governance/polls/{poll.id}/results", headers=headers).status_code == 409
    close_now(poll)
    results = client.get(f"/api/v1/governance/polls/{poll.id}/results", headers=headers).json
    assert results["judgment"]["ranking"] == [[0], [1]] and results["hash_matches"]
    ballots = client.get(f"/api/v1/governance/polls/{poll.id}/ballots", headers=headers).json
    assert ballots["items"][0]["voter"] == assembly.orgs[0].name and ballots["items"][0]["choice"] == [5, 1]


def test_schulze_results_through_the_api(client, assembly, make_poll, api_token):
    poll = make_poll(assembly, "ranked", ["A", "B", "C"])
    for seat, manager in zip(assembly.seats, assembly.managers):
        client.post(
            f"/api/v1/governance/polls/{poll.id}/ballots",
            headers=api_token(manager),
            json={"voter_id": seat_voter(poll, seat).id, "choice": [1, 0]},
        )
    close_now(poll)
    data = client.get(f"/api/v1/governance/polls/{poll.id}/results", headers=api_token(assembly.managers[0])).json
    assert data["schulze"]["ranking"] == [[1], [0], [2]]
    assert data["schulze"]["pairwise"][1][0] == "5.000000" and data["voted"]["voters"] == 4


def test_needs_through_the_api(client, assembly, api_token):
    headers = api_token(assembly.managers[0])
    bad = client.post(
        "/api/v1/governance/needs",
        headers=headers,
        json={"organization_id": assembly.orgs[0].id, "title": "Van", "importance": 9, "urgency": 1},
    )
    assert bad.status_code == 422
    other = client.post(
        "/api/v1/governance/needs",
        headers=headers,
        json={"organization_id": assembly.orgs[1].id, "title": "Van", "importance": 3, "urgency": 1},
    )
    assert other.status_code == 404
    ok = client.post(
        "/api/v1/governance/needs",
        headers=headers,
        json={"organization_id": assembly.orgs[0].id, "title": "Van", "importance": 3, "urgency": 1},
    )
    assert ok.status_code == 201 and ok.json["convergence"] == 1
    joined = client.post(
        f"/api/v1/governance/needs/{ok.json['id']}/support",
        headers=api_token(assembly.managers[1]),
        json={"organization_id": assembly.orgs[1].id, "importance": 5, "urgency": 5},
    )
    assert joined.json["convergence"] == 2
    listing = client.get("/api/v1/governance/needs", headers=headers).json
    assert listing["total"] == 1 and listing["items"][0]["rank"] == 1
    db.session.rollback()
