"""What governance contributes to the observatory: meetings attended and votes taken part in."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from core.clock import PARIS
from core.extensions import db
from core.hookspecs import Indicator
from modules.governance.models import Attendance, BodyMember, Meeting, Participation, Poll, PollVoter


def indicators(start: date, end: date, organization_ids: set[int] | None) -> list[Indicator]:
    """Meetings held and polls closed in [start, end), per organization that took part."""
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
