"""The treasurer's settings: what each issuer prints on its invoices, and the chart of accounts."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from core import audit
from core.errors import DomainError
from core.extensions import db
from modules.finance.models import VAT_EXEMPT, VAT_RATE, AccountMapping, IssuerSettings
from modules.finance.services.common import organization, require_treasurer

MAX_TERMS = 120
MAX_ADDRESS = 300
MAX_LATE_TEXT = 2000


def siret_ok(siret: str) -> bool:
    """14 digits passing the Luhn check (the INSEE key of a SIRET)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(siret)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _check(siret: str, address: str, vat_mode: str, vat_rate, terms: int, late_text: str) -> None:
    errors = {}
    if siret and not siret_ok(siret):
        errors["siret"] = _("A SIRET has 14 digits and a valid check key.")
    if len(address) > MAX_ADDRESS:
        errors["address"] = _("The address has at most %(num)d characters.", num=MAX_ADDRESS)
    if vat_mode not in (VAT_EXEMPT, VAT_RATE):
        errors["vat_mode"] = _("Choose a VAT mode.")
    elif vat_mode == VAT_RATE and (vat_rate is None or not Decimal(0) < vat_rate < Decimal(100)):
        errors["vat_rate"] = _("Give a VAT rate between 0 and 100 %.")
    if terms is None or not 0 <= terms <= MAX_TERMS:
        errors["payment_terms_days"] = _("Payment terms are 0 to %(num)d days.", num=MAX_TERMS)
    if len(late_text) > MAX_LATE_TEXT:
        errors["late_payment_text"] = _("The mention has at most %(num)d characters.", num=MAX_LATE_TEXT)
    if errors:
        raise DomainError(next(iter(errors.values())), errors=errors)


def save_issuer(user, organization_id: int, siret, address, vat_mode, vat_rate, terms, late_text) -> IssuerSettings:
    require_treasurer(user)
    organization(organization_id)
    siret, address, late_text = (siret or "").replace(" ", ""), (address or "").strip(), (late_text or "").strip()
    _check(siret, address, vat_mode, vat_rate, terms, late_text)
    settings = db.session.get(IssuerSettings, organization_id) or IssuerSettings(organization_id=organization_id)
    settings.siret, settings.address, settings.vat_mode = siret, address, vat_mode
    settings.vat_rate = vat_rate if vat_mode == VAT_RATE else None
    settings.payment_terms_days, settings.late_payment_text = terms, late_text
    db.session.add(settings)
    db.session.flush()
    audit.record("finance.issuer.save", "organization", organization_id, siret=siret, vat_mode=vat_mode)
    return settings


def all_issuers() -> list[IssuerSettings]:
    return list(db.session.scalars(db.select(IssuerSettings).order_by(IssuerSettings.organization_id)))


def save_account(user, prefix: str, revenue: str, expense: str, label: str) -> AccountMapping:
    """Set the accounts of one source prefix ("pooling.booking", "training")."""
    require_treasurer(user)
    prefix, label = (prefix or "").strip(), (label or "").strip()
    errors = {}
    if not prefix or len(prefix) > 60 or not all(c.isalnum() or c in "._" for c in prefix):
        errors["prefix"] = _("A prefix is a module or module.kind, e.g. pooling.booking.")
    for value, name in ((revenue, "revenue_account"), (expense, "expense_account")):
        if not (value or "").isdigit() or not 3 <= len(value) <= 12:
            errors[name] = _("An account number has 3 to 12 digits.")
    if not label or len(label) > 120:
        errors["label"] = _("Give a label of at most 120 characters.")
    if errors:
        raise DomainError(next(iter(errors.values())), errors=errors)
    row = db.session.scalar(db.select(AccountMapping).where(AccountMapping.prefix == prefix)) or AccountMapping(
        prefix=prefix
    )
    row.revenue_account, row.expense_account, row.label = revenue, expense, label
    db.session.add(row)
    db.session.flush()
    audit.record("finance.mapping.save", "account-mapping", prefix, revenue=revenue, expense=expense)
    return row
