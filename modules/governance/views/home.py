"""The governance home: what is open for me, what is coming."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from core.accounts.permissions import require
from core.db import utcnow
from core.extensions import db
from modules.governance.models import Body, Meeting, Poll
from modules.governance.services.common import VIEW
from modules.governance.services.polls import state
from modules.governance.services.voting import pending_polls
from modules.governance.views import bp


@bp.route("/")
@require(VIEW)
def index():
    now = utcnow()
    open_polls = db.session.scalars(
        db.select(Poll)
        .where(Poll.status.in_(("scheduled", "open")), Poll.opens_at <= now, Poll.closes_at > now)
        .order_by(Poll.closes_at)
    ).all()
    coming_polls = db.session.scalars(
        db.select(Poll).where(Poll.status == "scheduled", Poll.opens_at > now).order_by(Poll.opens_at).limit(10)
    ).all()
    meetings = db.session.scalars(
        db.select(Meeting)
        .where(Meeting.ends_at >= now, Meeting.cancelled.is_(False))
        .order_by(Meeting.starts_at)
        .limit(10)
    ).all()
    bodies = db.session.scalars(db.select(Body).order_by(Body.name)).all()
    return render_template(
        "governance/index.html",
        open_polls=open_polls,
        coming_polls=coming_polls,
        meetings=meetings,
        bodies=bodies,
        pending=pending_polls(current_user),
        state=state,
    )
