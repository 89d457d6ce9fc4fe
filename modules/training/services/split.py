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
from modules.training.models import CONFIRMED, ENROLLED, FIXED, HOLDS_SEAT, Enrolment, TrainingSession


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
    """The split as it stands (provisional, over the seats held) or as posted (final)."""
    if session.status == CONFIRMED:
        charges = ledger.charges_of(session.ledger_source)
        by_org: dict[int, Decimal] = {}
        for charge in charges:
            by_org[charge.debtor_id] = by_org.get(charge.debtor_id, Decimal("0")) + charge.amount
        enrolled = Counter(
            db.session.scalars(
                db.select(Enrolment.organization_id).where(
                    Enrolment.session_id == session.id, Enrolment.status == ENROLLED
                )
            )
        )
        orgs = {
            o.id: o
            for o in db.session.scalars(db.select(Organization).where(Organization.id.in_(set(by_org) | set(enrolled))))
        }
        return [Share(orgs[o], enrolled.get(o, 0), by_org.get(o, Decimal("0.00"))) for o in sorted(orgs)], True
    holding = list(
        db.session.scalars(
            db.select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.status.in_(HOLDS_SEAT))
        )
    )
    return shares(session, holding), False


def post_charges(session: TrainingSession, enrolled: list[Enrolment]) -> None:
    reason = _("Training: %(title)s", title=session.course.title)
    for share in shares(session, enrolled):
        ledger.post_charge(
            share.organization.id, session.payee_organization_id, share.amount, reason, session.ledger_source
        )
