"""Invoices and credit notes: numbered per issuer and year with no gap and no reuse, the French
mentions copied on the day of issue, immutable once issued (here and by database triggers)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import event

from core import audit
from core.accounts.models import Organization
from core.db import get_or_404
from core.errors import Conflict, NotFound
from core.extensions import db
from core.ledger import Charge
from core.pdf import Document
from modules.finance.models import (
    CREDIT_NOTE,
    INVOICE,
    VAT_EXEMPT,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    IssuerSettings,
)
from modules.finance.services.common import ISSUING, check_visible, serialize, visible_org_ids

VAT_EXEMPT_MENTION = "TVA non applicable, art. 293 B du CGI"
DEFAULT_LATE_TEXT = (
    "En cas de retard de paiement : pénalités au taux d'intérêt légal majoré de 10 points, "
    "indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 du code de commerce)."
)


def _refuse_change(mapper, connection, target):
    raise Conflict(_("An issued invoice or credit note cannot be changed or deleted; issue a credit note."))


for _model in (Invoice, InvoiceLine):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)


def settings_of(organization_id: int) -> IssuerSettings:
    """The issuer's settings (defaults until the treasurer saves them: no VAT, 30 days)."""
    return db.session.get(IssuerSettings, organization_id) or IssuerSettings(
        organization_id=organization_id, siret="", address="", vat_mode=VAT_EXEMPT, payment_terms_days=30
    )


def next_number(issuer_id: int, year: int) -> int:
    """Take the issuer's next number of the year under a row lock, in the invoice's transaction: a
    rolled-back invoice gives its number back, a committed one is never given again."""
    stmt = (
        db.select(InvoiceCounter)
        .where(InvoiceCounter.issuer_id == issuer_id, InvoiceCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    counter = db.session.scalar(stmt)
    if counter is None:
        counter = InvoiceCounter(issuer_id=issuer_id, year=year, last=0)
        db.session.add(counter)
    counter.last += 1
    db.session.flush()
    return counter.last


def _address(org: Organization, settings: IssuerSettings | None = None) -> str:
    if settings is not None and settings.address:
        return settings.address
    return ", ".join(part for part in (org.address, org.city) if part)


def _mentions(issuer: Organization, customer: Organization, issued_on: date) -> dict:
    settings = settings_of(issuer.id)
    if settings.vat_mode == VAT_EXEMPT or settings.vat_rate is None:
        vat = VAT_EXEMPT_MENTION
    else:
        vat = f"TVA {settings.vat_rate} % incluse"
    return {
        "issuer_name": issuer.name,
        "issuer_address": _address(issuer, settings),
        "issuer_siret": settings.siret,
        "customer_name": customer.name,
        "customer_address": _address(customer, db.session.get(IssuerSettings, customer.id)),
        "vat_mention": vat,
        "payment_terms": f"Paiement à {settings.payment_terms_days} jours",
        "late_payment_text": settings.late_payment_text or DEFAULT_LATE_TEXT,
        "due_on": issued_on + timedelta(days=settings.payment_terms_days),
    }


def _issue(kind: str, issuer_id: int, customer_id: int, charges: list[Charge], issued_on: date, **links) -> Invoice:
    issuer, customer = db.session.get(Organization, issuer_id), db.session.get(Organization, customer_id)
    invoice = Invoice(
        kind=kind,
        issuer_id=issuer_id,
        customer_id=customer_id,
        year=issued_on.year,
        number=next_number(issuer_id, issued_on.year),
        issued_on=issued_on,
        total=sum((c.amount for c in charges), Decimal("0.00")),
        **_mentions(issuer, customer, issued_on),
        **links,
    )
    db.session.add(invoice)
    db.session.flush()
    for charge in charges:
        db.session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                charge_id=charge.id,
                source=charge.source,
                description=charge.reason,
                quantity=1,
                unit_price=charge.amount,
                amount=charge.amount,
            )
        )
    db.session.flush()
    audit.record(f"finance.{kind}.issue", kind, invoice.id, reference=invoice.reference, total=str(invoice.total))
    return invoice


