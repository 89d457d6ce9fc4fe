"""Meetings: agenda, convocation within the notice period, attendance, live quorum, motions, minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _

from core import audit, mail
from core.calendar import to_ics
from core.clock import local
from core.db import get_or_404, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for
from modules.governance.models import AgendaItem, Attendance, Body, Meeting, Motion, Proxy
from modules.governance.models.meetings import ATTENDANCE, MEETING_MODES
from modules.governance.services.bodies import active_members, seat_users
from modules.governance.services.common import (
    NAME_LENGTH,
    PLACE_LENGTH,
    TEXT_LENGTH,
    bounded_text,
    planned,
    require_manager,
)
from modules.governance.services.polls import effective_weights


def create_meeting(
    user,
    body: Body,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    mode: str = "in_person",
    location: str = "",
    online_url: str = "",
) -> Meeting:
    require_manager(user)
    if not (title or "").strip():
        raise DomainError(_("A title is required."), "title")
    title = bounded_text(title, "title", NAME_LENGTH)
    if mode not in MEETING_MODES:
        raise DomainError(_("Choose how the meeting is held."), "mode")
    planned(starts_at, "starts_at")
    planned(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("The meeting must end after it starts."), "ends_at")
    location, online_url = (
        bounded_text(location, "location", PLACE_LENGTH),
        bounded_text(online_url, "online_url", PLACE_LENGTH),
    )
    if mode != "in_person" and not online_url:
        raise DomainError(_("Give the link of the online meeting."), "online_url")
    if mode != "online" and not location:
        raise DomainError(_("Give the place of the meeting."), "location")
    meeting = Meeting(
        body_id=body.id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        location=location,
        online_url=online_url,
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record("governance.meeting.create", "governance_meeting", meeting.id, title=meeting.title)
    return meeting


def add_agenda_item(user, meeting: Meeting, title: str, description: str = "") -> AgendaItem:
    require_manager(user)
    if not (title or "").strip():
        raise DomainError(_("A title is required."), "title")
    title, description = (
        bounded_text(title, "title", NAME_LENGTH),
        bounded_text(description, "description", TEXT_LENGTH),
    )
    position = 1 + (
        db.session.scalar(db.select(db.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    )
    item = AgendaItem(meeting_id=meeting.id, position=position, title=title, description=description)
    db.session.add(item)
    db.session.flush()
    return item


def add_motion(user, item: AgendaItem, text: str, poll_id: int | None = None) -> Motion:
    require_manager(user)
    if not (text or "").strip():
        raise DomainError(_("The motion needs a text."), "text")
    motion = Motion(agenda_item_id=item.id, text=bounded_text(text, "text", TEXT_LENGTH), poll_id=poll_id)
    db.session.add(motion)
    db.session.flush()
    return motion


def record_show_of_hands(user, motion: Motion, votes_for: int, votes_against: int, votes_abstain: int) -> Motion:
    """Counts typed in by the secretary; adopted when more for than against (abstentions apart)."""
    require_manager(user)
    if motion.poll_id:
        raise Conflict(_("This motion is decided by its poll."))
    for field, value in (("votes_for", votes_for), ("votes_against", votes_against), ("votes_abstain", votes_abstain)):
        if value is None or value < 0:
            raise DomainError(_("Enter a number of votes."), field)
    motion.votes_for, motion.votes_against, motion.votes_abstain = votes_for, votes_against, votes_abstain
    motion.adopted = votes_for > votes_against
    audit.record("governance.motion.result", "governance_meeting", motion.item.meeting_id, motion=motion.id)
    return motion


def record_attendance(user, meeting: Meeting, member_id: int, status: str) -> Attendance:
    require_manager(user)
    if status not in ATTENDANCE:
        raise DomainError(_("Unknown attendance status."), "status")
    if member_id not in {m.id for m in active_members(meeting.body_id, local(meeting.starts_at).date())}:
        raise NotFound(_("This seat is not in the body."))
    row = db.session.scalar(
        db.select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.member_id == member_id)
    )
    if row is None:
        row = Attendance(meeting_id=meeting.id, member_id=member_id, status=status)
        db.session.add(row)
    row.status = status
    db.session.flush()
    return row


def meeting_proxies(meeting: Meeting) -> list[Proxy]:
    return list(db.session.scalars(db.select(Proxy).where(Proxy.meeting_id == meeting.id, Proxy.revoked_at.is_(None))))


@dataclass
class MeetingQuorum:
    members: int
    present: int
    represented: int
    weight_total: Decimal
    weight_in: Decimal
    required_percent: Decimal
    reached: bool


def live_quorum(meeting: Meeting) -> MeetingQuorum:
    """Seats present, plus seats whose proxy holder is present, against the body's quorum."""
    members = active_members(meeting.body_id, local(meeting.starts_at).date())
    weights = effective_weights(members)
    statuses = dict(
        db.session.execute(
            db.select(Attendance.member_id, Attendance.status).where(Attendance.meeting_id == meeting.id)
        ).all()
    )
    present = {m for m, s in statuses.items() if s == "present" and m in weights}
    represented = {p.grantor_id for p in meeting_proxies(meeting) if p.holder_id in present and p.grantor_id in weights}
    represented -= present
    counted = present | represented
    total = sum(weights.values(), Decimal(0))
    weight_in = sum((weights[m] for m in counted), Decimal(0))
    required = meeting.body.quorum_percent
    reached = bool(members) and (weight_in * 100 >= required * total if total else False)
    return MeetingQuorum(len(members), len(present), len(represented), total, weight_in, required, reached)


