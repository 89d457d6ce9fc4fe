"""Accounting exports of a period for one structure: the journal as the FEC (the French standard,
18 tab-separated columns) and as a CSV Paheko imports, through a chart-of-accounts mapping per
ledger source prefix. Sales and purchases come from invoices and credit notes, bank lines from
payments; every entry balances (debit = credit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.clock import today
from core.errors import DomainError
from core.extensions import db
from modules.finance.models import CREDIT_NOTE, AccountMapping, Invoice, Payment, Transfer
from modules.finance.services.common import HORIZON_YEARS, check_visible, require_treasurer

CUSTOMERS, SUPPLIERS, BANK = "411", "401", "512"
DEFAULT_MAPPING = (  # prefix, revenue, expense, label
    ("pooling.booking", "706", "613", "Prestations : mutualisation de matériel"),
    ("pooling.campaign", "707", "607", "Ventes : achats groupés"),
    ("training", "706", "6228", "Prestations : formations"),
)
FALLBACK = ("", "708", "628", "Produits et charges divers")
FEC_COLUMNS = (
    "JournalCode JournalLib EcritureNum EcritureDate CompteNum CompteLib CompAuxNum CompAuxLib PieceRef "
    "PieceDate EcritureLib Debit Credit EcritureLet DateLet ValidDate Montantdevise Idevise"
).split()
PAHEKO_COLUMNS = (
    "Numéro d'écriture",
    "Date",
    "Libellé",
    "Numéro pièce comptable",
    "Compte",
    "Débit",
    "Crédit",
    "Libellé ligne",
)
MAX_DAYS = 366 * 3


@dataclass(frozen=True)
class Line:
    account: str
    account_label: str
    debit: Decimal
    credit: Decimal
    aux_number: str = ""
    aux_label: str = ""


@dataclass(frozen=True)
class Entry:
    journal: str
    journal_label: str
    day: date
    piece: str
    label: str
    lines: tuple[Line, ...]


def mapping() -> list[tuple[str, str, str, str]]:
    """(prefix, revenue account, expense account, label): the defaults, overridden by the saved rows."""
    rows = {prefix: (prefix, revenue, expense, label) for prefix, revenue, expense, label in DEFAULT_MAPPING}
    for saved in db.session.scalars(db.select(AccountMapping)):
        rows[saved.prefix] = (saved.prefix, saved.revenue_account, saved.expense_account, saved.label)
    return sorted(rows.values())


def account_for(source: str, accounts: list[tuple[str, str, str, str]]) -> tuple[str, str, str, str]:
    """The longest prefix of the mapping that the source starts with."""
    matches = [row for row in accounts if source == row[0] or source.startswith((row[0] + ".", row[0] + ":"))]
    return max(matches, key=lambda row: len(row[0]), default=FALLBACK)


def _line(account: str, label: str, amount: Decimal, debit: bool, aux_number: str = "", aux_label: str = "") -> Line:
    zero = Decimal("0.00")
    return Line(account, label, amount if debit else zero, zero if debit else amount, aux_number, aux_label)


def _invoice_entry(invoice: Invoice, organization_id: int, accounts) -> Entry:
    """A sale (the structure issued it) or a purchase (it received it)."""
    sale = invoice.issuer_id == organization_id
    other_id, other = (invoice.customer_id, invoice.customer_name) if sale else (invoice.issuer_id, invoice.issuer_name)
    third = CUSTOMERS if sale else SUPPLIERS
    # a sale debits the customer and credits revenue; a purchase is the mirror; a credit note reverses either
    tiers_debit = sale != (invoice.kind == CREDIT_NOTE)
    tiers_label = _("Customers") if sale else _("Suppliers")
    lines = [_line(third, tiers_label, invoice.total, tiers_debit, f"{third}{other_id:05d}", other)]
    for item in invoice.lines:
        _prefix, revenue, expense, label = account_for(item.source, accounts)
        lines.append(_line(revenue if sale else expense, label, item.amount, not tiers_debit))
    journal = ("VE", "Ventes") if sale else ("AC", "Achats")
    return Entry(*journal, invoice.issued_on, invoice.reference, f"{invoice.reference} {other}", tuple(lines))


def _payment_entry(payment: Payment, organization_id: int) -> Entry:
    """Paying a supplier debits 401 and credits the bank; receiving is the mirror."""
    transfer: Transfer = payment.transfer
    made = transfer.debtor_id == organization_id
    other = transfer.creditor if made else transfer.debtor
    third = SUPPLIERS if made else CUSTOMERS
    tiers_label = _("Suppliers") if made else _("Customers")
    tiers = _line(third, tiers_label, payment.amount, made, f"{third}{other.id:05d}", other.name)
    bank = _line(BANK, _("Bank"), payment.amount, not made)
    label = _("Payment %(name)s %(reference)s", name=other.name, reference=payment.reference).strip()
    return Entry("BQ", "Banque", payment.paid_on, f"P{payment.id}", label, (tiers, bank))


def period_error(start: date, end: date) -> tuple[str, str] | None:
    """(field, message) when the period cannot be exported, else None (also used by the form)."""
    for day, field in ((start, "start"), (end, "end")):
        if day.year < 2000 or (day - today()).days > 366 * HORIZON_YEARS:
            return field, _("Choose a date within %(num)d years.", num=HORIZON_YEARS)
    if end < start:
        return "end", _("The end of the period cannot be before its start.")
    if (end - start).days > MAX_DAYS:
        return "end", _("Export at most three years at a time.")
    return None


def _check_period(start: date, end: date) -> None:
    error = period_error(start, end)
    if error is not None:
        raise DomainError(error[1], field=error[0])


def journal(user, organization_id: int, start: date, end: date) -> list[Entry]:
    """The structure's entries of [start, end], by date."""
    require_treasurer(user)
    check_visible(user, organization_id)
    _check_period(start, end)
    accounts = mapping()
    invoices = db.session.scalars(
        db.select(Invoice)
        .where((Invoice.issuer_id == organization_id) | (Invoice.customer_id == organization_id))
        .where(Invoice.issued_on.between(start, end))
        .options(selectinload(Invoice.lines))
        .order_by(Invoice.issued_on, Invoice.id)
    )
    entries = [_invoice_entry(invoice, organization_id, accounts) for invoice in invoices]
    payments = db.session.scalars(
        db.select(Payment)
        .join(Transfer)
        .where((Transfer.debtor_id == organization_id) | (Transfer.creditor_id == organization_id))
        .where(Payment.paid_on.between(start, end))
        .order_by(Payment.paid_on, Payment.id)
    )
    entries += [_payment_entry(payment, organization_id) for payment in payments]
    return sorted(entries, key=lambda entry: entry.day)


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _clean(text: str) -> str:
    return " ".join(str(text).split())  # no tab or line break inside a FEC field


def fec_text(entries: list[Entry]) -> str:
    rows = ["\t".join(FEC_COLUMNS)]
    for number, entry in enumerate(entries, 1):
        day = f"{entry.day:%Y%m%d}"
        for line in entry.lines:
            fields = [
                entry.journal,
                entry.journal_label,
                str(number),
                day,
                line.account,
                line.account_label,
                line.aux_number,
                line.aux_label,
                entry.piece,
                day,
                entry.label,
                _amount(line.debit),
                _amount(line.credit),
                "",
                "",
                day,
                "",
                "",
            ]
            rows.append("\t".join(_clean(value) for value in fields))
    return "\r\n".join(rows) + "\r\n"


def fec_filename(siret: str, end: date) -> str:
    """The name the administration expects: SIREN, "FEC", closing date."""
    return f"{(siret or '000000000')[:9]}FEC{end:%Y%m%d}.txt"


def paheko_rows(entries: list[Entry]) -> list[list]:
    return [
        [
            number,
            f"{entry.day:%d/%m/%Y}",
            entry.label,
            entry.piece,
            line.account,
            line.debit or "",
            line.credit or "",
            line.aux_label or line.account_label,
        ]
        for number, entry in enumerate(entries, 1)
        for line in entry.lines
    ]
