"""Mails when a round makes an amount due, reminders before the due date and once overdue (once
each), credit notes by the scheduled job, calendar events, dashboard cards, demo data."""

from __future__ import annotations

from datetime import timedelta

from core import ledger
from core.clock import today
from core.db import utcnow
from core.extensions import db
from core.mail import OutgoingMail
from core.plugins import collect
from modules.finance import jobs
from modules.finance.models import CREDIT_NOTE, Invoice, Transfer


def _mails(template: str) -> list[OutgoingMail]:
    stmt = db.select(OutgoingMail).where(OutgoingMail.template == f"finance/mail/{template}")
    return list(db.session.scalars(stmt.order_by(OutgoingMail.id)))


def test_a_round_tells_the_debtors_managers(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "40.00")
    settlement = make_round()
    jobs.notify_round(settlement.id)
    (mail,) = _mails("due.txt")
    assert mail.to_address == world.managers[0].email
    assert "Somme due" in mail.subject and "40,00" in mail.subject.replace("\u202f", "").replace("\xa0", "")


def test_reminders_are_sent_once_before_and_once_overdue(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "40.00")
    transfer = make_round(due_in_days=2).transfers[0]
    jobs.send_reminders()
    jobs.send_reminders()
    assert len(_mails("reminder.txt")) == 1 and not _mails("overdue.txt")
    db.session.get(Transfer, transfer.id).due_on = today() - timedelta(days=1)
    jobs.send_reminders()
    jobs.send_reminders()
    assert len(_mails("overdue.txt")) == 1


def test_paid_transfers_get_no_reminder(world, charge, make_round):
    from modules.finance.services.payments import record_payment

    charge(world.orgs[0], world.orgs[1], "40.00")
    transfer = make_round(due_in_days=1).transfers[0]
    record_payment(world.treasurer, transfer.id, transfer.amount, today(), "transfer")
    jobs.send_reminders()
    assert not _mails("reminder.txt")


def test_the_scheduled_job_credits_released_charges(world, charge, make_round):
    charge(world.orgs[0], world.orgs[1], "40.00", "training.session:3")
    make_round()
    ledger.release("training.session:3")
    jobs.credit_released()
    jobs.credit_released()
    assert db.session.scalar(db.select(db.func.count()).where(Invoice.kind == CREDIT_NOTE)) == 1


def test_calendar_events_and_widgets(world, charge, make_round, client, login_as):
    charge(world.orgs[0], world.orgs[1], "40.00")
    make_round(due_in_days=3)
    events = collect(
        "erp_calendar_events", user=world.managers[0], start=utcnow(), end=utcnow() + timedelta(days=10), limit=5
    )
    assert [e.uid for e in events] == [f"finance-transfer-{db.session.scalar(db.select(Transfer.id))}"]
    assert not collect(
        "erp_calendar_events", user=world.managers[2], start=utcnow(), end=utcnow() + timedelta(days=10), limit=None
    )
    login_as(world.treasurer)
    assert "Trésorerie" in client.get("/").get_data(as_text=True)


def test_demo_data_loads(app):
    from core.demo import load_demo
    from modules.finance.models import IssuerSettings, Payment, Round

    load_demo()
    assert db.session.scalar(db.select(db.func.count()).select_from(Round)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Invoice)) == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(IssuerSettings)) > 3