def meeting_event(meeting: Meeting) -> CalendarEvent:
    where = ", ".join(x for x in (meeting.location, meeting.online_url) if x)
    return CalendarEvent(
        f"governance-meeting-{meeting.id}",
        f"{meeting.body.name}: {meeting.title}",
        meeting.starts_at,
        meeting.ends_at,
        "governance",
        url=path_for("governance.meeting_detail", meeting_id=meeting.id),
        location=where or None,
    )


def convene(user, meeting_id: int, now: datetime | None = None) -> int:
    """Send the convocation with its .ics to every seat; refused once the notice period is short."""
    require_manager(user)
    meeting = get_or_404(Meeting, meeting_id)
    now = now or utcnow()
    if meeting.cancelled:
        raise Conflict(_("This meeting is cancelled."))
    if meeting.starts_at - now < timedelta(days=meeting.body.notice_days):
        raise Conflict(
            _("Too late: the statutes ask for a notice of %(n)d days before the meeting.", n=meeting.body.notice_days)
        )
    if not meeting.items:
        raise DomainError(_("Add the agenda before sending the convocation."))
    members = active_members(meeting.body_id, local(meeting.starts_at).date())
    ics = to_ics([meeting_event(meeting)], meeting.title).decode()
    sent = 0
    for people in seat_users(members).values():
        for person in people:
            mail.send("governance/mail/convocation.txt", person, ics=ics, meeting=meeting)
            sent += 1
    meeting.convened_at = now
    audit.record("governance.meeting.convene", "governance_meeting", meeting.id, recipients=sent)
    return sent


def minutes_pdf(meeting: Meeting) -> bytes:
    from core.pdf import Document
    from modules.governance.services.polls import state
    from modules.governance.services.results import poll_result

    quorum = live_quorum(meeting)
    doc = Document(_("Minutes: %(title)s", title=meeting.title))
    doc.paragraph(
        f"{meeting.body.name} · {local(meeting.starts_at):%d/%m/%Y %H:%M} · {meeting.location or meeting.online_url}"
    )
    doc.heading(_("Attendance"))
    statuses = dict(
        db.session.execute(
            db.select(Attendance.member_id, Attendance.status).where(Attendance.meeting_id == meeting.id)
        ).all()
    )
    members = active_members(meeting.body_id, local(meeting.starts_at).date())
    labels = {"present": _("present"), "represented": _("represented"), "excused": _("excused"), "absent": _("absent")}
    holders = {p.grantor_id: p.holder.label for p in meeting_proxies(meeting)}
    doc.table_rows(
        [_("Member"), _("Attendance"), _("Proxy to")],
        [[m.label, labels.get(statuses.get(m.id, "absent")), holders.get(m.id, "")] for m in members],
    )
    doc.heading(_("Quorum"))
    doc.paragraph(
        _(
            "%(present)d present and %(represented)d represented out of %(members)d; "
            "weight %(weight_in)s of %(weight_total)s (required: %(required)s %%): %(verdict)s.",
            present=quorum.present,
            represented=quorum.represented,
            members=quorum.members,
            weight_in=round(quorum.weight_in, 2),
            weight_total=round(quorum.weight_total, 2),
            required=quorum.required_percent,
            verdict=_("reached") if quorum.reached else _("not reached"),
        )
    )
    for item in meeting.items:
        doc.heading(f"{item.position}. {item.title}")
        if item.description:
            doc.paragraph(item.description)
        for motion in item.motions:
            doc.paragraph(_("Motion: %(text)s", text=motion.text))
            if motion.poll is not None and state(motion.poll) == "closed" and motion.poll.status == "closed":
                result = poll_result(motion.poll)
                doc.paragraph(
                    _(
                        "Vote by poll: %(verdict)s (result hash %(hash)s).",
                        verdict=_("adopted") if result.tally.passed else _("rejected"),
                        hash=result.hash,
                    )
                )
            elif motion.adopted is not None:
                doc.paragraph(
                    _(
                        "Show of hands: %(f)d for, %(a)d against, %(s)d abstentions: %(verdict)s.",
                        f=motion.votes_for,
                        a=motion.votes_against,
                        s=motion.votes_abstain,
                        verdict=_("adopted") if motion.adopted else _("rejected"),
                    )
                )
            else:
                doc.paragraph(_("Not voted."))
    if meeting.minutes_notes:
        doc.heading(_("Notes"))
        doc.paragraph(meeting.minutes_notes)
    return doc.render()
