"""Scheduled work: open and close polls on time, remind voters before the close.

Both are idempotent: a poll is advanced under its row lock, and a poll is reminded once
(``reminded_at``). Ballots never depend on these jobs: every write checks the clock itself.
"""

from __future__ import annotations

from datetime import timedelta

from core import mail
from core.db import utcnow
from core.extensions import db
from modules.governance.models import BodyMember, Participation, Poll, PollVoter
from modules.governance.services.bodies import seat_users
from modules.governance.services.polls import advance, due_polls, reminder_due

REMIND_BEFORE = timedelta(hours=24)


def advance_polls() -> None:
    for poll_id in due_polls(utcnow()):
        advance(poll_id)
        db.session.commit()


def remind_voters() -> None:
    for poll_id in reminder_due(utcnow(), REMIND_BEFORE):
        remind_poll(poll_id)
        db.session.commit()


def remind_poll(poll_id: int) -> int:
    """Mail the people who cast a seat that has not voted yet (the proxy holder for a delegated seat)."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != "open" or poll.reminded_at is not None:
        return 0
    voters = list(db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id)))
    voted = set(db.session.scalars(db.select(Participation.voter_id).where(Participation.poll_id == poll.id)))
    by_id = {v.id: v for v in voters}
    casters = {v.id: by_id[v.proxy_holder_id] if v.proxy_holder_id else v for v in voters if v.id not in voted}
    members = {
        m.id: m
        for m in db.session.scalars(
            db.select(BodyMember).where(BodyMember.id.in_({c.member_id for c in casters.values()} or {-1}))
        )
    }
    people = seat_users(list(members.values()))
    recipients = {}
    for caster in casters.values():
        for person in people.get(caster.member_id, []):
            recipients[person.id] = person
    for person in recipients.values():
        mail.send("governance/mail/reminder.txt", person, poll=poll)
    poll.reminded_at = utcnow()
    return len(recipients)
