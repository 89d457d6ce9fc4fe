"""Settlement rounds: at a cut-off, the open charges are frozen into the fewest transfers, each due
on the round's date, and the creditors' invoices are issued. A charge belongs to one round at most
(unique constraint); a charge released after its round is netted back in the next one."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core import audit, jobs, ledger
from core.clock import local
from core.db import get_or_404, utcnow
from core.errors import DomainError
from core.extensions import db
from core.ledger import Charge
from modules.finance.models import Round, RoundCharge, Transfer
from modules.finance.services import invoices
from modules.finance.services.common import ISSUING, check_day, require_treasurer, serialize


def _open(cutoff: datetime):
    in_round = db.select(RoundCharge.charge_id)
    return db.select(Charge).where(~Charge.released, Charge.created_at <= cutoff, Charge.id.not_in(in_round))


def open_charges(cutoff: datetime) -> list[Charge]:
    """Live charges posted up to the cut-off and not yet in a round."""
    return list(db.session.scalars(_open(cutoff).order_by(Charge.id)))


def open_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(_open(utcnow()).subquery()))


def pending_reversals() -> list[RoundCharge]:
    """Charges released after a round froze them, not yet netted back."""
    stmt = (
        db.select(RoundCharge)
        .join(Charge, Charge.id == RoundCharge.charge_id)
        .where(Charge.released, RoundCharge.reversed_in_id.is_(None))
        .order_by(RoundCharge.id)
    )
    return list(db.session.scalars(stmt))


def net_positions(charges: list[Charge], reversals: list[RoundCharge]) -> dict[int, Decimal]:
    """What each structure is owed (positive) or owes, from the frozen charges and the reversals."""
    net: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for charge in charges:
        net[charge.creditor_id] += charge.amount
        net[charge.debtor_id] -= charge.amount
    for frozen in reversals:
        net[frozen.charge.creditor_id] -= frozen.charge.amount
        net[frozen.charge.debtor_id] += frozen.charge.amount
    return {org: amount for org, amount in net.items() if amount != 0}


def _check_dates(cutoff: datetime, due_on: date) -> None:
    if cutoff > utcnow():
        raise DomainError(_("The cut-off cannot be in the future."), field="cutoff")
    check_day(cutoff, "cutoff")
    check_day(due_on, "due_on")
    if due_on < local(cutoff).date():
        raise DomainError(_("The due date cannot be before the cut-off."), field="due_on")


def create_round(user, cutoff: datetime, due_on: date) -> Round:
    """Freeze the open charges up to ``cutoff`` into the fewest transfers due on ``due_on``."""
    require_treasurer(user)
    _check_dates(cutoff, due_on)
    serialize(ISSUING)  # two rounds at once would both pick the same open charges
    charges, reversals = open_charges(cutoff), pending_reversals()
    if not charges and not reversals:
        raise DomainError(_("No open charge up to this cut-off: nothing to settle."), field="cutoff")
    total = sum((c.amount for c in charges), Decimal("0.00"))
    settlement = Round(cutoff=cutoff, due_on=due_on, created_by_id=getattr(user, "id", None), total=total)
    db.session.add(settlement)
    db.session.flush()
    db.session.add_all(RoundCharge(round_id=settlement.id, charge_id=c.id) for c in charges)
    for frozen in reversals:
        frozen.reversed_in_id = settlement.id
    for transfer in ledger.settle(net_positions(charges, reversals)):
        db.session.add(
            Transfer(
                round_id=settlement.id,
                debtor_id=transfer.debtor_id,
                creditor_id=transfer.creditor_id,
                amount=transfer.amount,
                due_on=due_on,
            )
        )
    db.session.flush()
    today = local(utcnow()).date()
    invoices.issue_for_charges(charges, today, settlement.id)
    invoices.credit_released(today)
    audit.record("finance.round.create", "round", settlement.id, charges=len(charges), total=str(total))
    from modules.finance.jobs import notify_round

    jobs.enqueue(notify_round, settlement.id)
    return settlement


def rounds():
    return db.select(Round).options(selectinload(Round.transfers)).order_by(Round.id.desc())


def get_round(user, round_id: int) -> Round:
    require_treasurer(user)
    return get_or_404(Round, round_id)


def round_charges(round_id: int) -> list[Charge]:
    stmt = (
        db.select(Charge).join(RoundCharge, RoundCharge.charge_id == Charge.id).where(RoundCharge.round_id == round_id)
    )
    return list(db.session.scalars(stmt.order_by(Charge.id)))
