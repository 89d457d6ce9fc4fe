"""Setting up a group purchase campaign: its products with their price tiers, its delivery sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from core import audit
from core.accounts.models import Organization
from core.accounts.permissions import check
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from modules.pooling.models import Campaign, DeliverySite, PriceTier, Product
from modules.pooling.services.common import check_planned
from modules.pooling.services.pricing import (
    MAX_QUANTITY,
    Tier,
    validate_tiers,
)


@dataclass(frozen=True)
class ProductInput:
    reference: str
    name: str
    unit: str
    pack_size: int
    vat_rate: Decimal
    tiers: list[Tier]


def _check_product(product: ProductInput, index: int) -> None:
    field = f"products.{index}"
    if not product.reference.strip() or not product.name.strip():
        raise DomainError(_("Each product needs a reference and a name."), field=field)
    if not 1 <= product.pack_size <= MAX_QUANTITY:
        raise DomainError(_("The pack size is a whole number of at least 1."), field=field)
    if not Decimal(0) <= product.vat_rate < Decimal(100):
        raise DomainError(_("The VAT rate is a percentage between 0 and 100."), field=field)
    validate_tiers(product.tiers, field=field)


def create_campaign(
    user,
    organization_id: int,
    title: str,
    supplier_name: str,
    opens_at: datetime,
    deadline: datetime,
    products: list[ProductInput],
    site_ids: list[int],
    supplier_contact: str = "",
    supplier_terms: str = "",
    description: str = "",
    min_total_quantity: int | None = None,
    min_total_amount: Decimal | None = None,
) -> Campaign:
    check(user, "pooling.purchase.manage", organization_id)
    if not title.strip() or not supplier_name.strip():
        raise DomainError(_("Give the title and the supplier."), field="title")
    if deadline <= utcnow():
        raise DomainError(_("The deadline is in the past."), field="deadline")
    check_planned(opens_at=opens_at, deadline=deadline)
    if deadline <= opens_at:
        raise DomainError(_("The deadline must be after the opening."), field="deadline")
    if not products:
        raise DomainError(_("Add at least one product."), field="products")
    if len({p.reference.strip() for p in products}) != len(products):
        raise DomainError(_("Two products have the same reference."), field="products")
    for index, product in enumerate(products):
        _check_product(product, index)
    if (min_total_quantity is not None and min_total_quantity < 0) or (
        min_total_amount is not None and min_total_amount < 0
    ):
        raise DomainError(_("A minimum cannot be negative."), field="min_total_quantity")
    sites = list(db.session.scalars(db.select(Organization).where(Organization.id.in_(site_ids or [-1]))))
    if not sites or len(sites) != len(set(site_ids)):
        raise DomainError(_("Choose at least one delivery site."), field="site_ids")
    campaign = Campaign(
        organization_id=organization_id,
        title=title.strip(),
        supplier_name=supplier_name.strip(),
        supplier_contact=supplier_contact,
        supplier_terms=supplier_terms,
        description=description,
        opens_at=opens_at,
        deadline=deadline,
        min_total_quantity=min_total_quantity,
        min_total_amount=min_total_amount,
        status="open",
    )
    for item in products:
        campaign.products.append(
            Product(
                reference=item.reference.strip(),
                name=item.name.strip(),
                unit=item.unit,
                pack_size=item.pack_size,
                vat_rate=item.vat_rate,
                tiers=[
                    PriceTier(min_quantity=t.min_quantity, max_quantity=t.max_quantity, unit_price=t.unit_price)
                    for t in item.tiers
                ],
            )
        )
    campaign.sites = [DeliverySite(organization_id=site.id) for site in sites]
    db.session.add(campaign)
    db.session.flush()
    audit.record("pooling.campaign.create", "campaign", campaign.id, title=campaign.title)
    return campaign
