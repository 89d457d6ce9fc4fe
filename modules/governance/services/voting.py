"""Casting ballots and giving proxies.

One ballot per seat is held by the primary key of the participation register (poll, voter):
a second submission, even at the same instant from fifty browsers, fails on that key and is
answered with a clear refusal. The poll row is read FOR SHARE, so ballots run side by side
while closing (FOR UPDATE) waits for those in flight: a ballot accepted is in the result hash.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit
from core.db import get_or_404, locked, utcnow, valid_id
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.governance.models import Ballot, BodyMember, Meeting, Participation, Poll, PollVoter, Proxy
from modules.governance.services.bodies import active_members
from modules.governance.services.common import acting_org_ids, acts_for
from modules.governance.services.polls import open_poll
from modules.governance.services.tally.counts import ABSTAIN, NO, YES
from modules.governance.services.tally.judgment import GRADES


def new_receipt() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode()  # 120 random bits, 24 characters
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


def _ints(values, field: str = "choice") -> list[int]:
    """Option numbers as sent by a form (digit strings) or by the API (integers), nothing else."""
    numbers = []
    for value in values:
        # ASCII digits only: "²".isdigit() is true, yet int() refuses it
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value) < 10:
            numbers.append(int(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            numbers.append(value)
        else:
            raise DomainError(_("This choice is not valid."), field)
    return numbers


def normalize_choice(poll: Poll, raw):
    """The canonical choice for the method, or a DomainError naming what is wrong."""
    n = len(poll.options)
    if poll.method == "yes_no":
        if raw in (None, "", "blank"):
            return None
        if raw not in (YES, NO, ABSTAIN):
            raise DomainError(_("Answer yes, no or abstain."), "choice")
        return raw
    if poll.method == "single":
        if raw in (None, "", "blank"):
            return None
        (option,) = _ints([raw])
        if not 0 <= option < n:
            raise DomainError(_("This option is not in the poll."), "choice")
        return option
    values = [] if raw in (None, "") else (raw if isinstance(raw, (list, tuple)) else [raw])
    if poll.method == "judgment":
        if not values:
            return []
        grades = _ints(values)
        if len(grades) != n:
            raise DomainError(_("Give a grade to every option."), "choice")
        if any(not 0 <= g < GRADES for g in grades):
            raise DomainError(_("This grade does not exist."), "choice")
        return grades
    options = _ints(values)
    if any(not 0 <= o < n for o in options):
        raise DomainError(_("This option is not in the poll."), "choice")
    if len(set(options)) != len(options):
        raise DomainError(_("An option appears twice in your ballot."), "choice")
    if poll.method == "approval":
        if poll.max_choices and len(options) > poll.max_choices:
            raise DomainError(_("Choose at most %(n)d options.", n=poll.max_choices), "choice")
        return sorted(options)
    return options


def encode_choice(choice) -> str:
    return json.dumps(choice, separators=(",", ":"))


def casting_voters(user, poll: Poll) -> list[PollVoter]:
    """Seats the user casts in this poll: their own (unless delegated) and the proxies they hold."""
    voters = list(db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id).order_by(PollVoter.id)))
    by_id = {v.id: v for v in voters}
    mine = []
    for voter in voters:
        caster = by_id.get(voter.proxy_holder_id) if voter.proxy_holder_id else voter
        if caster is not None and acts_for(user, caster.organization_id, caster.user_id):
            mine.append(voter)
    return sorted(mine, key=lambda voter: voter.proxy_holder_id is not None)  # own seats first, then proxies


def voted_ids(poll_id: int, voter_ids: list[int]) -> set[int]:
    if not voter_ids:
        return set()
    return set(
        db.session.scalars(
            db.select(Participation.voter_id).where(
                Participation.poll_id == poll_id, Participation.voter_id.in_(voter_ids)
            )
        )
    )


def _open_for_ballots(poll_id: int, now: datetime) -> Poll:
    poll = get_or_404(Poll, poll_id)
    poll = locked(Poll, poll_id, shared=poll.status != "scheduled")
    if poll.status == "scheduled" and now >= poll.opens_at:
        open_poll(poll, now)
    if poll.status in ("draft", "scheduled") or now < poll.opens_at:
        raise Conflict(_("This poll is not open yet."))
    if poll.status == "closed" or now >= poll.closes_at:
        raise Conflict(_("This poll is closed: no ballot is accepted any more."))
    return poll


def cast_ballot(user, poll_id: int, voter_id: int, raw_choice, receipt: str | None = None) -> str:
    """Record a ballot for one seat; returns its receipt code. ``receipt``: to change a secret ballot."""
    now = utcnow()
    poll = _open_for_ballots(poll_id, now)
    voter = db.session.get(PollVoter, voter_id) if valid_id(voter_id) else None
    if voter is None or voter.poll_id != poll.id:
        raise DomainError(_("This seat is not on the voter list of the poll."), "voter_id")
    caster = db.session.get(PollVoter, voter.proxy_holder_id) if voter.proxy_holder_id else voter
    if not acts_for(user, caster.organization_id, caster.user_id):
        raise DomainError(_("You cannot vote for this seat."), "voter_id")
    choice = encode_choice(normalize_choice(poll, raw_choice))
    if db.session.get(Participation, (poll.id, voter.id)) is not None:
        return _change_ballot(poll, voter, choice, receipt)
    code = new_receipt()
    try:
        with db.session.begin_nested():
            db.session.add(Participation(poll_id=poll.id, voter_id=voter.id, cast_by_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("A ballot has already been cast for this seat.")) from None
    db.session.add(
        Ballot(
            poll_id=poll.id,
            receipt=code,
            choice=choice,
            weight=voter.weight,
            voter_id=None if poll.secret else voter.id,
        )
    )
    db.session.flush()
    audit.record("governance.poll.vote", "governance_poll", poll.id, seat=voter.id)
    return code


def _change_ballot(poll: Poll, voter: PollVoter, choice: str, receipt: str | None) -> str:
    if not poll.allow_change:
        raise Conflict(_("A ballot has already been cast for this seat."))
    if poll.secret:
        # the only link between a voter and a secret ballot is the receipt the voter holds
        ballot = db.session.scalar(
            db.select(Ballot).where(Ballot.poll_id == poll.id, Ballot.receipt == (receipt or "").strip().upper())
        )
        if ballot is None:
            raise DomainError(_("Give the receipt code of your ballot to change it."), "receipt")
    else:
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.poll_id == poll.id, Ballot.voter_id == voter.id))
    ballot.choice = choice
    audit.record("governance.poll.revote", "governance_poll", poll.id, seat=voter.id)
    return ballot.receipt


# proxies ---------------------------------------------------------------------------------


def _scope_start(meeting: Meeting | None, poll: Poll | None) -> datetime:
    if meeting is not None:
        first_poll = db.session.scalar(
            db.select(db.func.min(Poll.opens_at)).where(Poll.meeting_id == meeting.id, Poll.status != "draft")
        )
        return min(meeting.starts_at, first_poll) if first_poll else meeting.starts_at
    return poll.opens_at


def _check_scope_open(meeting: Meeting | None, poll: Poll | None) -> None:
    if poll is not None and poll.status in ("open", "closed"):
        raise Conflict(_("The poll has opened: proxies can no longer change."))
    if meeting is not None and db.session.scalar(
        db.select(Poll.id).where(Poll.meeting_id == meeting.id, Poll.status.in_(("open", "closed"))).limit(1)
    ):
        raise Conflict(_("A vote of this meeting has opened: proxies can no longer change."))
    if utcnow() >= _scope_start(meeting, poll):
        raise Conflict(_("Proxies can be given or revoked only before the meeting or the poll opens."))


def grant_proxy(
    user, grantor_id: int, holder_id: int, meeting_id: int | None = None, poll_id: int | None = None
) -> Proxy:
    if (meeting_id is None) == (poll_id is None):
        raise DomainError(_("A proxy is given for one meeting or one poll."))
    meeting = locked(Meeting, meeting_id) if meeting_id else None
    poll = locked(Poll, poll_id) if poll_id else None
    if poll is not None and poll.meeting_id:
        raise DomainError(_("Give the proxy for the meeting this poll belongs to."), "poll_id")
    _check_scope_open(meeting, poll)
    body = (meeting or poll).body
    grantor = db.session.get(BodyMember, grantor_id) if valid_id(grantor_id) else None
    holder = db.session.get(BodyMember, holder_id) if valid_id(holder_id) else None
    if grantor is None or grantor.body_id != body.id:
        raise DomainError(_("This seat is not in the body."), "grantor_id")
    if not acts_for(user, grantor.organization_id, grantor.user_id):
        raise DomainError(_("You can only give the proxy of a seat you hold."), "grantor_id")
    if holder is None or holder.body_id != body.id:
        raise DomainError(_("A proxy goes to another voter of the same body."), "holder_id")
    if (
        holder.id == grantor.id
        or (holder.organization_id and holder.organization_id == grantor.organization_id)
        or (holder.user_id and holder.user_id == grantor.user_id)
    ):
        raise DomainError(_("You cannot give a proxy to yourself."), "holder_id")
    day = _scope_start(meeting, poll).date()
    active = {m.id for m in active_members(body.id, day)}
    if grantor.id not in active or holder.id not in active:
        raise DomainError(_("Both seats must be members of the body on that date."), "holder_id")
    live = db.select(Proxy).where(
        Proxy.revoked_at.is_(None), Proxy.meeting_id == meeting_id if meeting_id else Proxy.poll_id == poll_id
    )
    proxies = list(db.session.scalars(live))
    if any(p.grantor_id == grantor.id for p in proxies):
        raise Conflict(_("This seat has already given its proxy; revoke it first."), "holder_id")
    if any(p.grantor_id == holder.id for p in proxies):
        raise DomainError(_("This voter has given their own proxy: proxies are not passed on."), "holder_id")
    if any(p.holder_id == grantor.id for p in proxies):
        raise DomainError(_("You hold proxies yourself: give them back before delegating yours."), "holder_id")
    held = sum(1 for p in proxies if p.holder_id == holder.id)
    if held >= body.proxy_cap:
        raise Conflict(_("This voter already holds the maximum of %(n)d proxies.", n=body.proxy_cap), "holder_id")
    proxy = Proxy(meeting_id=meeting_id, poll_id=poll_id, grantor_id=grantor.id, holder_id=holder.id)
    try:
        with db.session.begin_nested():
            db.session.add(proxy)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This seat has already given its proxy; revoke it first."), "holder_id") from None
    audit.record("governance.proxy.grant", "governance_proxy", proxy.id, grantor=grantor.id, holder=holder.id)
    return proxy


def revoke_proxy(user, proxy_id: int) -> None:
    proxy = db.session.get(Proxy, proxy_id) if valid_id(proxy_id) else None
    if proxy is None or proxy.revoked_at is not None:
        raise NotFound(_("Not found."))
    if not acts_for(user, proxy.grantor.organization_id, proxy.grantor.user_id):
        raise NotFound(_("Not found."))
    meeting = locked(Meeting, proxy.meeting_id) if proxy.meeting_id else None
    poll = locked(Poll, proxy.poll_id) if proxy.poll_id else None
    _check_scope_open(meeting, poll)
    proxy.revoked_at = utcnow()
    audit.record("governance.proxy.revoke", "governance_proxy", proxy.id)


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
