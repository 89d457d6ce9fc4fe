"""What needs the user's action: ballots to cast, meetings coming."""

from __future__ import annotations

from flask import render_template

from core.db import utcnow
from core.extensions import db
from modules.governance.models import Participation, Poll, PollVoter
from modules.governance.services.common import acting_org_ids


def pending_polls(user) -> list[tuple[Poll, int]]:
    """Open polls where a seat the user casts (own or held by proxy) has not voted: (poll, missing)."""
    now = utcnow()
    orgs = acting_org_ids(user)
    holder = db.aliased(PollVoter)
    mine = (PollVoter.user_id == user.id) | PollVoter.organization_id.in_(orgs or [-1])
    held = (holder.user_id == user.id) | holder.organization_id.in_(orgs or [-1])
    stmt = (
        db.select(Poll.id, db.func.count(PollVoter.id))
        .join(PollVoter, PollVoter.poll_id == Poll.id)
        .outerjoin(holder, holder.id == PollVoter.proxy_holder_id)
        .outerjoin(Participation, (Participation.poll_id == Poll.id) & (Participation.voter_id == PollVoter.id))
        .where(
            Poll.status == "open",
            Poll.opens_at <= now,
            Poll.closes_at > now,
            Participation.voter_id.is_(None),
            ((PollVoter.proxy_holder_id.is_(None)) & mine) | ((PollVoter.proxy_holder_id.is_not(None)) & held),
        )
        .group_by(Poll.id)
    )
    missing = dict(db.session.execute(stmt).all())
    polls = db.session.scalars(db.select(Poll).where(Poll.id.in_(missing or [-1])).order_by(Poll.closes_at))
    return [(poll, missing[poll.id]) for poll in polls]


def render_widget(user) -> str:
    return render_template("governance/widget.html", pending=pending_polls(user))