def issue_for_charges(charges: list[Charge], issued_on: date, round_id: int) -> list[Invoice]:
    """One invoice from each creditor to each debtor, its lines the charges (1 x the amount)."""
    pairs: dict[tuple[int, int], list[Charge]] = defaultdict(list)
    for charge in sorted(charges, key=lambda c: c.id):
        pairs[(charge.creditor_id, charge.debtor_id)].append(charge)
    return [
        _issue(INVOICE, issuer, customer, group, issued_on, round_id=round_id)
        for (issuer, customer), group in sorted(pairs.items())
    ]


def credit_released(issued_on: date) -> list[Invoice]:
    """A credit note for every invoiced charge released since, one per invoice; idempotent."""
    serialize(ISSUING)  # the scheduled job and a round must not credit the same charge twice
    credited = db.select(InvoiceLine.charge_id).join(Invoice).where(Invoice.kind == CREDIT_NOTE)
    rows = db.session.execute(
        db.select(Invoice, Charge)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .join(Charge, Charge.id == InvoiceLine.charge_id)
        .where(Invoice.kind == INVOICE, Charge.released, Charge.id.not_in(credited))
        .order_by(Invoice.id, Charge.id)
    )
    per_invoice: dict[int, tuple[Invoice, list[Charge]]] = {}
    for invoice, charge in rows:
        per_invoice.setdefault(invoice.id, (invoice, []))[1].append(charge)
    return [
        _issue(CREDIT_NOTE, inv.issuer_id, inv.customer_id, charges, issued_on, credited_invoice_id=inv.id)
        for inv, charges in per_invoice.values()
    ]


def visible_invoices(user, organization_id: int):
    """The invoices and credit notes a structure issued or received, newest first."""
    check_visible(user, organization_id)
    return (
        db.select(Invoice)
        .where((Invoice.issuer_id == organization_id) | (Invoice.customer_id == organization_id))
        .order_by(Invoice.issued_on.desc(), Invoice.id.desc())
    )


def get_invoice(user, invoice_id: int) -> Invoice:
    """The invoice, or NotFound when absent or not the user's structure's."""
    invoice = get_or_404(Invoice, invoice_id)
    orgs = visible_org_ids(user)
    if orgs is not None and not orgs & {invoice.issuer_id, invoice.customer_id}:
        raise NotFound(_("Not found."))
    return invoice


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f} €".replace(",", "\u202f").replace(".", ",")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The document as issued: French, like the mentions it carries."""
    title = "Avoir" if invoice.kind == CREDIT_NOTE else "Facture"
    doc = Document(f"{title} n° {invoice.reference}")
    doc.paragraph(f"Émetteur : {invoice.issuer_name}\n{invoice.issuer_address}\nSIRET : {invoice.issuer_siret or '-'}")
    doc.ln(2)
    doc.paragraph(f"Client : {invoice.customer_name}\n{invoice.customer_address}")
    doc.ln(2)
    doc.paragraph(f"Date : {invoice.issued_on:%d/%m/%Y}   Échéance : {invoice.due_on:%d/%m/%Y}")
    if invoice.credited_invoice is not None:
        doc.paragraph(f"Avoir sur la facture n° {invoice.credited_invoice.reference}")
    rows = [[line.description, line.quantity, _euros(line.unit_price), _euros(line.amount)] for line in invoice.lines]
    doc.table_rows(["Désignation", "Quantité", "Prix unitaire", "Montant"], rows, widths=[90, 25, 35, 35])
    doc.heading(f"Total : {_euros(invoice.total)}")
    doc.paragraph(invoice.vat_mention)
    doc.paragraph(invoice.payment_terms)
    doc.paragraph(invoice.late_payment_text)
    return doc.render()
