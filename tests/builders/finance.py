"""Finance rows of a unit: a fee the unit is owed by home beside the core builder's charge (the
unit owes home), a settlement round freezing them (transfers, invoices both ways), a partial
payment on each of the round's transfers, and the unit's invoice settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from core import ledger
from core.clock import today
from core.db import utcnow
from modules.finance.models import VAT_EXEMPT
from modules.finance.services import payments, rounds, settings


def siret(index: int) -> str:
    """A SIRET passing the check key, distinct per unit."""
    base = f"{900000000 + index:09d}0001"
    return next(f"{base}{key}" for key in range(10) if settings.siret_ok(f"{base}{key}"))


def prepare(net):
    settings.save_issuer(net.admin, net.network.id, siret(0), "1 place du Réseau, Orléans", VAT_EXEMPT, None, 30, "")
    return SimpleNamespace()


def add(net, unit) -> None:
    ledger.post_charge(
        net.home.id, unit.org.id, Decimal("7.25") + unit.index, "Prêt de remorque", f"tests.finance:{unit.index}"
    )
    settings.save_issuer(net.admin, unit.org.id, siret(unit.index), "", VAT_EXEMPT, None, 30, "")
    settlement = rounds.create_round(net.admin, utcnow(), today() + timedelta(days=10 + unit.index))
    for transfer in settlement.transfers:
        payments.record_payment(net.admin, transfer.id, Decimal("1.00"), today(), "transfer", f"VIR {unit.index}")
