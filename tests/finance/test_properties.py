"""Random rounds (hypothesis): the invoices of a round add up to its charges, and its transfers
settle every balance exactly; the journal of a period balances entry by entry and in total."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ledger
from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.finance.models import Invoice, Payment, RoundCharge, Transfer
from modules.finance.services import exports, payments, rounds

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
charges = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), amounts), min_size=1, max_size=12)


def _clean() -> None:
    # the database outlives hypothesis examples; invoices are immutable, so start from a new network
    db.session.rollback()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=charges)
def test_round_invoices_equal_charges_and_transfers_settle(world, drawn):
    orgs = world.orgs
    posted = [
        ledger.post_charge(orgs[d].id, orgs[c].id, amount, "x", f"tests.random:{i}")
        for i, (d, c, amount) in enumerate(drawn)
    ]
    posted = [p for p in posted if p is not None]
    if not posted:
        return
    settlement = rounds.create_round(world.treasurer, utcnow(), today() + timedelta(days=5))
    db.session.flush()
    frozen = [
        rc.charge for rc in db.session.scalars(db.select(RoundCharge).where(RoundCharge.round_id == settlement.id))
    ]
    issued = db.session.scalars(db.select(Invoice).where(Invoice.round_id == settlement.id)).all()
    assert sum(i.total for i in issued) == sum(c.amount for c in frozen) == settlement.total
    net: dict[int, Decimal] = defaultdict(Decimal)
    for c in frozen:
        net[c.creditor_id] += c.amount
        net[c.debtor_id] -= c.amount
    for t in db.session.scalars(db.select(Transfer).where(Transfer.round_id == settlement.id)):
        net[t.debtor_id] += t.amount
        net[t.creditor_id] -= t.amount
    assert all(v == 0 for v in net.values())
    _clean()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=charges, share=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2))
def test_the_journal_balances(world, drawn, share):
    orgs = world.orgs
    for i, (d, c, amount) in enumerate(drawn):
        ledger.post_charge(orgs[d].id, orgs[c].id, amount, "x", f"pooling.booking:{i}")
    if not db.session.scalar(db.select(db.func.count()).select_from(ledger.Charge)):
        return
    settlement = rounds.create_round(world.treasurer, utcnow(), today() + timedelta(days=5))
    for t in settlement.transfers:
        payments.record_payment(
            world.treasurer,
            t.id,
            max(Decimal("0.01"), (t.amount * share).quantize(Decimal("0.01"))),
            today(),
            "transfer",
        )
    ledger.release("pooling.booking:0")
    from modules.finance.services.invoices import credit_released

    credit_released(today())
    for org in orgs:
        entries = exports.journal(world.treasurer, org.id, today() - timedelta(days=1), today())
        for entry in entries:
            assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines), entry
        assert sum(line.debit for e in entries for line in e.lines) == sum(
            line.credit for e in entries for line in e.lines
        )
        text = exports.fec_text(entries)
        assert all(len(row.split("\t")) == 18 for row in text.splitlines())
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == len(settlement.transfers)
    _clean()
