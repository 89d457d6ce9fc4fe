"""Background work: tell debtors what a round made due, remind them before the due date and once
overdue (once each, flags on the transfer), and credit the invoiced charges released since."""

from __future__ import annotations

from datetime import timedelta

from core import mail
from core.accounts.directory import managers_of
from core.clock import today
from core.extensions import db
from core.web.urls import public_url
from modules.finance.models import Round, Transfer
from modules.finance.services import invoices

REMIND_BEFORE = timedelta(days=3)


def _tell(template: str, transfer: Transfer) -> None:
    link = public_url("finance.transfers", org=transfer.debtor_id)
    for user in managers_of(transfer.debtor_id):
        mail.send(template, user, transfer=transfer, link=link)


def notify_round(round_id: int) -> None:
    """The debtors of a new round learn what they owe, to whom and by when."""
    settlement = db.session.get(Round, round_id)
    for transfer in settlement.transfers if settlement is not None else []:
        _tell("finance/mail/due.txt", transfer)


def send_reminders() -> None:
    """A reminder a few days before the due date, another once overdue; each sent once."""
    day = today()
    unpaid = db.select(Transfer).where(Transfer.paid < Transfer.amount).order_by(Transfer.id)
    soon = unpaid.where(~Transfer.reminded_before, Transfer.due_on >= day, Transfer.due_on <= day + REMIND_BEFORE)
    for transfer in list(db.session.scalars(soon)):
        transfer.reminded_before = True
        _tell("finance/mail/reminder.txt", transfer)
    late = unpaid.where(~Transfer.reminded_overdue, Transfer.due_on < day)
    for transfer in list(db.session.scalars(late)):
        transfer.reminded_overdue = True
        _tell("finance/mail/overdue.txt", transfer)


def credit_released() -> None:
    """Charges released after being invoiced get their credit note without waiting for a round."""
    invoices.credit_released(today())
