"""Governance in the shared calendar: meetings, and the closing time of the votes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for
from modules.governance.models import Meeting, Poll
from modules.governance.services.meetings import meeting_event


def calendar_events(start: datetime, end: datetime, limit: int | None) -> list[CalendarEvent]:
    """Meetings in [start, end) and the votes closing then, at most ``limit`` of each, earliest first."""
    meetings = db.session.scalars(
        db.select(Meeting)
        .where(Meeting.starts_at < end, Meeting.ends_at >= start, Meeting.cancelled.is_(False))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    polls = db.session.scalars(
        db.select(Poll)
        .where(Poll.status.in_(("scheduled", "open")), Poll.closes_at >= start, Poll.closes_at < end)
        .order_by(Poll.closes_at, Poll.id)
        .limit(limit)
    )
    return [meeting_event(meeting) for meeting in meetings] + [poll_event(poll) for poll in polls]


def poll_event(poll: Poll) -> CalendarEvent:
    return CalendarEvent(
        f"governance-poll-{poll.id}",
        str(_l("Vote closes: %(q)s", q=poll.question)),
        poll.closes_at,
        poll.closes_at,
        "governance",
        url=path_for("governance.poll_detail", poll_id=poll.id),
    )
