"""Payments on a transfer: partial or whole, never more than what remains. The transfer's row is
locked while what remains is checked, so two people marking it paid at once record one payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from core import audit
from core.accounts.permissions import PermissionDenied, permitted_org_ids
from core.clock import today
from core.db import get_or_404, locked
from core.errors import DomainError, NotFound
from core.extensions import db
from core.money import to_cents
from modules.finance.models import MEANS, Payment, Transfer
from modules.finance.services.common import STATEMENT, check_day, check_visible, is_treasurer, visible_org_ids

MAX_REFERENCE = 120


def visible_transfers(user, organization_id: int | None = None):
    """Transfers the user's structures pay or receive (all for the treasurer), latest due first;
    those of one structure when given (NotFound when the user may not see it)."""
    if organization_id is not None:
        check_visible(user, organization_id)
    stmt = db.select(Transfer).order_by(Transfer.due_on.desc(), Transfer.id.desc())
    orgs = visible_org_ids(user)
    if orgs is not None:
        orgs = orgs & {organization_id} if organization_id is not None else orgs
        stmt = stmt.where(Transfer.debtor_id.in_(orgs or [-1]) | Transfer.creditor_id.in_(orgs or [-1]))
    elif organization_id is not None:
        stmt = stmt.where((Transfer.debtor_id == organization_id) | (Transfer.creditor_id == organization_id))
    return stmt


def visible_payments(user, organization_id: int | None = None):
    transfers = visible_transfers(user, organization_id).order_by(None).with_only_columns(Transfer.id)
    return (
        db.select(Payment).where(Payment.transfer_id.in_(transfers)).order_by(Payment.paid_on.desc(), Payment.id.desc())
    )


def _seen(user, transfer: Transfer) -> None:
    orgs = visible_org_ids(user)
    if orgs is not None and not orgs & {transfer.debtor_id, transfer.creditor_id}:
        raise NotFound(_("Not found."))


def get_transfer(user, transfer_id: int) -> Transfer:
    transfer = get_or_404(Transfer, transfer_id)
    _seen(user, transfer)
    return transfer


def may_record(user, transfer: Transfer) -> bool:
    """The treasurer, or the creditor (who sees the money arrive), records a payment."""
    return recorder(user)(transfer)


def recorder(user):
    """``may_record`` for many transfers (a page of them), asking who the user is only once."""
    if is_treasurer(user):
        return lambda transfer: True
    creditors = permitted_org_ids(user, STATEMENT) or set()
    return lambda transfer: transfer.creditor_id in creditors


def _check(transfer: Transfer, amount: Decimal, paid_on: date, means: str, reference: str) -> None:
    if amount <= 0:
        raise DomainError(_("A payment is a positive amount."), field="amount")
    if amount > transfer.remaining:
        if transfer.remaining == 0:
            raise DomainError(_("This transfer is already paid in full."), field="amount")
        raise DomainError(_("At most %(amount)s € remain to be paid.", amount=transfer.remaining), field="amount")
    check_day(paid_on, "paid_on")
    if paid_on > today():
        raise DomainError(_("A payment cannot be dated in the future."), field="paid_on")
    if means not in MEANS:
        raise DomainError(_("Choose a means of payment."), field="means")
    if len(reference) > MAX_REFERENCE:
        raise DomainError(_("The reference has at most %(num)d characters.", num=MAX_REFERENCE), field="reference")


def record_payment(user, transfer_id: int, amount, paid_on: date, means: str, reference: str = "") -> Payment:
    transfer = locked(Transfer, transfer_id)
    _seen(user, transfer)
    if not may_record(user, transfer):
        raise PermissionDenied(STATEMENT)
    amount, reference = to_cents(amount), (reference or "").strip()
    _check(transfer, amount, paid_on, means, reference)
    payment = Payment(
        transfer_id=transfer.id,
        amount=amount,
        paid_on=paid_on,
        means=means,
        reference=reference,
        recorded_by_id=getattr(user, "id", None),
    )
    transfer.paid += amount
    db.session.add(payment)
    db.session.flush()
    audit.record("finance.payment.record", "transfer", transfer.id, amount=str(amount), means=means)
    return payment
