"""Poll life cycle: frozen voter list, immutability, deadlines by time, ballots, proxies, results."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from core.clock import today
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.governance.models import Ballot, Participation, Poll, PollVoter, Proxy
from modules.governance.services import bodies, polls, voting
from modules.governance.services.results import ballots_csv, canonical, poll_result
from modules.governance.services.tally.canonical import result_hash
from tests.governance.conftest import close_now, seat_voter


def test_voter_list_and_weights_are_frozen_when_the_poll_opens(assembly, make_poll, admin, make_org):
    poll = make_poll(assembly, "yes_no")
    voters = db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id)).all()
    assert sorted(v.weight for v in voters) == [1, 1, 1, 2]
    # a member joining or a weight changing afterwards does not touch the frozen list
    bodies.add_member(admin, assembly, organization_id=make_org().id, start_date=today())
    assembly.seats[0].weight = Decimal(10)
    db.session.commit()
    polls.advance(poll.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll.id)) == 4
    assert seat_voter(poll, assembly.seats[0]).weight == 2


def test_college_weights(admin, make_org, make_poll, app):
    body = bodies.create_body(admin, "AG colleges", "assembly", "organization")
    members = bodies.add_college(admin, body, "Members", Decimal(70))
    partners = bodies.add_college(admin, body, "Partners", Decimal(30))
    with pytest.raises(DomainError):
        bodies.add_college(admin, body, "Too much", Decimal(1))
    start = today() - timedelta(days=1)
    for weight in (2, 1, 1):
        bodies.add_member(
            admin, body, organization_id=make_org().id, college_id=members.id, weight=weight, start_date=start
        )
    bodies.add_member(admin, body, organization_id=make_org().id, college_id=partners.id, start_date=start)
    with pytest.raises(DomainError) as error:
        bodies.add_member(admin, body, organization_id=make_org().id, start_date=start)
    assert error.value.field == "college_id"
    db.session.commit()
    poll = make_poll(body, "yes_no")
    weights = sorted(v.weight for v in db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id)))
    assert weights == [Decimal("17.5"), Decimal("17.5"), Decimal(30), Decimal(35)]


def test_a_poll_cannot_be_edited_once_open(assembly, make_poll, admin):
    poll = make_poll(assembly, "single", ["A", "B"])
    with pytest.raises(Conflict):
        polls.update_poll(admin, poll.id, question="Changed?")
    draft = make_poll(assembly, "single", ["A", "B"], opened=False, publish=False)
    polls.update_poll(admin, draft.id, options=["A", "B", "C"], question="Changed?")
    db.session.commit()
    assert [o.label for o in draft.options] == ["A", "B", "C"]
    # scheduled, and its opening time has passed without the job: edits are refused by the clock
    scheduled = make_poll(assembly, "single", ["A", "B"], opened=False)
    scheduled.opens_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict):
        polls.update_poll(admin, scheduled.id, question="Late edit?")


def test_no_ballot_after_close_even_when_the_job_is_late(assembly, make_poll):
    poll = make_poll(assembly, "yes_no")
    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert poll.status == "open"  # the closing job has not run
    with pytest.raises(Conflict):
        voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 0


def test_a_ballot_before_opening_is_refused(assembly, make_poll):
    poll = make_poll(assembly, "yes_no", opened=False)
    with pytest.raises(Conflict):
        voting.cast_ballot(assembly.managers[0], poll.id, 1, "yes")


def test_the_first_ballot_opens_a_poll_the_job_has_not_opened(assembly, make_poll):
    poll = make_poll(assembly, "yes_no", opened=False)
    poll.opens_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    voters = voting.casting_voters(assembly.managers[0], poll)
    assert voters == []  # nothing frozen yet
    from modules.governance.models import BodyMember

    # the voter id is only known once frozen: the service freezes, then validates the seat
    with pytest.raises(DomainError):
        voting.cast_ballot(assembly.managers[0], poll.id, 999999, "yes")
    db.session.rollback()
    polls.advance(poll.id)
    db.session.commit()
    assert poll.status == "open" and db.session.get(BodyMember, assembly.seats[0].id)


# messages are in French, the default language of the application
@pytest.mark.parametrize(
    "method, options, choice, field_message",
    [
        ("single", ["A", "B"], 5, "ne fait pas partie du scrutin"),
        ("single", ["A", "B"], "x", "n'est pas valide"),
        ("ranked", ["A", "B", "C"], [0, 0, 1], "deux fois"),
        ("ranked", ["A", "B", "C"], [0, 9], "ne fait pas partie du scrutin"),
        ("approval", ["A", "B", "C"], [0, 0], "deux fois"),
        ("judgment", ["A", "B"], [1], "chaque option"),
        ("judgment", ["A", "B"], [1, 9], "mention"),
        ("yes_no", [], "maybe", "oui, non ou abstention"),
    ],
)
def test_bad_ballots_are_refused_and_nothing_is_written(assembly, make_poll, method, options, choice, field_message):
    poll = make_poll(assembly, method, options)
    with pytest.raises(DomainError) as error:
        voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, choice)
    assert field_message in error.value.message and error.value.field == "choice"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0


def test_voting_outside_the_body_or_for_another_seat_is_refused(assembly, make_poll, make_user):
    poll = make_poll(assembly, "yes_no")
    outsider = make_user("member_manager")
    with pytest.raises(DomainError) as error:
        voting.cast_ballot(outsider, poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    assert error.value.field == "voter_id"
    with pytest.raises(DomainError):
        voting.cast_ballot(assembly.managers[1], poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    other = make_poll(assembly, "yes_no")
    with pytest.raises(DomainError):  # a voter id of another poll
        voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(other, assembly.seats[0]).id, "yes")


def test_one_ballot_per_seat_and_changing_a_named_vote(assembly, make_poll):
    poll = make_poll(assembly, "yes_no", secret=False, allow_change=True)
    voter = seat_voter(poll, assembly.seats[0])
    voting.cast_ballot(assembly.managers[0], poll.id, voter.id, "yes")
    voting.cast_ballot(assembly.managers[0], poll.id, voter.id, "no")
    db.session.commit()
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.poll_id == poll.id)).all()
    assert [(b.choice, b.voter_id) for b in ballots] == [('"no"', voter.id)]
    fixed = make_poll(assembly, "yes_no")
    voter = seat_voter(fixed, assembly.seats[0])
    voting.cast_ballot(assembly.managers[0], fixed.id, voter.id, "yes")
    with pytest.raises(Conflict):
        voting.cast_ballot(assembly.managers[0], fixed.id, voter.id, "no")


def test_changing_a_secret_vote_needs_its_receipt(assembly, make_poll):
    poll = make_poll(assembly, "single", ["A", "B"], allow_change=True)
    voter = seat_voter(poll, assembly.seats[0])
    receipt = voting.cast_ballot(assembly.managers[0], poll.id, voter.id, 0)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        voting.cast_ballot(assembly.managers[0], poll.id, voter.id, 1, receipt="WRONG")
    assert error.value.field == "receipt"
    db.session.rollback()
    assert voting.cast_ballot(assembly.managers[0], poll.id, voter.id, 1, receipt=receipt.lower()) == receipt
    db.session.commit()
    assert [b.choice for b in db.session.scalars(db.select(Ballot).where(Ballot.poll_id == poll.id))] == ["1"]


def test_after_close_votes_are_refused_and_results_are_reproducible(assembly, make_poll):
    poll = make_poll(assembly, "ranked", ["A", "B", "C"], quorum_kind="weight", quorum_percent=Decimal(50))
    choices = [[2, 0, 1], [2, 1], [0, 2, 1], []]
    for seat, manager, choice in zip(assembly.seats, assembly.managers, choices):
        voting.cast_ballot(manager, poll.id, seat_voter(poll, seat).id, choice)
    db.session.commit()
    with pytest.raises(Conflict):
        poll_result(poll)
    close_now(poll)
    assert poll.status == "closed" and poll.result_hash
    result = poll_result(poll)
    assert result.hash_matches and result.voted_count == 4
    assert result.tally.schulze.winners == [2]  # C: weight 2 + 1 first, beats A and B head to head
    assert result.tally.passed and result.tally.quorum.reached
    published = json.loads(canonical(poll))
    # weights 2, 1, 1, 1: every class is under K_ANONYMITY ballots, so all four are pooled
    assert result_hash(poll.id, "ranked", ["A", "B", "C"], published["ballots"], published["pool"]) == poll.result_hash
    csv_text = ballots_csv(poll, result.ballots)
    assert csv_text.splitlines()[0] == "\ufeffreceipt;weight;choice"
    with pytest.raises(Conflict):
        voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, [0])


def test_named_ballots_show_who_voted_what(assembly, make_poll):
    poll = make_poll(assembly, "yes_no", secret=False)
    voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "no")
    db.session.commit()
    close_now(poll)
    result = poll_result(poll)
    assert [(b["voter"], b["choice"]) for b in result.ballots] == [(assembly.orgs[0].name, "no")]
    assert ballots_csv(poll, result.ballots).splitlines()[0] == "\ufeffreceipt;weight;choice;voter"


def test_proxies(assembly, make_poll, admin):
    poll = make_poll(assembly, "yes_no", opened=False)
    a, b, c, d = assembly.seats
    ma, mb, mc, md = assembly.managers
    with pytest.raises(DomainError, match="vous-même"):
        voting.grant_proxy(ma, a.id, a.id, poll_id=poll.id)
    with pytest.raises(DomainError, match="siège que vous détenez"):
        voting.grant_proxy(ma, b.id, c.id, poll_id=poll.id)
    proxy = voting.grant_proxy(mb, b.id, a.id, poll_id=poll.id)
    db.session.commit()
    with pytest.raises(Conflict, match="maximum"):  # cap of one per holder
        voting.grant_proxy(mc, c.id, a.id, poll_id=poll.id)
    with pytest.raises(DomainError, match="ne se transmettent pas"):  # B delegated: it cannot hold
        voting.grant_proxy(mc, c.id, b.id, poll_id=poll.id)
    with pytest.raises(DomainError, match="détenez vous-même"):  # A holds one: it cannot delegate (no chain)
        voting.grant_proxy(ma, a.id, d.id, poll_id=poll.id)
    with pytest.raises(Conflict, match="déjà donné pouvoir"):
        voting.grant_proxy(mb, b.id, c.id, poll_id=poll.id)
    db.session.rollback()
    voting.revoke_proxy(mb, proxy.id)
    voting.grant_proxy(mb, b.id, c.id, poll_id=poll.id)
    db.session.commit()
    poll.opens_at = utcnow() - timedelta(seconds=1)
    polls.advance(poll.id)
    db.session.commit()
    # frozen: C casts B's ballot separately from its own; B itself can no longer vote
    assert {v.member_id for v in voting.casting_voters(mc, poll)} == {b.id, c.id}
    assert voting.casting_voters(mb, poll) == []
    voting.cast_ballot(mc, poll.id, seat_voter(poll, b).id, "yes")
    voting.cast_ballot(mc, poll.id, seat_voter(poll, c).id, "no")
    db.session.commit()
    with pytest.raises(DomainError):
        voting.cast_ballot(mb, poll.id, seat_voter(poll, b).id, "no")
    db.session.rollback()
    # revocable only until the poll opens
    live = db.session.scalar(db.select(Proxy).where(Proxy.revoked_at.is_(None)))
    with pytest.raises(Conflict):
        voting.revoke_proxy(mb, live.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 2


def test_proxy_outside_the_body_is_refused(assembly, make_poll, admin, make_org, make_user):
    other = bodies.create_body(admin, "Board", "board", "person")
    person = make_user("board_member")
    seat = bodies.add_member(admin, other, user_id=person.id, start_date=today() - timedelta(days=1))
    db.session.commit()
    poll = make_poll(assembly, "yes_no", opened=False)
    with pytest.raises(DomainError, match="même instance"):
        voting.grant_proxy(assembly.managers[0], assembly.seats[0].id, seat.id, poll_id=poll.id)


def test_only_managers_create_publish_and_delete(assembly, make_poll, admin):
    from core.accounts.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        polls.create_poll(
            assembly.managers[0],
            assembly,
            [],
            question="Q?",
            method="yes_no",
            opens_at=utcnow() + timedelta(hours=1),
            closes_at=utcnow() + timedelta(hours=2),
        )
    poll = make_poll(assembly, "yes_no", opened=False, publish=False)
    polls.publish_poll(admin, poll.id)
    with pytest.raises(Conflict):
        polls.publish_poll(admin, poll.id)
    with pytest.raises(Conflict):
        polls.delete_poll(admin, poll.id)
    draft = make_poll(assembly, "yes_no", opened=False, publish=False)
    polls.delete_poll(admin, draft.id)
    db.session.commit()
    assert db.session.get(Poll, draft.id) is None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"method": "ranked", "options": ["A"]}, "options"),
        ({"method": "single", "options": ["A", "A"]}, "options"),
        ({"method": "plurality"}, "method"),
        ({"rule": "most"}, "rule"),
        ({"closes_before_opens": True}, "closes_at"),
        ({"method": "single", "options": ["A", "B"], "max_choices": 2}, "max_choices"),
        ({"quorum_percent": Decimal(120)}, "quorum_percent"),
    ],
)
def test_bad_poll_settings_are_refused(assembly, admin, fields, field):
    now = utcnow()
    values = {
        "question": "Q?",
        "method": "yes_no",
        "opens_at": now + timedelta(hours=1),
        "closes_at": now + timedelta(hours=2),
    }
    options = fields.pop("options", [])
    if fields.pop("closes_before_opens", False):
        values["closes_at"] = now
    values.update(fields)
    with pytest.raises(DomainError) as error:
        polls.create_poll(admin, assembly, options, **values)
    assert error.value.field == field
