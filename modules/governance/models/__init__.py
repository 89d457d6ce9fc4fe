"""Governance tables (prefixed governance_)."""

from modules.governance.models.bodies import Body, BodyMember, College
from modules.governance.models.meetings import AgendaItem, Attendance, Meeting, Motion, Proxy
from modules.governance.models.needs import Action, Need, NeedSupport
from modules.governance.models.polls import Ballot, Participation, Poll, PollOption, PollVoter

__all__ = [
    "Action",
    "AgendaItem",
    "Attendance",
    "Ballot",
    "Body",
    "BodyMember",
    "College",
    "Meeting",
    "Motion",
    "Need",
    "NeedSupport",
    "Participation",
    "Poll",
    "PollOption",
    "PollVoter",
    "Proxy",
]
