"""Charges between organizations and the settlement of the network ("who owes whom").

Modules post charges with a reason and a source ("pooling.booking:12"); releasing a source
cancels its charges (they stay in the history). Balances are net per organization; ``settle``
returns the fewest transfers that bring every balance to zero.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import audit, signals
from core.accounts.models import Organization
from core.db import Money, UTCDateTime, utcnow
from core.extensions import Model, db
from core.money import to_cents

EXACT_LIMIT = 14  # above this many open balances, a greedy settlement (at most n-1 transfers)


class Charge(Model):
    __tablename__ = "core_charge"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint("debtor_id <> creditor_id", name="two_parties"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(120), index=True)
    released: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    debtor: Mapped[Organization] = relationship(foreign_keys=[debtor_id])
    creditor: Mapped[Organization] = relationship(foreign_keys=[creditor_id])


@dataclass(frozen=True)
class Transfer:
    debtor_id: int
    creditor_id: int
    amount: Decimal


def post_charge(debtor_id: int, creditor_id: int, amount, reason: str, source: str) -> Charge | None:
    """Add a charge to the current transaction; a zero amount or a self-charge posts nothing."""
    amount = to_cents(amount)
    if amount == 0 or debtor_id == creditor_id:
        return None
    if amount < 0:
        raise ValueError("a charge is a positive amount; swap debtor and creditor")
    charge = Charge(debtor_id=debtor_id, creditor_id=creditor_id, amount=amount, reason=reason, source=source)
    db.session.add(charge)
    db.session.flush()
    audit.record("ledger.charge", "charge", charge.id, amount=str(amount), source=source)
    signals.charge_posted.send(charge)
    return charge


def release(source: str) -> int:
    """Cancel every live charge of a source (a cancelled session, a refunded booking)."""
    charges = list(db.session.scalars(db.select(Charge).where(Charge.source == source, ~Charge.released)))
    for charge in charges:
        charge.released = True
    if charges:
        audit.record("ledger.release", "charge-source", source, count=len(charges))
        signals.charges_released.send(source, count=len(charges))
    return len(charges)


def charges_of(source: str) -> list[Charge]:
    return list(db.session.scalars(db.select(Charge).where(Charge.source == source, ~Charge.released)))


def balances() -> dict[int, Decimal]:
    """Net position per organization: positive means it is owed money."""
    net: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    rows = db.session.execute(
        db.select(Charge.debtor_id, Charge.creditor_id, db.func.sum(Charge.amount))
        .where(~Charge.released)
        .group_by(Charge.debtor_id, Charge.creditor_id)
    )
    for debtor, creditor, amount in rows:
        amount = to_cents(amount)
        net[debtor] -= amount
        net[creditor] += amount
    return {org: value for org, value in net.items() if value != 0}


def _greedy(items: list[tuple[int, Decimal]]) -> list[Transfer]:
    # [amount still to settle, organization], largest first
    creditors: list[list] = [[a, o] for a, o in sorted(((a, o) for o, a in items if a > 0), reverse=True)]
    debtors: list[list] = [[a, o] for a, o in sorted(((-a, o) for o, a in items if a < 0), reverse=True)]
    transfers: list[Transfer] = []
    ci = di = 0
    while ci < len(creditors) and di < len(debtors):
        amount = min(creditors[ci][0], debtors[di][0])
        transfers.append(Transfer(debtors[di][1], creditors[ci][1], amount))
        creditors[ci][0] -= amount
        debtors[di][0] -= amount
        ci += creditors[ci][0] == 0
        di += debtors[di][0] == 0
    return transfers


def _zero_sum_groups(items: list[tuple[int, Decimal]]) -> list[list[tuple[int, Decimal]]]:
    """Split balances into as many zero-sum groups as possible: each group settles alone in
    (size - 1) transfers, so more groups means fewer transfers. best[mask] is the largest number
    of zero-sum prefixes over the orderings of mask, which equals its best partition."""
    n = len(items)
    sums = [Decimal(0)] * (1 << n)
    best = [0] * (1 << n)
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        sums[mask] = sums[mask & (mask - 1)] + items[low][1]
        best[mask] = max(best[mask ^ (1 << i)] for i in range(n) if mask >> i & 1) + (sums[mask] == 0)
    groups, current, mask = [], [], (1 << n) - 1
    while mask:
        i = next(i for i in range(n) if mask >> i & 1 and best[mask ^ (1 << i)] + (sums[mask] == 0) == best[mask])
        current.append(items[i])
        mask ^= 1 << i
        if sums[mask] == 0:
            groups.append(current)
            current = []
    return groups


def settle(net: dict[int, Decimal] | None = None) -> list[Transfer]:
    """The fewest transfers that net every balance to zero (exact up to EXACT_LIMIT parties)."""
    net = balances() if net is None else net
    items = sorted((org, to_cents(a)) for org, a in net.items() if a != 0)
    if sum(a for _, a in items) != 0:
        raise ValueError("balances do not sum to zero")
    if len(items) > EXACT_LIMIT:
        return _greedy(items)
    transfers: list[Transfer] = []
    for group in _zero_sum_groups(items):
        transfers.extend(_greedy(group))
    return transfers


def transfers_csv(transfers: list[Transfer], names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["debtor", "creditor", "amount_eur"])
    for t in transfers:
        writer.writerow([names.get(t.debtor_id, t.debtor_id), names.get(t.creditor_id, t.creditor_id), t.amount])
    return out.getvalue()
