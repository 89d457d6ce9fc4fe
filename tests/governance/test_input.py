"""Bad input on the governance pages and API: a clear message, nothing written, never a 500 (issue 17)."""

from datetime import timedelta

import pytest

from core.clock import local
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from modules.governance.models import Ballot, Meeting, Poll
from modules.governance.services import meetings, polls
from tests.governance.conftest import close_now, seat_voter

GAP, FOLD = "2027-03-28T02:30", "2027-10-31T02:30"  # Paris skips 02:00-03:00 in March, lives it twice in October


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _paris(delta: timedelta) -> str:
    return local(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def _poll_form(**changes) -> dict:
    data = {
        "question": "Which van?",
        "method": "single",
        "options": "Van A\nVan B",
        "rule": "simple",
        "abstentions": "excluded",
        "quorum_kind": "none",
        "quorum_percent": "0",
        "meeting_id": "0",
        "opens_at": _paris(timedelta(hours=1)),
        "closes_at": _paris(timedelta(days=1)),
    }
    return {**data, **changes}


def _api_poll(assembly, **changes) -> dict:
    now = utcnow()
    data = {
        "body_id": assembly.id,
        "question": "Van?",
        "method": "single",
        "options": ["A", "B"],
        "opens_at": (now + timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
    }
    return {**data, **changes}


# the web ballot -------------------------------------------------------------------------------


@pytest.mark.parametrize("voter_id", [str(2**63), str(2**64), "-1", "x"])
def test_a_ballot_for_an_impossible_seat_number_is_refused_with_a_message(
    client, assembly, make_poll, login_as, voter_id
):
    poll = make_poll(assembly, "yes_no")
    login_as(assembly.managers[0])
    response = client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "choice": "yes"})
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True) or "alert-danger" in response.get_data(as_text=True)
    assert _count(Ballot) == 0


def test_a_ballot_for_another_organizations_seat_says_why(client, assembly, make_poll, login_as):
    poll = make_poll(assembly, "yes_no")
    login_as(assembly.managers[0])
    other = seat_voter(poll, assembly.seats[1]).id
    response = client.post(f"/governance/polls/{poll.id}", data={"voter_id": other, "choice": "yes"})
    assert response.status_code == 422
    assert "Vous ne pouvez pas voter pour ce siège" in response.get_data(as_text=True)
    assert _count(Ballot) == 0


def test_a_ballot_for_an_unknown_seat_says_why(client, assembly, make_poll, login_as):
    poll, elsewhere = make_poll(assembly, "yes_no"), make_poll(assembly, "yes_no")
    login_as(assembly.managers[0])
    for voter_id in (seat_voter(elsewhere, assembly.seats[0]).id, 2**31 - 1):
        response = client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "choice": "yes"})
        assert response.status_code == 422
        assert "liste électorale du scrutin" in response.get_data(as_text=True)
    assert _count(Ballot) == 0


def test_a_ballot_in_a_closed_poll_says_why(client, assembly, make_poll, login_as):
    poll = make_poll(assembly, "yes_no")
    voter_id = seat_voter(poll, assembly.seats[0]).id
    close_now(poll)
    login_as(assembly.managers[0])
    response = client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "choice": "yes"})
    assert response.status_code == 422
    assert "aucun bulletin" in response.get_data(as_text=True)
    assert _count(Ballot) == 0


def test_show_of_hands_with_a_number_the_database_cannot_hold(client, assembly, admin, login_as):
    meeting = meetings.create_meeting(
        admin,
        assembly,
        "AG",
        utcnow() + timedelta(days=20),
        utcnow() + timedelta(days=20, hours=2),
        "online",
        "",
        "https://x.example",
    )
    motion = meetings.add_motion(admin, meetings.add_agenda_item(admin, meeting, "Accounts"), "Approved.")
    db.session.commit()
    login_as(admin)
    data = {"hands-votes_for": str(10**20), "hands-votes_against": "1", "hands-votes_abstain": "0"}
    response = client.post(f"/governance/motions/{motion.id}/hands", data=data, follow_redirects=True)
    assert response.status_code == 200 and "alert-danger" in response.get_data(as_text=True)
    assert db.session.get(type(motion), motion.id).votes_for is None


# the same limits on the pages and the API -----------------------------------------------------


def test_the_api_refuses_what_the_web_form_refuses(client, assembly, admin, api_token, login_as):
    headers = api_token(admin)
    cases = {
        "description": {"description": "x" * 5001},
        "options": {"options": [f"Option {i}" for i in range(51)]},
        "question": {"question": "x" * 301},
    }
    for field, change in cases.items():
        response = client.post("/api/v1/governance/polls", json=_api_poll(assembly, **change), headers=headers)
        assert response.status_code == 422 and field in response.json["errors"], field
    login_as(admin)
    options = "\n".join(f"Option {i}" for i in range(51))
    page = client.post(f"/governance/bodies/{assembly.id}/polls/new", data=_poll_form(options=options))
    assert page.status_code == 422 and "is-invalid" in page.get_data(as_text=True)
    assert _count(Poll) == 0


