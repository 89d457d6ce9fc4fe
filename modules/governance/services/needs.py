"""The shared-needs board: post, join and rate, rank, put to the vote, turn into actions.

Ranking: by convergence (how many organizations share the need), then by mean importance,
then by mean urgency, then oldest first. Ratings go from 1 (low) to 5 (high).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit
from core.accounts.models import Organization, User
from core.accounts.permissions import check, has_permission
from core.db import get_or_404, utcnow, valid_id
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.governance.models import Action, Body, Need, NeedSupport, Poll
from modules.governance.services.common import MANAGE, NAME_LENGTH, NEEDS, TEXT_LENGTH, bounded_text, require_manager
from modules.governance.services.polls import create_poll
from modules.governance.services.results import poll_result

RATING = range(1, 6)


def _rating(value, field: str) -> int:
    if not isinstance(value, int) or value not in RATING:
        raise DomainError(_("Rate from 1 to 5."), field)
    return value


def _check_org(user, organization_id: int) -> None:
    # a network admin holds every permission, even for an organization that does not exist
    if (
        not valid_id(organization_id)
        or not has_permission(user, NEEDS, organization_id)
        or db.session.get(Organization, organization_id) is None
    ):
        raise NotFound(_("Not found."), field="organization_id")


def post_need(user, organization_id: int, title: str, description: str, importance: int, urgency: int) -> Need:
    _check_org(user, organization_id)
    if not (title or "").strip():
        raise DomainError(_("A title is required."), "title")
    need = Need(
        organization_id=organization_id,
        title=bounded_text(title, "title", NAME_LENGTH),
        description=bounded_text(description, "description", TEXT_LENGTH),
        created_by_id=user.id,
    )
    db.session.add(need)
    db.session.flush()
    db.session.add(
        NeedSupport(
            need_id=need.id,
            organization_id=organization_id,
            importance=_rating(importance, "importance"),
            urgency=_rating(urgency, "urgency"),
        )
    )
    db.session.flush()
    audit.record("governance.need.post", "governance_need", need.id, title=need.title)
    return need


def support_need(user, need_id: int, organization_id: int, importance: int, urgency: int) -> NeedSupport:
    """Join a need for an organization (convergence) or change its ratings."""
    _check_org(user, organization_id)
    need = get_or_404(Need, need_id)
    if need.status != "open":
        raise Conflict(_("This need is no longer open."))
    importance, urgency = _rating(importance, "importance"), _rating(urgency, "urgency")
    support = db.session.scalar(
        db.select(NeedSupport).where(NeedSupport.need_id == need.id, NeedSupport.organization_id == organization_id)
    )
    if support is None:
        support = NeedSupport(need_id=need.id, organization_id=organization_id, importance=importance, urgency=urgency)
        try:
            with db.session.begin_nested():
                db.session.add(support)
                db.session.flush()
        except IntegrityError:
            raise Conflict(_("Your organization already shares this need.")) from None
    support.importance, support.urgency = importance, urgency
    audit.record("governance.need.support", "governance_need", need.id, organization=organization_id)
    return support


def leave_need(user, need_id: int, organization_id: int) -> None:
    _check_org(user, organization_id)
    support = db.session.scalar(
        db.select(NeedSupport).where(NeedSupport.need_id == need_id, NeedSupport.organization_id == organization_id)
    )
    need = db.session.get(Need, need_id) if valid_id(need_id) else None
    if support is None or need is None:
        raise NotFound(_("Not found."))
    if need.organization_id == organization_id:
        raise Conflict(_("The organization that posted the need stays on it."))
    db.session.delete(support)


@dataclass
class RankedNeed:
    need: Need
    convergence: int
    importance: Decimal
    urgency: Decimal
    rank: int = 0


def ranked_needs(status: str | None = "open", q: str | None = None) -> list[RankedNeed]:
    """Two queries whatever the number of needs: the aggregates, then the needs themselves."""
    stmt = db.select(
        NeedSupport.need_id,
        db.func.count(NeedSupport.id),
        db.func.avg(NeedSupport.importance),
        db.func.avg(NeedSupport.urgency),
    ).group_by(NeedSupport.need_id)
    stats = {row[0]: row[1:] for row in db.session.execute(stmt)}
    needs_stmt = db.select(Need)
    if status:
        needs_stmt = needs_stmt.where(Need.status == status)
    if q:
        needs_stmt = needs_stmt.where(Need.title.ilike(f"%{q.strip()}%"))
    rows = []
    for need in db.session.scalars(needs_stmt):
        count, imp, urg = stats.get(need.id, (0, 0, 0))
        rows.append(
            RankedNeed(
                need,
                count,
                Decimal(str(imp or 0)).quantize(Decimal("0.1")),
                Decimal(str(urg or 0)).quantize(Decimal("0.1")),
            )
        )
    rows.sort(key=lambda r: (-r.convergence, -r.importance, -r.urgency, r.need.created_at, r.need.id))
    for index, row in enumerate(rows, 1):
        row.rank = index
    return rows


def poll_top_needs(user, body: Body, top: int, retain: int, opens_at: datetime, closes_at: datetime) -> Poll:
    """An approval poll over the ``top`` ranked needs: "which ``retain`` do we tackle?"."""
    require_manager(user)
    ranked = ranked_needs()[:top]
    if len(ranked) < 2:
        raise DomainError(_("At least two open needs are needed for a poll."), "top")
    if not 1 <= retain < len(ranked):
        raise DomainError(_("Retain fewer needs than the poll offers."), "retain")
    return create_poll(
        user,
        body,
        [r.need.title for r in ranked],
        need_ids=[r.need.id for r in ranked],
        question=_("Which %(n)d shared needs do we tackle this year?", n=retain),
        method="approval",
        max_choices=retain,
        opens_at=opens_at,
        closes_at=closes_at,
        quorum_kind="none",
        secret=True,
    )


def retain_from_poll(user, poll_id: int, retain: int, owner_id: int, due: date) -> list[Action]:
    """After the vote: the ``retain`` most approved needs become actions with an owner and a due date."""
    require_manager(user)
    poll = get_or_404(Poll, poll_id)
    if not any(o.need_id for o in poll.options):
        raise NotFound(_("Not found."))
    if not valid_id(owner_id) or db.session.get(User, owner_id) is None:
        raise DomainError(_("Choose who owns the actions."), "owner_id")
    result = poll_result(poll)
    weights = result.tally.counts.weight
    order = sorted(range(len(poll.options)), key=lambda o: (-weights[o], o))[:retain]
    actions = []
    for option in order:
        need = db.session.get(Need, poll.options[option].need_id)
        if need is None or need.status == "retained":
            continue
        need.status = "retained"
        action = Action(need_id=need.id, title=need.title, owner_id=owner_id, due_date=due)
        db.session.add(action)
        actions.append(action)
    db.session.flush()
    audit.record("governance.need.retain", "governance_poll", poll.id, actions=len(actions))
    return actions


def create_action(user, title: str, owner_id: int, due: date, need_id: int | None = None) -> Action:
    require_manager(user)
    if not (title or "").strip():
        raise DomainError(_("A title is required."), "title")
    if not valid_id(owner_id) or db.session.get(User, owner_id) is None:
        raise DomainError(_("Choose who owns the action."), "owner_id")
    action = Action(title=bounded_text(title, "title", NAME_LENGTH), owner_id=owner_id, due_date=due, need_id=need_id)
    db.session.add(action)
    db.session.flush()
    return action


def set_action_status(user, action_id: int, status: str) -> Action:
    action = get_or_404(Action, action_id)
    if action.owner_id != user.id:
        check(user, MANAGE)
    if status not in ("todo", "doing", "done"):
        raise DomainError(_("Unknown status."), "status")
    action.status = status
    action.done_at = utcnow() if status == "done" else None
    audit.record("governance.action.status", "governance_action", action.id, status=status)
    return action
