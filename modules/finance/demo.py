"""Demo data: the network's treasurer, invoice settings for the network and its members, and one
past settlement round (network coordination fees) with its invoices and a partial payment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core import ledger
from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.finance.models import VAT_EXEMPT
from modules.finance.services import payments, rounds, settings

FEES = [("tours", "120.00"), ("orleans", "85.50"), ("blois", "64.25"), ("limoges", "42.10")]


def siret(base: str) -> str:
    """A 14-digit SIRET with a valid check key, from 13 digits."""
    for key in range(10):
        candidate = f"{base}{key}"
        if settings.siret_ok(candidate):
            return candidate
    raise ValueError(base)


def load(demo) -> None:
    treasurer = demo.users["tresorerie"]
    for index, org in enumerate([demo.network, *demo.members.values()]):
        settings.save_issuer(treasurer, org.id, siret(f"{812345670 + index:09d}0001"), "", VAT_EXEMPT, None, 30, "")
    for number, (key, amount) in enumerate(FEES, 1):
        ledger.post_charge(
            demo.members[key].id,
            demo.network.id,
            Decimal(amount),
            "Frais de coordination du réseau",
            f"finance.demo:{number}",
        )
    db.session.flush()
    settlement = rounds.create_round(treasurer, utcnow(), today() + timedelta(days=30))
    first = settlement.transfers[0]
    payments.record_payment(treasurer, first.id, first.amount / 2, today(), "transfer", "VIR-DEMO-1")
    db.session.commit()
