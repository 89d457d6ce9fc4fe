"""Who pays what: the trainer's fee and costs split pro rata of participants, or a fixed price
per participant, owed to the organization that pays the trainer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from core import ledger
from core.accounts.models import Organization
from core.extensions import db
from core.money import allocate
from modules.training.models import CONFIRMED, FIXED, HOLDS_SEAT, Enrolment, TrainingSession


@dataclass(frozen=True)
class Share:
    organization: Organization
    participants: int
    amount: Decimal


def shares(session: TrainingSession, enrolments: list[Enrolment]) -> list[Share]:
    """Each participating organization's share, exact to the cent (largest remainder)."""
    counts = Counter(e.organization_id for e in enrolments)
    org_ids = sorted(counts)
    if not org_ids:
        return []
    if session.price_model == FIXED:
        amounts = [session.fixed_price * counts[o] for o in org_ids]
    else:
        amounts = allocate(session.trainer_fee + session.costs, [counts[o] for o in org_ids])
    orgs = {o.id: o for o in db.session.scalars(db.select(Organization).where(Organization.id.in_(org_ids)))}
    return [Share(orgs[o], counts[o], a) for o, a in zip(org_ids, amounts)]


def current_split(session: TrainingSession) -> tuple[list[Share], bool]:
    """The split as it stands (provisional, over the seats held) or as posted (final): then each
    line shows the amounts posted to the ledger and the seats they were charged for, so that a
    participant who left after the decision changes neither."""
    if session.status == CONFIRMED:
        posted: Counter = Counter()
        for charge in ledger.charges_of(session.ledger_source):
            posted[charge.debtor_id] += charge.amount
        charged = charged_seats(session)
        orgs = {
            o.id: o
            for o in db.session.scalars(db.select(Organization).where(Organization.id.in_(set(posted) | set(charged))))
        }
        return [Share(orgs[o], charged[o], posted.get(o, Decimal("0.00"))) for o in sorted(orgs)], True
    holding = list(
        db.session.scalars(
            db.select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.status.in_(HOLDS_SEAT))
        )
    )
    return shares(session, holding), False


def charged_seats(session: TrainingSession) -> Counter:
    """Seats charged per organization: those held at the go decision (the split was posted over
    them) and, at a fixed price, each seat taken later (charged when taken). Leaving after the
    decision does not refund the seat."""
    stmt = db.select(Enrolment.organization_id).where(
        Enrolment.session_id == session.id,
        Enrolment.enrolled_at.is_not(None),
        db.or_(Enrolment.ended_at.is_(None), Enrolment.ended_at > session.decided_at),
    )
    if session.price_model != FIXED:
        stmt = stmt.where(Enrolment.enrolled_at <= session.decided_at)
    return Counter(db.session.scalars(stmt))


def post_charges(session: TrainingSession, enrolled: list[Enrolment]) -> None:
    reason = _("Training: %(title)s", title=session.course.title)
    for share in shares(session, enrolled):
        ledger.post_charge(
            share.organization.id, session.payee_organization_id, share.amount, reason, session.ledger_source
        )
