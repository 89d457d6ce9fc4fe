"""Group purchase campaigns: products with network-wide price tiers, pledges, shares."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization
from core.db import Money, OrgOwned, Timestamped, UTCDateTime
from core.extensions import db

CAMPAIGN_STATUSES = ("open", "closed", "cancelled", "received")


class Campaign(OrgOwned, Timestamped, db.Model):
    """``organization_id`` is the organization that orders and pays the supplier."""

    __tablename__ = "pooling_campaign"
    __table_args__ = (
        CheckConstraint("deadline > opens_at", name="dates"),
        CheckConstraint("status IN ('open', 'closed', 'cancelled', 'received')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_contact: Mapped[str] = mapped_column(String(300), default="")
    supplier_terms: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    min_total_quantity: Mapped[int | None]
    min_total_amount: Mapped[Decimal | None] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    payer: Mapped[Organization] = relationship(lazy="joined")
    products: Mapped[list[Product]] = relationship(
        back_populates="campaign", order_by="Product.id", cascade="all, delete-orphan"
    )
    sites: Mapped[list[DeliverySite]] = relationship(order_by="DeliverySite.id", cascade="all, delete-orphan")


class Product(db.Model):
    __tablename__ = "pooling_product"
    __table_args__ = (
        UniqueConstraint("campaign_id", "reference"),
        CheckConstraint("pack_size >= 1", name="pack"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 100", name="vat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pooling_campaign.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30), default="")
    pack_size: Mapped[int] = mapped_column(default=1)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("20"))  # percent
    final_unit_price: Mapped[Decimal | None] = mapped_column(Money())  # fixed at closing
    delivered_quantity: Mapped[int | None]  # recorded at reception

    campaign: Mapped[Campaign] = relationship(back_populates="products")
    tiers: Mapped[list[PriceTier]] = relationship(
        order_by="PriceTier.min_quantity", cascade="all, delete-orphan", lazy="selectin"
    )


class PriceTier(db.Model):
    """Unit price (excl. VAT) when the network's total is in [min_quantity, max_quantity]."""

    __tablename__ = "pooling_price_tier"
    __table_args__ = (
        UniqueConstraint("product_id", "min_quantity"),
        CheckConstraint("min_quantity >= 1", name="min"),
        CheckConstraint("max_quantity IS NULL OR max_quantity >= min_quantity", name="range"),
        CheckConstraint("unit_price >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("pooling_product.id", ondelete="CASCADE"), index=True)
    min_quantity: Mapped[int]
    max_quantity: Mapped[int | None]
    unit_price: Mapped[Decimal] = mapped_column(Money())


class DeliverySite(db.Model):
    __tablename__ = "pooling_delivery_site"
    __table_args__ = (UniqueConstraint("campaign_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pooling_campaign.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"))

    organization: Mapped[Organization] = relationship(lazy="joined")


class Pledge(Timestamped, db.Model):
    """One organization's quantity of one product; one row per (campaign, organization, product)."""

    __tablename__ = "pooling_pledge"
    __table_args__ = (
        UniqueConstraint("campaign_id", "organization_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pooling_campaign.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("pooling_product.id", ondelete="CASCADE"))
    delivery_site_id: Mapped[int | None] = mapped_column(ForeignKey("pooling_delivery_site.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    quantity: Mapped[int]
    received_quantity: Mapped[int | None]

    organization: Mapped[Organization] = relationship(lazy="joined")
    product: Mapped[Product] = relationship()
    delivery_site: Mapped[DeliverySite | None] = relationship()


class Share(db.Model):
    """What one organization owes for a campaign (computed at closing, recomputed at reception)."""

    __tablename__ = "pooling_share"
    __table_args__ = (UniqueConstraint("campaign_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pooling_campaign.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"))
    amount_excl_vat: Mapped[Decimal] = mapped_column(Money())
    vat: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())  # incl. VAT; shares sum exactly to the order total
    first_tier_amount: Mapped[Decimal] = mapped_column(Money())  # same quantities at the first-tier price

    organization: Mapped[Organization] = relationship(lazy="joined")
