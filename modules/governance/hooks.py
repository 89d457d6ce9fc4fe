"""Every hook implementation of governance, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.clock import PARIS
from core.extensions import db
from core.hookspecs import CalendarEvent, Indicator, MenuItem, ScheduledJob, Widget, hookimpl


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Overview"), "governance.index", "governance.view", 40, _l("Governance")),
        MenuItem(_l("Shared needs"), "governance.needs", "governance.view", 41, _l("Governance")),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    if not has_permission(user, "governance.vote"):
        return []
    from modules.governance.widgets import render_widget

    return [Widget(_l("Votes waiting for you"), lambda: render_widget(user), 20)]


@hookimpl
def erp_calendar_events(user, start, end):
    if not has_permission(user, "governance.view"):
        return []
    from modules.governance.models import Meeting, Poll
    from modules.governance.services.meetings import meeting_event

    meetings = db.session.scalars(
        db.select(Meeting).where(Meeting.starts_at < end, Meeting.ends_at >= start, Meeting.cancelled.is_(False))
    )
    events = [meeting_event(m) for m in meetings]
    polls = db.session.scalars(
        db.select(Poll).where(Poll.status.in_(("scheduled", "open")), Poll.closes_at >= start, Poll.closes_at < end)
    )
    events += [
        CalendarEvent(
            f"governance-poll-{p.id}",
            str(_l("Vote closes: %(q)s", q=p.question)),
            p.closes_at,
            p.closes_at,
            "governance",
            url=f"/governance/polls/{p.id}",
        )
        for p in polls
    ]
    return events


@hookimpl
def erp_scheduled_jobs():
    from modules.governance.jobs import advance_polls, remind_voters

    return [
        ScheduledJob("governance.advance_polls", advance_polls, every_minutes=1),
        ScheduledJob("governance.remind_voters", remind_voters, every_minutes=15),
    ]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    """Meetings held and polls closed in [start, end), per organization that took part."""
    from modules.governance.models import Attendance, BodyMember, Meeting, Participation, Poll, PollVoter

    low = datetime.combine(start, time.min, PARIS)
    high = datetime.combine(end, time.min, PARIS)
    meetings = (
        db.select(BodyMember.organization_id, db.func.count(db.distinct(Meeting.id)))
        .select_from(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(BodyMember, BodyMember.id == Attendance.member_id)
        .where(
            Meeting.starts_at >= low,
            Meeting.starts_at < high,
            Attendance.status.in_(("present", "represented")),
            BodyMember.organization_id.is_not(None),
        )
        .group_by(BodyMember.organization_id)
    )
    votes = (
        db.select(PollVoter.organization_id, db.func.count(db.distinct(Poll.id)))
        .join(Poll, Poll.id == PollVoter.poll_id)
        .join(Participation, (Participation.poll_id == Poll.id) & (Participation.voter_id == PollVoter.id))
        .where(
            Poll.status == "closed",
            Poll.closes_at >= low,
            Poll.closes_at < high,
            PollVoter.organization_id.is_not(None),
        )
        .group_by(PollVoter.organization_id)
    )
    if organization_ids is not None:
        meetings = meetings.where(BodyMember.organization_id.in_(organization_ids or [-1]))
        votes = votes.where(PollVoter.organization_id.in_(organization_ids or [-1]))
    return [
        Indicator(
            "governance.meetings_attended",
            _l("Network meetings attended"),
            "count",
            {org: Decimal(n) for org, n in db.session.execute(meetings)},
        ),
        Indicator(
            "governance.votes_cast",
            _l("Network votes taken part in"),
            "count",
            {org: Decimal(n) for org, n in db.session.execute(votes)},
        ),
    ]
