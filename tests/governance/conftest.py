"""Fixtures of the governance tests: a small assembly and board, and polls at any stage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.clock import today
from core.db import utcnow
from core.extensions import db


@pytest.fixture
def erp_modules():
    return "governance"


@pytest.fixture
def admin(make_user):
    return make_user("network_admin")


@pytest.fixture
def assembly(app, admin, make_org, make_user):
    """An assembly of four member organizations (weights 2, 1, 1, 1) with a manager each."""
    from modules.governance.services import bodies

    body = bodies.create_body(admin, "AG", "assembly", "organization", proxy_cap=1, notice_days=10)
    orgs, managers, seats = [], [], []
    for weight in (2, 1, 1, 1):
        org = make_org()
        manager = make_user("member_manager", org=org)
        seats.append(
            bodies.add_member(
                admin, body, organization_id=org.id, weight=Decimal(weight), start_date=today() - timedelta(days=30)
            )
        )
        orgs.append(org)
        managers.append(manager)
    db.session.commit()
    body.orgs, body.managers, body.seats = orgs, managers, seats
    return body


@pytest.fixture
def make_poll(app, admin):
    """make_poll(body, method, options, opened=True, **fields): a poll, open now unless said otherwise."""
    from modules.governance.services import polls

    def factory(body, method="yes_no", options=(), opened=True, publish=True, **fields):
        now = utcnow()
        fields.setdefault("closes_at", now + timedelta(days=2))
        poll = polls.create_poll(
            admin,
            body,
            list(options),
            question=fields.pop("question", "Question?"),
            method=method,
            opens_at=now + timedelta(minutes=5),
            **fields,
        )
        if publish:
            polls.publish_poll(admin, poll.id)
        if opened:
            poll.opens_at = now - timedelta(minutes=1)
            polls.advance(poll.id)
        db.session.commit()
        return poll

    return factory


def seat_voter(poll, seat):
    from modules.governance.models import PollVoter

    return db.session.scalar(db.select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.member_id == seat.id))


def close_now(poll):
    """Move the close into the past (as time passing would) and let the job seal the poll."""
    from modules.governance.services import polls

    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    polls.advance(poll.id)
    db.session.commit()
    return poll
