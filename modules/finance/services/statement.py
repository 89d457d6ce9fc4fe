"""A structure's statement: every charge it owes or is owed across modules, the payments it made
and received, each with its state and the running balance (positive: the structure is owed)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from core.clock import local, today
from core.extensions import db
from core.hookspecs import ChargeSource
from core.ledger import Charge
from core.plugins import collect
from modules.finance.models import Payment, RoundCharge, Transfer
from modules.finance.services.common import check_visible, module_of

PROVISIONAL, DUE, OVERDUE, PAID, CANCELLED = "provisional", "due", "overdue", "paid", "cancelled"


@dataclass(frozen=True)
class Row:
    day: date
    label: str
    counterpart: str
    module: str
    state: str
    amount: Decimal  # signed: positive when the structure is owed
    path: str | None = None
    balance: Decimal = Decimal("0.00")


def describe(sources: list[str]) -> dict[str, ChargeSource]:
    """What the modules say of these sources (erp_charge_sources); absent when no module does."""
    return {item.source: item for item in collect("erp_charge_sources", sources=sorted(set(sources)))}


def round_states(round_ids: set[int]) -> dict[tuple[int, int], str]:
    """(round, debtor) -> paid / overdue / due: a debtor's charges of a round are paid once its
    transfers of that round are (a debtor netted to nothing owes nothing)."""
    states: dict[tuple[int, int], str] = {}
    rows = db.session.execute(
        db.select(Transfer.round_id, Transfer.debtor_id, Transfer.amount, Transfer.paid, Transfer.due_on).where(
            Transfer.round_id.in_(round_ids)
        )
    )
    for round_id, debtor_id, amount, paid, due_on in rows:
        if paid < amount:
            states[(round_id, debtor_id)] = OVERDUE if due_on < today() else DUE
    return states


def charge_state(charge: Charge, round_id: int | None, states: dict, described: ChargeSource | None) -> str:
    if charge.released:
        return CANCELLED
    if round_id is None:
        return PROVISIONAL if described is not None and described.provisional else DUE
    return states.get((round_id, charge.debtor_id), PAID)


def _charge_rows(organization_id: int, module: str | None) -> list[Row]:
    frozen = db.select(RoundCharge.round_id).where(RoundCharge.charge_id == Charge.id).scalar_subquery()
    stmt = db.select(Charge, frozen).where(
        (Charge.debtor_id == organization_id) | (Charge.creditor_id == organization_id)
    )
    stmt = stmt.options(joinedload(Charge.debtor), joinedload(Charge.creditor)).order_by(Charge.created_at, Charge.id)
    pairs = list(db.session.execute(stmt))
    # a charge released before any round never counted; one released after its round is cancelled by a new line
    pairs = [
        (c, r)
        for c, r in pairs
        if (not c.released or r is not None) and (module is None or module_of(c.source) == module)
    ]
    described = describe([c.source for c, _r in pairs])
    states = round_states({r for _c, r in pairs if r is not None})
    rows = []
    for charge, round_id in pairs:
        owed = charge.creditor_id == organization_id
        source = described.get(charge.source)
        row = Row(
            local(charge.created_at).date(),
            source.label if source is not None else charge.reason,
            (charge.debtor if owed else charge.creditor).name,
            module_of(charge.source),
            charge_state(charge, round_id, states, source),
            charge.amount if owed else -charge.amount,
            source.path if source is not None else None,
        )
        rows.append(row)
        if charge.released:
            rows.append(replace(row, label=_("Cancelled: %(label)s", label=row.label), amount=-row.amount))
    return rows


def _payment_rows(organization_id: int) -> list[Row]:
    stmt = (
        db.select(Payment)
        .join(Transfer)
        .where((Transfer.debtor_id == organization_id) | (Transfer.creditor_id == organization_id))
    )
    rows = []
    for payment in db.session.scalars(stmt):
        made = payment.transfer.debtor_id == organization_id
        other = payment.transfer.creditor if made else payment.transfer.debtor
        label = _("Payment made") if made else _("Payment received")
        amount = payment.amount if made else -payment.amount
        rows.append(Row(payment.paid_on, f"{label} {payment.reference}".strip(), other.name, "finance", PAID, amount))
    return rows


def statement(
    user, organization_id: int, start: date | None = None, end: date | None = None, module: str | None = None
) -> tuple[Decimal, list[Row]]:
    """(opening balance, rows of the period) for a structure the user may see."""
    check_visible(user, organization_id)
    rows = _charge_rows(organization_id, module)
    if module is None:
        rows += _payment_rows(organization_id)
    rows.sort(key=lambda row: row.day)
    opening, balance, shown = Decimal("0.00"), Decimal("0.00"), []
    for row in rows:
        balance += row.amount
        if start is not None and row.day < start:
            opening = balance
        elif end is None or row.day <= end:
            shown.append(replace(row, balance=balance))
    return opening, shown


def modules_of(organization_id: int) -> list[str]:
    sources = db.session.scalars(
        db.select(Charge.source)
        .where((Charge.debtor_id == organization_id) | (Charge.creditor_id == organization_id))
        .distinct()
    )
    return sorted({module_of(source) for source in sources})


def per_module_states() -> dict[str, dict[str, Decimal]]:
    """Amounts per module and state (due, overdue, paid, open = not yet in a round), for the treasurer."""
    frozen = db.select(RoundCharge.round_id).where(RoundCharge.charge_id == Charge.id).scalar_subquery()
    pairs = list(db.session.execute(db.select(Charge, frozen).where(~Charge.released)))
    states = round_states({r for _c, r in pairs if r is not None})
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for charge, round_id in pairs:
        state = "open" if round_id is None else states.get((round_id, charge.debtor_id), PAID)
        totals[module_of(charge.source)][state] += charge.amount
    return {module: dict(values) for module, values in sorted(totals.items())}
