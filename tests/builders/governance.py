"""Governance rows of a unit: its seat in the assembly, an open assembly poll in which home and
the unit have voted, a closed board poll, a meeting, a shared need joined by home, an action,
and a committee of its own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.governance.models import PollVoter
from modules.governance.services import bodies, meetings, needs, polls, voting


def prepare(net):
    start = today() - timedelta(days=60)
    assembly = bodies.create_body(
        net.admin, "Assemblée test", "assembly", "organization", proxy_cap=2, quorum_percent=Decimal(10)
    )
    home_seat = bodies.add_member(net.admin, assembly, organization_id=net.home.id, start_date=start)
    board = bodies.create_body(net.admin, "Bureau test", "board", "person", proxy_cap=1)
    board_seat = bodies.add_member(net.admin, board, user_id=net.board.id, start_date=start, role_title="Président")
    return SimpleNamespace(assembly=assembly, board=board, home_seat=home_seat, board_seat=board_seat)


def open_poll(net, body, question: str, method: str, options: list[str], **fields):
    """A poll published, then opened a minute ago (its voter list frozen), closing in three days."""
    now = utcnow()
    poll = polls.create_poll(
        net.admin,
        body,
        options,
        question=question,
        method=method,
        opens_at=now + timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
        **fields,
    )
    polls.publish_poll(net.admin, poll.id)
    poll.opens_at = now - timedelta(minutes=1)
    polls.advance(poll.id)
    return poll


def vote(user, poll, seat, choice) -> None:
    voter = db.session.scalar(db.select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.member_id == seat.id))
    voting.cast_ballot(user, poll.id, voter.id, choice)


def add(net, unit) -> None:
    own, i = net.modules["governance"], unit.index
    seat = bodies.add_member(
        net.admin, own.assembly, organization_id=unit.org.id, start_date=today() - timedelta(days=1)
    )
    poll = open_poll(net, own.assembly, f"Question {i} ?", "single", ["Oui", "Non", "Plus tard"])
    vote(net.manager, poll, own.home_seat, 0)
    vote(unit.manager, poll, seat, 1)
    board_poll = open_poll(net, own.board, f"Budget {i} ?", "yes_no", [], secret=False)
    vote(net.board, board_poll, own.board_seat, "yes")
    board_poll.closes_at = utcnow() - timedelta(seconds=1)
    polls.advance(board_poll.id)
    starts = utcnow() + timedelta(days=3, hours=i)
    meetings.create_meeting(
        net.admin, own.assembly, f"Réunion {i}", starts, starts + timedelta(hours=1), location=f"Salle {i}"
    )
    need = needs.post_need(unit.manager, unit.org.id, f"Besoin {i}", "", 3, 2)
    needs.support_need(net.manager, need.id, net.home.id, 4, 3)
    committee = bodies.create_body(net.admin, f"Commission {i}", "committee", "organization")
    bodies.add_member(net.admin, committee, organization_id=unit.org.id, start_date=today() - timedelta(days=1))
    needs.create_action(net.admin, f"Action {i}", unit.manager.id, today() + timedelta(days=30), need_id=need.id)
