"""Rounds, invoices, credit notes and payments through the services: the invariants of issue 20."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import DatabaseError

from core import ledger
from core.accounts.permissions import PermissionDenied
from core.audit import AuditEntry
from core.clock import today
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.finance.models import CREDIT_NOTE, INVOICE, Invoice, InvoiceLine, Payment, RoundCharge, Transfer
from modules.finance.services import invoices, payments, rounds
from modules.finance.services.statement import statement


def test_a_round_freezes_open_charges_into_the_fewest_transfers(world, charge, make_round):
    a, b, c = world.orgs
    charge(a, b, "10.00")
    charge(b, c, "10.00", "training.session:1")
    charge(c, a, "4.00", "pooling.campaign:3")
    settlement = make_round()
    assert settlement.total == Decimal("24.00")
    transfers = [(t.debtor_id, t.creditor_id, t.amount) for t in settlement.transfers]
    assert transfers == [(a.id, c.id, Decimal("6.00"))]  # a owes 10, is owed 4; c is owed 6 net
    assert all(t.due_on == today() + timedelta(days=30) for t in settlement.transfers)
    with pytest.raises(DomainError):  # nothing left to freeze
        make_round()


def test_a_charge_belongs_to_one_round_at_most(world, charge, make_round):
    posted = charge(world.orgs[0], world.orgs[1], "10.00")
    first = make_round()
    db.session.add(RoundCharge(round_id=first.id, charge_id=posted.id))
    with pytest.raises(DatabaseError):
        db.session.flush()
    db.session.rollback()


def test_invoices_are_numbered_per_issuer_and_year_without_gap(world, charge, make_round):
    a, b, c = world.orgs
    charge(a, b, "10.00")
    charge(c, b, "5.00", "pooling.booking:2")
    charge(b, a, "3.00", "training.session:9")
    make_round()
    charge(a, b, "7.00", "pooling.booking:3")
    make_round()
    issued = db.session.scalars(db.select(Invoice).order_by(Invoice.id)).all()
    by_issuer = {}
    for invoice in issued:
        by_issuer.setdefault(invoice.issuer_id, []).append(invoice.number)
    assert by_issuer == {a.id: [1], b.id: [1, 2, 3]}
    first = issued[0]
    assert first.kind == INVOICE and first.lines[0].quantity == 1
    assert first.total == sum(line.amount for line in first.lines)
    assert first.vat_mention == "TVA non applicable, art. 293 B du CGI"
    assert (first.issuer_id, first.customer_address) == (a.id, "1 rue B, Tours")


def test_issued_invoices_are_immutable_in_the_service_and_the_database(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "10.00")
    make_round()
    invoice = db.session.scalars(db.select(Invoice)).one()
    invoice.total = Decimal("1.00")
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(db.select(InvoiceLine)).first())
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()
    for sql in (
        "UPDATE finance_invoice SET total = 1",
        "DELETE FROM finance_invoice_line",
        "DELETE FROM finance_invoice",
    ):
        with pytest.raises(DatabaseError):
            db.session.execute(db.text(sql))
        db.session.rollback()
    assert db.session.scalars(db.select(Invoice)).one().total == Decimal("10.00")


def test_a_released_charge_gets_a_credit_note_and_is_netted_back(world, charge, make_round):
    a, b = world.orgs[:2]
    charge(a, b, "10.00", "pooling.booking:5")
    charge(a, b, "4.00", "pooling.booking:6")
    make_round()
    ledger.release("pooling.booking:5")
    invoices.credit_released(today())
    invoices.credit_released(today())  # idempotent
    db.session.commit()
    notes = db.session.scalars(db.select(Invoice).where(Invoice.kind == CREDIT_NOTE)).all()
    assert len(notes) == 1 and notes[0].total == Decimal("10.00") and notes[0].number == 2
    assert notes[0].credited_invoice.number == 1
    charge(b, a, "1.00", "training.session:2")
    second = make_round()
    assert [(t.debtor_id, t.creditor_id, t.amount) for t in second.transfers] == [(b.id, a.id, Decimal("11.00"))]


def test_partial_payments_never_exceed_what_remains(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "100.00")
    transfer = make_round().transfers[0]
    payments.record_payment(world.treasurer, transfer.id, Decimal("40"), today(), "transfer", "VIR 1")
    db.session.commit()
    for amount, field in (("60.01", "amount"), ("-5", "amount"), ("0", "amount")):
        with pytest.raises(DomainError) as refused:
            payments.record_payment(world.treasurer, transfer.id, Decimal(amount), today(), "cheque")
        assert refused.value.field == field
        db.session.rollback()
    with pytest.raises(DomainError) as refused:
        payments.record_payment(world.treasurer, transfer.id, Decimal("1"), today() + timedelta(days=1), "cash")
    assert refused.value.field == "paid_on"
    db.session.rollback()
    payments.record_payment(world.treasurer, transfer.id, Decimal("60"), today(), "transfer")
    db.session.commit()
    assert db.session.get(Transfer, transfer.id).remaining == 0
    with pytest.raises(DomainError):
        payments.record_payment(world.treasurer, transfer.id, Decimal("1"), today(), "transfer")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 2


def test_the_creditor_records_a_payment_the_debtor_cannot(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "50.00")
    transfer = make_round().transfers[0]
    with pytest.raises(PermissionDenied):
        payments.record_payment(world.managers[0], transfer.id, Decimal("5"), today(), "transfer")
    db.session.rollback()
    payments.record_payment(world.managers[1], transfer.id, Decimal("5"), today(), "transfer")
    db.session.commit()


def test_only_the_network_treasurer_runs_a_round(world, charge, make_org, make_user):
    charge(world.orgs[0], world.orgs[1], "50.00")
    member_treasurer = make_user("treasurer", org=world.orgs[0])
    for user in (world.managers[0], member_treasurer):
        with pytest.raises(PermissionDenied):
            rounds.create_round(user, utcnow(), today())
        db.session.rollback()


def test_round_dates_are_checked(world, charge):
    charge(world.orgs[0], world.orgs[1], "50.00")
    for cutoff, due_on, field in (
        (utcnow() + timedelta(days=1), today() + timedelta(days=2), "cutoff"),
        (utcnow(), today() - timedelta(days=1), "due_on"),
        (utcnow(), today().replace(year=today().year + 10), "due_on"),
    ):
        with pytest.raises(DomainError) as refused:
            rounds.create_round(world.treasurer, cutoff, due_on)
        assert refused.value.field == field
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(RoundCharge)) == 0


def test_the_statement_runs_to_zero_once_paid(world, charge, make_round):
    a, b = world.orgs[:2]
    charge(a, b, "30.00")
    charge(a, b, "12.50", "training.session:4")
    opening, rows = statement(world.managers[0], a.id)
    assert [r.state for r in rows] == ["due", "due"] and rows[-1].balance == Decimal("-42.50")
    transfer = make_round().transfers[0]
    payments.record_payment(world.managers[1], transfer.id, Decimal("42.50"), today(), "transfer", "VIR 9")
    db.session.commit()
    opening, rows = statement(world.managers[0], a.id)
    assert [r.state for r in rows] == ["paid", "paid", "paid"]
    assert rows[-1].balance == 0 and opening == 0
    _opening, rows = statement(world.managers[0], a.id, module="training")
    assert [r.amount for r in rows] == [Decimal("-12.50")]


def test_every_action_is_audited(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "50.00")
    transfer = make_round().transfers[0]
    payments.record_payment(world.treasurer, transfer.id, Decimal("5"), today(), "transfer")
    db.session.commit()
    actions = set(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action.like("finance.%"))))
    assert actions == {"finance.round.create", "finance.invoice.issue", "finance.payment.record"}


def test_sources_described_by_a_module_show_their_label_link_and_state(world, charge, monkeypatch):
    from core.hookspecs import ChargeSource
    from modules.finance.services import statement as statements

    charge(world.orgs[0], world.orgs[1], "30.00", "pooling.booking:7", "raw reason")
    charge(world.orgs[0], world.orgs[1], "5.00", "unknown.thing:1", "other raw reason")
    described = [ChargeSource("pooling.booking:7", "Booking: van", "/pooling/bookings/7", provisional=True)]
    monkeypatch.setattr(statements, "collect", lambda name, sources: [d for d in described if d.source in sources])
    _opening, rows = statement(world.managers[0], world.orgs[0].id)
    assert [(r.label, r.path, r.state) for r in rows] == [
        ("Booking: van", "/pooling/bookings/7", "provisional"),
        ("other raw reason", None, "due"),
    ]


def test_fec_lines_use_the_standard_formats(world, charge, make_round):
    from modules.finance.services import exports

    charge(world.orgs[0], world.orgs[1], "1234.50", "pooling.campaign:1", "Achat\tgroupé")
    make_round()
    entries = exports.journal(world.treasurer, world.orgs[1].id, today(), today())
    header, *lines = exports.fec_text(entries).splitlines()
    assert header.split("\t") == exports.FEC_COLUMNS and len(exports.FEC_COLUMNS) == 18
    first, second = (line.split("\t") for line in lines)
    assert first[0] == "VE" and first[3] == today().strftime("%Y%m%d") and first[4] == "411"
    assert first[11:13] == ["1234,50", "0,00"] and second[4] == "707" and second[11:13] == ["0,00", "1234,50"]
