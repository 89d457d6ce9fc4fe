"""Opening a published poll in session, closing it once every seat has voted, and the minutes of the vote."""

import html

import pytest

from core.accounts.permissions import PermissionDenied
from core.db import utcnow
from core.errors import Conflict
from core.extensions import db
from modules.governance.models import Poll
from modules.governance.services import polls, voting
from modules.governance.services.figures import choice_text
from tests.governance.conftest import close_now, seat_voter


def vote_all(poll, assembly, choice="yes"):
    for manager, seat in zip(assembly.managers, assembly.seats):
        voter = seat_voter(poll, seat)
        if voter.proxy_holder_id is None:
            voting.cast_ballot(manager, poll.id, voter.id, choice)
    db.session.commit()


def test_opening_now_freezes_the_voter_list_and_the_proxies(assembly, make_poll, admin):
    poll = make_poll(assembly, "yes_no", opened=False)
    voting.grant_proxy(assembly.managers[1], assembly.seats[1].id, assembly.seats[0].id, poll_id=poll.id)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        polls.open_now(assembly.managers[0], poll.id)
    polls.open_now(admin, poll.id)
    db.session.commit()
    poll = db.session.get(Poll, poll.id)
    assert poll.status == "open" and poll.opens_at <= utcnow() and polls.state(poll) == "open"
    assert seat_voter(poll, assembly.seats[1]).proxy_holder_id == seat_voter(poll, assembly.seats[0]).id
    with pytest.raises(Conflict):
        polls.open_now(admin, poll.id)
    with pytest.raises(Conflict):
        voting.grant_proxy(assembly.managers[2], assembly.seats[2].id, assembly.seats[3].id, poll_id=poll.id)


def test_a_poll_closes_early_only_once_every_seat_has_voted(assembly, make_poll, admin):
    poll = make_poll(assembly, "yes_no")
    voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    db.session.commit()
    with pytest.raises(Conflict, match="3"):
        polls.close_early(admin, poll.id)
    db.session.rollback()
    assert db.session.get(Poll, poll.id).status == "open"
    for manager, seat in list(zip(assembly.managers, assembly.seats))[1:]:
        voting.cast_ballot(manager, poll.id, seat_voter(poll, seat).id, "no")
    db.session.commit()
    with pytest.raises(PermissionDenied):
        polls.close_early(assembly.managers[0], poll.id)
    closed = polls.close_early(admin, poll.id)
    db.session.commit()
    assert closed.status == "closed" and closed.result_hash and closed.closes_at == closed.closed_at
    assert polls.state(closed) == "closed"
    with pytest.raises(Conflict):
        voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "no")


def test_a_poll_where_votes_may_change_waits_for_its_closing_time(assembly, make_poll, admin):
    poll = make_poll(assembly, "yes_no", allow_change=True, secret=False)
    vote_all(poll, assembly)
    with pytest.raises(Conflict):
        polls.close_early(admin, poll.id)


def test_the_pages_open_and_close_the_vote_and_publish_the_minutes(client, assembly, make_poll, admin, login_as):
    poll = make_poll(assembly, "yes_no", opened=False, question="Join the charter?")
    login_as(admin)
    page = client.get(f"/governance/polls/{poll.id}").get_data(as_text=True)
    assert f'action="/governance/polls/{poll.id}/open"' in page and "data-confirm" in page
    assert client.post(f"/governance/polls/{poll.id}/open").status_code == 302
    assert client.get(f"/governance/polls/{poll.id}/minutes.pdf").status_code == 404
    refused = client.post(f"/governance/polls/{poll.id}/close", follow_redirects=True).get_data(as_text=True)
    assert "4 sièges n&#39;ont pas encore voté" in refused
    assert db.session.get(Poll, poll.id).status == "open"
    vote_all(db.session.get(Poll, poll.id), assembly)
    page = client.get(f"/governance/polls/{poll.id}").get_data(as_text=True)
    assert "4 sièges sur 4 ont voté." in page and f'action="/governance/polls/{poll.id}/close"' in page
    closed = client.post(f"/governance/polls/{poll.id}/close")
    assert closed.headers["Location"].endswith(f"/governance/polls/{poll.id}/results")
    results = client.get(f"/governance/polls/{poll.id}/results").get_data(as_text=True)
    assert "Procès-verbal du vote (PDF)" in results and "La résolution est adoptée." in results
    minutes = client.get(f"/governance/polls/{poll.id}/minutes.pdf")
    assert minutes.mimetype == "application/pdf" and minutes.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["member_manager", "member_staff"])
def test_only_managers_open_and_close(client, assembly, make_poll, make_user, login_as, role):
    poll = make_poll(assembly, "yes_no", opened=False)
    login_as(make_user(role))
    assert client.post(f"/governance/polls/{poll.id}/open").status_code == 403
    assert client.post(f"/governance/polls/{poll.id}/close").status_code == 403
    assert db.session.get(Poll, poll.id).status == "scheduled"


@pytest.mark.parametrize(
    "method, options, choice, words",
    [
        ("yes_no", [], "abstain", "Abstention"),
        ("single", ["Tours", "Limoges"], 1, "Limoges"),
        ("approval", ["Van", "Baler", "Stand"], [0, 2], "Van, Stand"),
        ("ranked", ["A", "B", "C"], [2, 0], "C > A"),
        ("judgment", ["A", "B"], [5, 0], "A : Très bien, B : À rejeter"),
    ],
)
def test_minutes_and_published_ballots_read_as_words_for_every_method(
    app, client, assembly, make_poll, admin, login_as, method, options, choice, words
):
    poll = make_poll(assembly, method, options, secret=False)
    voter = seat_voter(poll, assembly.seats[0])
    voting.cast_ballot(assembly.managers[0], poll.id, voter.id, choice)
    db.session.commit()
    close_now(poll)
    login_as(admin)
    results = client.get(f"/governance/polls/{poll.id}/results").get_data(as_text=True)
    assert html.escape(words) in results
    with app.test_request_context():
        assert choice_text(poll, choice) == words
    minutes = client.get(f"/governance/polls/{poll.id}/minutes.pdf")
    assert minutes.status_code == 200 and minutes.data.startswith(b"%PDF")


def test_the_index_lists_polls_opening_soon(client, assembly, make_poll, login_as):
    make_poll(assembly, "yes_no", opened=False, question="Budget 2027?")
    login_as(assembly.managers[0])
    page = client.get("/governance/").get_data(as_text=True)
    assert "Scrutins bientôt ouverts" in page and "Budget 2027?" in page
