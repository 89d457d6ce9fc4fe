"""The treasurer's dashboard: due, overdue and paid per structure, ageing of what is late."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.clock import today
from core.extensions import db
from modules.finance.models import Transfer

# upper bounds in days late; the last bucket is open-ended
AGEING = (30, 60, 90)


@dataclass
class Position:
    name: str
    due: Decimal = Decimal("0.00")
    overdue: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")


@dataclass
class Overview:
    structures: list[Position] = field(default_factory=list)
    ageing: list[Decimal] = field(default_factory=list)  # not late yet, then one per AGEING bucket and beyond

    @property
    def totals(self) -> Position:
        return Position(
            "",
            sum((p.due for p in self.structures), Decimal("0.00")),
            sum((p.overdue for p in self.structures), Decimal("0.00")),
            sum((p.paid for p in self.structures), Decimal("0.00")),
        )


def _bucket(days_late: int) -> int:
    if days_late <= 0:
        return 0
    return 1 + sum(days_late > bound for bound in AGEING)


def overview() -> Overview:
    """One pass over the transfers (a network has a few per round)."""
    positions: dict[int, Position] = {}
    ageing = [Decimal("0.00")] * (len(AGEING) + 2)
    day = today()
    for transfer in db.session.scalars(db.select(Transfer)):
        position = positions.setdefault(transfer.debtor_id, Position(transfer.debtor.name))
        position.paid += transfer.paid
        if transfer.remaining:
            late = (day - transfer.due_on).days
            if late > 0:
                position.overdue += transfer.remaining
            else:
                position.due += transfer.remaining
            ageing[_bucket(late)] += transfer.remaining
    return Overview(sorted(positions.values(), key=lambda p: p.name), ageing)


def owed_by(organization_ids: set[int] | None) -> dict[str, Decimal]:
    """Due and overdue amounts the given structures still have to pay (all when None)."""
    stmt = db.select(Transfer).where(Transfer.paid < Transfer.amount)
    if organization_ids is not None:
        stmt = stmt.where(Transfer.debtor_id.in_(organization_ids or [-1]))
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for transfer in db.session.scalars(stmt):
        totals["overdue" if transfer.due_on < today() else "due"] += transfer.remaining
    return {"due": totals["due"], "overdue": totals["overdue"]}
