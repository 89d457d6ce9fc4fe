"""Pooling's tables: shared equipment (units, unavailability periods, bookings, condition reports)
and group purchase campaigns (products with network-wide price tiers, pledges, shares)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import DDL, CheckConstraint, ForeignKey, Index, Numeric, String, Text, Time, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import Money, OrgOwned, Timestamped, UTCDateTime, utcnow
from core.extensions import db

# A booking in one of these states holds its unit; the database refuses two of them overlapping.
ACTIVE = ("requested", "approved", "picked_up")
STATUSES = ACTIVE + ("returned", "refused", "cancelled", "no_show")
BOOKING_SCOPES = ("all", "organizations", "roles")
CONDITION_STATES = ("good", "worn", "damaged")
UNAVAILABILITY_KINDS = ("blackout", "maintenance")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Equipment(OrgOwned, Timestamped, db.Model):
    """An item of the pool; ``organization_id`` is the owner, ``site`` where it is picked up."""

    __tablename__ = "pooling_equipment"
    __table_args__ = (
        CheckConstraint("units >= 1", name="units"),
        CheckConstraint(_in("booking_scope", BOOKING_SCOPES), name="scope"),
        CheckConstraint("min_hours >= 0 AND max_hours >= min_hours", name="durations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    site_address: Mapped[str] = mapped_column(String(300), default="")
    units: Mapped[int] = mapped_column(default=1)
    value: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)
    # booking rules
    booking_scope: Mapped[str] = mapped_column(String(20), default="all")
    allowed_org_ids: Mapped[str] = mapped_column(String(500), default="")  # comma-separated ids
    allowed_roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated roles
    min_hours: Mapped[int] = mapped_column(default=1)
    max_hours: Mapped[int] = mapped_column(default=24 * 7)
    lead_hours: Mapped[int] = mapped_column(default=0)
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    approval_required: Mapped[bool] = mapped_column(default=False)
    fee_per_day: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    fee_per_half_day: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    deposit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    quota_bookings_per_month: Mapped[int | None]
    quota_days_per_month: Mapped[int | None]
    opens_at: Mapped[time | None] = mapped_column(Time())  # Paris wall-clock pick-up/return hours
    closes_at: Mapped[time | None] = mapped_column(Time())
    open_weekdays: Mapped[str] = mapped_column(String(7), default="1234567")  # ISO weekdays
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    owner: Mapped[Organization] = relationship(foreign_keys="Equipment.organization_id", lazy="joined")
    site: Mapped[Organization] = relationship(foreign_keys=[site_id], lazy="joined")
    unit_list: Mapped[list[EquipmentUnit]] = relationship(
        back_populates="equipment", order_by="EquipmentUnit.number", cascade="all, delete-orphan"
    )

    @property
    def allowed_org_id_set(self) -> set[int]:
        return {int(v) for v in self.allowed_org_ids.split(",") if v.strip().isdigit()}

    @property
    def allowed_role_set(self) -> set[str]:
        return {v.strip() for v in self.allowed_roles.split(",") if v.strip()}

    def __str__(self) -> str:
        return self.name


class EquipmentUnit(db.Model):
    __tablename__ = "pooling_unit"
    __table_args__ = (UniqueConstraint("equipment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("pooling_equipment.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    equipment: Mapped[Equipment] = relationship(back_populates="unit_list")


class Unavailability(Timestamped, db.Model):
    """A blackout or maintenance period of an item (or one unit), possibly repeated weekly."""

    __tablename__ = "pooling_unavailability"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="period"),
        CheckConstraint(_in("kind", UNAVAILABILITY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("pooling_equipment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("pooling_unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    weekly_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # repeats every week until then
    reason: Mapped[str] = mapped_column(String(300), default="")

    equipment: Mapped[Equipment] = relationship()


class Booking(Timestamped, db.Model):
    """One unit for one period. ``end_with_buffer`` is what the unit is held for (end + buffer)."""

    __tablename__ = "pooling_booking"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="period"),
        CheckConstraint("end_with_buffer >= end_at", name="buffer"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_pooling_booking_window", "equipment_id", "start_at", "end_with_buffer"),
        # A structure's bookings by date (dashboard, calendar): with the organization alone, PostgreSQL
        # intersects it with the status index and reads every requested or approved booking.
        Index("ix_pooling_booking_organization_start", "organization_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("pooling_equipment.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("pooling_unit.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    group_key: Mapped[str] = mapped_column(String(32), index=True)  # units booked together
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_with_buffer: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    purpose: Mapped[str] = mapped_column(String(300), default="")
    refusal_reason: Mapped[str] = mapped_column(String(300), default="")
    fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    equipment: Mapped[Equipment] = relationship(lazy="joined")
    unit: Mapped[EquipmentUnit] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_late(self) -> bool:
        return self.status == "picked_up" and self.end_at < utcnow()


class ConditionReport(db.Model):
    __tablename__ = "pooling_condition_report"
    __table_args__ = (
        CheckConstraint(_in("state", CONDITION_STATES), name="state"),
        CheckConstraint("moment IN ('check_out', 'check_in')", name="moment"),
        UniqueConstraint("booking_id", "moment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pooling_booking.id", ondelete="CASCADE"), index=True)
    moment: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(200))
    photo_type: Mapped[str | None] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OrganizationFeed(db.Model):
    """The secret token of an organization's iCal feed of bookings (revocable by regenerating)."""

    __tablename__ = "pooling_org_feed"

    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)


# The invariant "no two active bookings overlap on one unit, buffer included" is held by
# PostgreSQL itself; the same DDL is written into the module's migration.
BTREE_GIST = "CREATE EXTENSION IF NOT EXISTS btree_gist"
NO_OVERLAP = (
    "ALTER TABLE pooling_booking ADD CONSTRAINT pooling_booking_no_overlap "
    "EXCLUDE USING gist (unit_id WITH =, tstzrange(start_at, end_with_buffer) WITH &&) "
    f"WHERE (status IN ({', '.join(repr(s) for s in ACTIVE)}))"
)
event.listen(Booking.__table__, "before_create", DDL(BTREE_GIST).execute_if(dialect="postgresql"))
event.listen(Booking.__table__, "after_create", DDL(NO_OVERLAP).execute_if(dialect="postgresql"))


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