def test_a_need_with_a_huge_description_is_refused_by_the_api(client, assembly, api_token):
    body = {
        "organization_id": assembly.orgs[0].id,
        "title": "Van",
        "description": "x" * 5001,
        "importance": 3,
        "urgency": 1,
    }
    response = client.post("/api/v1/governance/needs", json=body, headers=api_token(assembly.managers[0]))
    assert response.status_code == 422 and "description" in response.json["errors"]


def test_services_hold_the_limits(assembly, admin):
    now = utcnow()
    times = dict(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        polls.create_poll(admin, assembly, ["A", "B"], question="Q?", method="single", description="x" * 5001, **times)
    assert refused.value.field == "description"
    with pytest.raises(DomainError) as refused:
        meetings.create_meeting(
            admin,
            assembly,
            "x" * 201,
            now + timedelta(days=1),
            now + timedelta(days=2),
            "online",
            "",
            "https://x.example",
        )
    assert refused.value.field == "title"


# the planning horizon -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opens_at, closes_at",
    [
        ("9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59-12:00"),
        ("2026-12-31T09:00:00+01:00", "9999-01-01T10:00:00+01:00"),
        ("2026-12-31T09:00:00+01:00", "2031-01-01T10:00:00+01:00"),
    ],
)
def test_the_api_refuses_polls_beyond_the_horizon(client, assembly, admin, api_token, opens_at, closes_at):
    body = _api_poll(assembly, opens_at=opens_at, closes_at=closes_at)
    response = client.post("/api/v1/governance/polls", json=body, headers=api_token(admin))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) & {"opens_at", "closes_at"}
    assert _count(Poll) == 0


def test_the_web_forms_refuse_polls_and_meetings_beyond_the_horizon(client, assembly, admin, login_as):
    login_as(admin)
    page = client.post(f"/governance/bodies/{assembly.id}/polls/new", data=_poll_form(closes_at="9999-12-31T23:59"))
    assert page.status_code == 422 and "is-invalid" in page.get_data(as_text=True)
    meeting = {
        "title": "AG",
        "mode": "online",
        "online_url": "https://x.example",
        "starts_at": "9999-12-31T10:00",
        "ends_at": "9999-12-31T12:00",
    }
    page = client.post(f"/governance/bodies/{assembly.id}/meetings/new", data=meeting)
    assert page.status_code == 422 and "is-invalid" in page.get_data(as_text=True)
    assert _count(Poll) == 0 and _count(Meeting) == 0


# daylight saving time -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [GAP, FOLD])
def test_the_web_forms_refuse_a_time_paris_skips_or_lives_twice(client, assembly, admin, login_as, typed):
    login_as(admin)
    page = client.post(f"/governance/bodies/{assembly.id}/polls/new", data=_poll_form(closes_at=typed))
    shown = typed[8:10] + "/" + typed[5:7] + "/" + typed[:4] + " 02:30"
    assert page.status_code == 422 and shown in page.get_data(as_text=True)
    meeting = {
        "title": "AG",
        "mode": "online",
        "online_url": "https://x.example",
        "starts_at": typed,
        "ends_at": "2027-12-01T12:00",
    }
    page = client.post(f"/governance/bodies/{assembly.id}/meetings/new", data=meeting)
    assert page.status_code == 422 and shown in page.get_data(as_text=True)
    needs_poll = {
        "needpoll-body_id": assembly.id,
        "needpoll-top": "6",
        "needpoll-retain": "3",
        "needpoll-opens_at": typed,
        "needpoll-closes_at": "2027-12-01T12:00",
    }
    page = client.post("/governance/needs/poll", data=needs_poll, follow_redirects=True)
    assert shown in page.get_data(as_text=True)
    assert _count(Poll) == 0 and _count(Meeting) == 0


@pytest.mark.parametrize("typed", [GAP, FOLD])
def test_the_api_refuses_a_time_paris_skips_or_lives_twice(client, assembly, admin, api_token, typed):
    body = _api_poll(assembly, closes_at=typed + ":00")
    response = client.post("/api/v1/governance/polls", json=body, headers=api_token(admin))
    assert response.status_code == 422 and "closes_at" in response.json["errors"]
    assert _count(Poll) == 0


def test_a_time_without_offset_is_paris_wall_clock(client, assembly, admin, api_token):
    body = _api_poll(assembly, opens_at="2027-06-01T09:00:00", closes_at="2027-06-02T18:00:00")
    response = client.post("/api/v1/governance/polls", json=body, headers=api_token(admin))
    assert response.status_code == 201
    assert local(db.session.get(Poll, response.json["id"]).opens_at).hour == 9


def test_the_edit_form_shows_paris_times_and_refuses_a_skipped_one(client, assembly, admin, login_as, make_poll):
    poll = make_poll(assembly, "single", ["A", "B"], opened=False, publish=False)
    login_as(admin)
    page = client.get(f"/governance/polls/{poll.id}/edit").get_data(as_text=True)
    assert f'value="{local(poll.closes_at).strftime("%Y-%m-%dT%H:%M")}"' in page
    response = client.post(f"/governance/polls/{poll.id}/edit", data=_poll_form(closes_at=GAP))
    assert response.status_code == 422 and "28/03/2027 02:30" in response.get_data(as_text=True)
    assert db.session.get(Poll, poll.id).closes_at == poll.closes_at
