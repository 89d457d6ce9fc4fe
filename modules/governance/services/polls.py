"""Poll life cycle: draft -> scheduled -> open (voter list frozen) -> closed (result hash).

Opening and closing are driven by time. The scheduled job moves polls along, and every write
(a ballot, an edit, a proxy) compares with the clock itself, so a late job never lets a closed
poll take a ballot nor an open poll be edited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from core import audit
from core.clock import local
from core.db import locked, utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.governance.models import Ballot, Body, Meeting, Participation, Poll, PollOption, PollVoter, Proxy
from modules.governance.services.bodies import active_members
from modules.governance.services.common import (
    MAX_OPTIONS,
    OPTION_LENGTH,
    PLACE_LENGTH,
    TEXT_LENGTH,
    bounded_text,
    planned,
    require_manager,
)
from modules.governance.services.tally import METHODS, QUORUM_KINDS, RULES
from modules.governance.services.tally.rules import ABSTENTION_HANDLING

WEIGHT_PLACES = Decimal("0.000001")
EDITABLE = (
    "question",
    "description",
    "method",
    "rule",
    "abstentions",
    "quorum_kind",
    "quorum_percent",
    "secret",
    "allow_change",
    "max_choices",
    "opens_at",
    "closes_at",
)


def _validate(fields: dict, options: list[str], now: datetime) -> list[str]:
    method = fields.get("method")
    if method not in METHODS:
        raise DomainError(_("Choose a voting method."), "method")
    if not (fields.get("question") or "").strip():
        raise DomainError(_("A question is required."), "question")
    fields["question"] = bounded_text(fields["question"], "question", PLACE_LENGTH)
    fields["description"] = bounded_text(fields.get("description"), "description", TEXT_LENGTH)
    if fields.get("rule") not in RULES:
        raise DomainError(_("Choose a majority rule."), "rule")
    if fields.get("abstentions") not in ABSTENTION_HANDLING:
        raise DomainError(_("Choose how abstentions count."), "abstentions")
    if fields.get("quorum_kind") not in QUORUM_KINDS:
        raise DomainError(_("Choose a kind of quorum."), "quorum_kind")
    percent = fields.get("quorum_percent")
    if percent is None or not Decimal(0) <= Decimal(percent) <= 100:
        raise DomainError(_("The quorum is a percentage between 0 and 100."), "quorum_percent")
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    if opens_at is None or closes_at is None:
        raise DomainError(_("Opening and closing times are required."), "opens_at")
    planned(opens_at, "opens_at")
    planned(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise DomainError(_("The poll must close after it opens."), "closes_at")
    if closes_at <= now:
        raise DomainError(_("The closing time is already past."), "closes_at")
    if not isinstance(options, (list, tuple)) or not all(isinstance(label, str) for label in options):
        raise DomainError(_("Give the options as texts."), "options")
    labels = [label.strip() for label in options if label and label.strip()]
    if len(labels) > MAX_OPTIONS:
        raise DomainError(_("At most %(n)d options.", n=MAX_OPTIONS), "options")
    if method == "yes_no":
        labels = []
    elif len(labels) < 2:
        raise DomainError(_("Give at least two options."), "options")
    if len(set(labels)) != len(labels):
        raise DomainError(_("Two options have the same text."), "options")
    if any(len(label) > OPTION_LENGTH for label in labels):
        raise DomainError(_("An option is longer than %(n)d characters.", n=OPTION_LENGTH), "options")
    max_choices = fields.get("max_choices")
    if max_choices is not None and (method != "approval" or not 1 <= max_choices <= len(labels)):
        raise DomainError(
            _("A maximum number of choices applies to approval polls, up to the number of options."), "max_choices"
        )
    return labels


def create_poll(
    user,
    body: Body,
    options: list[str],
    meeting: Meeting | None = None,
    need_ids: list[int | None] | None = None,
    **fields,
) -> Poll:
    require_manager(user)
    if meeting is not None and meeting.body_id != body.id:
        raise DomainError(_("The meeting belongs to another body."), "meeting_id")
    fields = {
        "rule": "simple",
        "abstentions": "excluded",
        "quorum_kind": "none",
        "quorum_percent": Decimal(0),
        "secret": True,
        "allow_change": False,
        "max_choices": None,
        "description": "",
        **fields,
    }
    labels = _validate(fields, options, utcnow())
    poll = Poll(
        body_id=body.id,
        meeting_id=meeting.id if meeting else None,
        created_by_id=user.id,
        **{k: v for k, v in fields.items() if k in EDITABLE},
    )
    needs = need_ids or [None] * len(labels)
    poll.options = [
        PollOption(position=i, label=label, need_id=needs[i] if i < len(needs) else None)
        for i, label in enumerate(labels)
    ]
    db.session.add(poll)
    db.session.flush()
    audit.record("governance.poll.create", "governance_poll", poll.id, question=poll.question)
    return poll


def _check_editable(poll: Poll, now: datetime) -> None:
    if poll.status in ("open", "closed") or (poll.status == "scheduled" and now >= poll.opens_at):
        raise Conflict(_("This poll has opened: it can no longer be changed."))


def update_poll(user, poll_id: int, options: list[str] | None = None, **fields) -> Poll:
    require_manager(user)
    poll = locked(Poll, poll_id)
    now = utcnow()
    _check_editable(poll, now)
    merged = {k: getattr(poll, k) for k in EDITABLE} | {k: v for k, v in fields.items() if k in EDITABLE}
    labels = _validate(merged, options if options is not None else [o.label for o in poll.options], now)
    for key, value in merged.items():
        setattr(poll, key, value)
    if options is not None:
        poll.options.clear()
        db.session.flush()
        poll.options.extend(PollOption(position=i, label=label) for i, label in enumerate(labels))
    audit.record("governance.poll.update", "governance_poll", poll.id, fields=sorted(fields))
    return poll


def publish_poll(user, poll_id: int) -> Poll:
    """Announce a draft: it will open by itself at its opening time."""
    require_manager(user)
    poll = locked(Poll, poll_id)
    if poll.status != "draft":
        raise Conflict(_("Only a draft can be published."))
    if poll.closes_at <= utcnow():
        raise DomainError(_("The closing time is already past."), "closes_at")
    poll.status = "scheduled"
    audit.record("governance.poll.publish", "governance_poll", poll.id)
    return poll


def delete_poll(user, poll_id: int) -> None:
    require_manager(user)
    poll = locked(Poll, poll_id)
    if poll.status != "draft":
        raise Conflict(_("Only a draft can be deleted."))
    audit.record("governance.poll.delete", "governance_poll", poll.id)
    db.session.delete(poll)


def open_now(user, poll_id: int) -> Poll:
    """Open a published poll before its announced time (e.g. in session): the same as moving the
    opening time to now, which a manager may do until the poll opens."""
    require_manager(user)
    poll = locked(Poll, poll_id)
    now = utcnow()
    if poll.status != "scheduled":
        raise Conflict(_("Only a published poll that has not opened yet can be opened."))
    if now >= poll.closes_at:
        raise Conflict(_("The closing time is already past."))
    poll.opens_at = min(poll.opens_at, now)
    open_poll(poll, now)
    audit.record("governance.poll.open_now", "governance_poll", poll.id)
    return poll


def turnout(poll: Poll) -> tuple[int, int]:
    """(seats that have voted, seats on the frozen voter list): who has voted is public, not how."""
    voted = db.session.scalar(
        db.select(db.func.count()).select_from(Participation).where(Participation.poll_id == poll.id)
    )
    seats = db.session.scalar(db.select(db.func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll.id))
    return voted, seats


def close_early(user, poll_id: int) -> Poll:
    """Close before the closing time, only once every seat has voted and nobody may change their
    vote any more: closing then takes nothing away from any voter."""
    require_manager(user)
    poll = locked(Poll, poll_id)
    now = utcnow()
    if poll.status != "open" or now >= poll.closes_at:
        raise Conflict(_("Only an open poll can be closed."))
    if poll.allow_change:
        raise Conflict(_("Voters may change their vote until the closing time: the poll closes then."))
    voted, seats = turnout(poll)
    missing = seats - voted
    if missing:
        raise Conflict(
            ngettext(
                "%(num)d seat has not voted yet: the poll closes at its closing time.",
                "%(num)d seats have not voted yet: the poll closes at its closing time.",
                missing,
            )
        )
    poll.closes_at = now
    close_poll(poll, now)
    audit.record("governance.poll.close_early", "governance_poll", poll.id)
    return poll


def effective_weights(members) -> dict[int, Decimal]:
    """A seat's weight in the vote: its own weight, or its share of its college's weight.

    In a college of 70 % whose members weigh 2, 1 and 1, they carry 35, 17.5 and 17.5.
    """
    totals: dict[int, Decimal] = {}
    for member in members:
        if member.college_id:
            totals[member.college_id] = totals.get(member.college_id, Decimal(0)) + member.weight
    weights = {}
    for member in members:
        if member.college_id:
            share = member.college.weight_percent * member.weight / totals[member.college_id]
            weights[member.id] = share.quantize(WEIGHT_PLACES)
        else:
            weights[member.id] = Decimal(member.weight).quantize(WEIGHT_PLACES)
    return weights


def proxies_for(poll: Poll):
    """The live proxies that apply to a poll: those of its meeting, or its own."""
    scope = Proxy.meeting_id == poll.meeting_id if poll.meeting_id else Proxy.poll_id == poll.id
    return db.session.scalars(db.select(Proxy).where(scope, Proxy.revoked_at.is_(None)))


def open_poll(poll: Poll, now: datetime) -> None:
    """Freeze the voter list, weights and proxies; caller holds the poll row FOR UPDATE."""
    if poll.status != "scheduled":
        return
    members = active_members(poll.body_id, local(poll.opens_at).date())
    weights = effective_weights(members)
    voters = {}
    for member in members:
        voter = PollVoter(
            poll_id=poll.id,
            member_id=member.id,
            organization_id=member.organization_id,
            user_id=member.user_id,
            label=member.label,
            weight=weights[member.id],
            college=member.college.name if member.college else "",
        )
        db.session.add(voter)
        voters[member.id] = voter
    db.session.flush()
    for proxy in proxies_for(poll):
        if proxy.grantor_id in voters and proxy.holder_id in voters:
            voters[proxy.grantor_id].proxy_holder_id = voters[proxy.holder_id].id
    poll.status, poll.frozen_at = "open", now
    audit.record("governance.poll.open", "governance_poll", poll.id, voters=len(voters))


def close_poll(poll: Poll, now: datetime) -> None:
    """Seal the result; caller holds the poll row FOR UPDATE (in-flight ballots hold it FOR SHARE)."""
    from modules.governance.services.results import compute_hash

    if poll.status == "scheduled":
        open_poll(poll, now)
    if poll.status != "open" or now < poll.closes_at:
        return
    if poll.secret:
        _rewrite_in_receipt_order(poll.id)
    poll.status, poll.closed_at = "closed", now
    poll.result_hash = compute_hash(poll)
    audit.record("governance.poll.close", "governance_poll", poll.id, result_hash=poll.result_hash)


def _rewrite_in_receipt_order(poll_id: int) -> None:
    # PostgreSQL keeps rows roughly in arrival order on disk; rewriting the sealed ballots in
    # receipt order leaves nothing of that order behind once the poll is closed.
    ballots = list(db.session.scalars(db.select(Ballot).where(Ballot.poll_id == poll_id).order_by(Ballot.receipt)))
    rows = [dict(receipt=b.receipt, choice=b.choice, weight=b.weight) for b in ballots]
    for ballot in ballots:
        db.session.delete(ballot)
    db.session.flush()
    for row in rows:
        db.session.add(Ballot(poll_id=poll_id, voter_id=None, **row))
    db.session.flush()


def advance(poll_id: int, now: datetime | None = None) -> Poll:
    """Open or close a poll whose time has come (idempotent)."""
    now = now or utcnow()
    poll = locked(Poll, poll_id)
    if poll.status == "scheduled" and now >= poll.opens_at:
        open_poll(poll, now)
    if poll.status == "open" and now >= poll.closes_at:
        close_poll(poll, now)
    return poll


def state(poll: Poll, now: datetime | None = None) -> str:
    """What the poll is by the clock, whatever the job has done yet."""
    now = now or utcnow()
    if poll.status == "draft":
        return "draft"
    if now >= poll.closes_at:
        return "closed"
    if now >= poll.opens_at:
        return "open"
    return "scheduled"


def due_polls(now: datetime) -> list[int]:
    stmt = db.select(Poll.id).where(
        ((Poll.status == "scheduled") & (Poll.opens_at <= now)) | ((Poll.status == "open") & (Poll.closes_at <= now))
    )
    return list(db.session.scalars(stmt))


def reminder_due(now: datetime, before: timedelta) -> list[int]:
    stmt = db.select(Poll.id).where(
        Poll.status == "open", Poll.reminded_at.is_(None), Poll.closes_at > now, Poll.closes_at <= now + before
    )
    return list(db.session.scalars(stmt))
