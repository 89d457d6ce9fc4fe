"""Group purchase campaigns: pledges until the deadline, closing, reception (set-up: campaign_setup).

The deadline is enforced by time on every write: a pledge compares ``utcnow()`` with the
deadline while holding the campaign's row lock (SELECT ... FOR UPDATE on PostgreSQL; the write
lock every SQLite transaction takes, see core/db.py). Closing takes the same lock, so a pledge
racing the deadline is either fully in (committed before the close read the totals) or refused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from core import audit, ledger
from core.accounts.directory import managers_of
from core.accounts.models import Organization, User
from core.accounts.permissions import has_permission, permitted_org_ids
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.pooling.models import Campaign, DeliverySite, Pledge, Product, Share
from modules.pooling.services.common import acting_org_id, notify
from modules.pooling.services.pricing import (
    Line,
    next_tier,
    price_for,
    shares,
    split_units,
)


def campaigns_stmt(user):
    """Campaigns are network-wide: whoever may pledge or manage sees them all."""
    if not (has_permission(user, "pooling.purchase.pledge") or has_permission(user, "pooling.purchase.manage")):
        return db.select(Campaign).where(db.false())
    return db.select(Campaign).order_by(Campaign.deadline.desc(), Campaign.id.desc())


def get_campaign(campaign_id: int, user, for_update: bool = False) -> Campaign:
    stmt = campaigns_stmt(user).where(Campaign.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update(of=Campaign)
    campaign = db.session.scalar(stmt)
    if campaign is None:
        raise NotFound(_("This campaign does not exist."))
    return campaign


def _managed(campaign_id: int, user, for_update: bool = True) -> Campaign:
    campaign = get_campaign(campaign_id, user, for_update)
    if not has_permission(user, "pooling.purchase.manage", campaign.organization_id):
        raise NotFound(_("This campaign does not exist."))
    return campaign


def pledge(
    user,
    campaign_id: int,
    product_id: int,
    quantity: int,
    organization_id: int | None = None,
    delivery_site_id: int | None = None,
) -> Pledge | None:
    """Set (not add) the organization's quantity of a product; 0 withdraws it."""
    org_id = acting_org_id(user, "pooling.purchase.pledge", organization_id)
    campaign = get_campaign(campaign_id, user, for_update=True)
    now = utcnow()
    if campaign.status != "open" or now >= campaign.deadline:
        raise Conflict(_("The deadline has passed: pledges are closed."), field="quantity")
    if now < campaign.opens_at:
        raise Conflict(_("This campaign is not open yet."), field="quantity")
    product = next((p for p in campaign.products if p.id == product_id), None)
    if product is None:
        raise DomainError(_("This product is not part of the campaign."), field="product_id")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise DomainError(_("The quantity is a whole number, zero or more."), field="quantity")
    if quantity % product.pack_size:
        raise DomainError(
            _("This product comes in packs of %(n)d: order a multiple of %(n)d.", n=product.pack_size), field="quantity"
        )
    site_ids = {s.id for s in campaign.sites}
    if delivery_site_id is not None and delivery_site_id not in site_ids:
        raise DomainError(_("Choose one of the campaign's delivery sites."), field="delivery_site_id")
    existing = db.session.scalar(
        db.select(Pledge).where(
            Pledge.campaign_id == campaign.id, Pledge.organization_id == org_id, Pledge.product_id == product.id
        )
    )
    if quantity == 0:
        if existing is not None:
            db.session.delete(existing)
        audit.record("pooling.pledge.withdraw", "campaign", campaign.id, organization=org_id, product=product.id)
        return None
    site = delivery_site_id or (existing.delivery_site_id if existing else None) or _default_site(campaign, org_id)
    if existing is None:
        existing = Pledge(campaign_id=campaign.id, organization_id=org_id, product_id=product.id, quantity=quantity)
        db.session.add(existing)
    existing.quantity, existing.delivery_site_id, existing.user_id = quantity, site, user.id
    db.session.flush()
    audit.record(
        "pooling.pledge.set", "campaign", campaign.id, organization=org_id, product=product.id, quantity=quantity
    )
    return existing


def _default_site(campaign: Campaign, org_id: int) -> int:
    own = next((s.id for s in campaign.sites if s.organization_id == org_id), None)
    return own or campaign.sites[0].id


# --- live figures ---------------------------------------------------------------------------


@dataclass
class ProductFigures:
    product: Product
    total: int
    unit_price: Decimal
    next_tier: tuple[int, Decimal] | None
    own_quantity: int


def totals(campaign: Campaign) -> dict[int, int]:
    rows = db.session.execute(
        db.select(Pledge.product_id, db.func.sum(Pledge.quantity))
        .where(Pledge.campaign_id == campaign.id)
        .group_by(Pledge.product_id)
    )
    return {product_id: int(total) for product_id, total in rows}


def quantities(campaign: Campaign, received: bool = False) -> dict[int, dict[int, int]]:
    """product id -> organization id -> units (pledged, or received after reception)."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    column = Pledge.received_quantity if received else Pledge.quantity
    for product_id, org_id, quantity in db.session.execute(
        db.select(Pledge.product_id, Pledge.organization_id, column).where(Pledge.campaign_id == campaign.id)
    ):
        result[product_id][org_id] = int(quantity or 0)
    return result


def _lines(campaign: Campaign, per_product: dict[int, dict[int, int]], fixed: bool) -> list[Line]:
    lines = []
    for product in campaign.products:
        by_org = per_product.get(product.id, {})
        price = (
            product.final_unit_price
            if fixed and product.final_unit_price is not None
            else price_for(product.tiers, sum(by_org.values()))
        )
        lines.append(Line(product.id, price, product.vat_rate, by_org, product.tiers[0].unit_price))
    return lines


def figures(campaign: Campaign, org_id: int | None) -> tuple[list[ProductFigures], object]:
    """Per product the network total, current price, distance to the next tier and the
    organization's quantity, plus the organization's estimated share (3 queries)."""
    per_product = quantities(campaign)
    rows = []
    for product in campaign.products:
        by_org = per_product.get(product.id, {})
        total = sum(by_org.values())
        price = product.final_unit_price if product.final_unit_price is not None else price_for(product.tiers, total)
        rows.append(ProductFigures(product, total, price, next_tier(product.tiers, total), by_org.get(org_id, 0)))
    estimate = shares(_lines(campaign, per_product, fixed=campaign.status != "open")).get(org_id)
    return rows, estimate


def live_price(campaign: Campaign, product_id: int) -> Decimal | None:
    """The unit price the network's current total gives a product (None: not in the campaign)."""
    product = next((p for p in campaign.products if p.id == product_id), None)
    return price_for(product.tiers, totals(campaign).get(product_id, 0)) if product else None


# --- closing and reception -----------------------------------------------------------------


def close_due_campaigns() -> int:
    due = list(
        db.session.scalars(db.select(Campaign.id).where(Campaign.status == "open", Campaign.deadline <= utcnow()))
    )
    for campaign_id in due:
        close_campaign(campaign_id)
    return len(due)


def _below_minimum(campaign: Campaign, lines: list[Line]) -> bool:
    units = sum(line.quantity for line in lines)
    amount = sum(line.excl_vat for line in lines)
    if units == 0:
        return True
    if campaign.min_total_quantity is not None and units < campaign.min_total_quantity:
        return True
    return campaign.min_total_amount is not None and amount < campaign.min_total_amount


def close_campaign(campaign_id: int) -> Campaign | None:
    """At the deadline: cancel below the minimum, else fix the prices and compute the shares."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.id == campaign_id).with_for_update(of=Campaign))
    if campaign is None or campaign.status != "open" or utcnow() < campaign.deadline:
        return campaign
    lines = _lines(campaign, quantities(campaign), fixed=False)
    campaign.closed_at = utcnow()
    pledgers = _pledgers(campaign)
    if _below_minimum(campaign, lines):
        campaign.status = "cancelled"
        audit.record("pooling.campaign.cancel", "campaign", campaign.id, automatic=True)
        notify("pooling/mail/campaign_cancelled.txt", pledgers, campaign=campaign)
        return campaign
    for product, line in zip(campaign.products, lines):
        product.final_unit_price = line.unit_price
    campaign.status = "closed"
    _store_shares(campaign, lines)
    audit.record("pooling.campaign.close", "campaign", campaign.id)
    notify("pooling/mail/campaign_closed.txt", pledgers + managers_of(campaign.organization_id), campaign=campaign)
    return campaign


def cancel_campaign(user, campaign_id: int) -> Campaign:
    campaign = _managed(campaign_id, user)
    if campaign.status not in ("open", "closed"):
        raise Conflict(_("This campaign can no longer be cancelled."))
    campaign.status, campaign.closed_at = "cancelled", utcnow()
    db.session.execute(db.delete(Share).where(Share.campaign_id == campaign.id))
    audit.record("pooling.campaign.cancel", "campaign", campaign.id)
    notify("pooling/mail/campaign_cancelled.txt", _pledgers(campaign), campaign=campaign)
    return campaign


def _pledgers(campaign: Campaign) -> list:
    users = db.session.scalars(
        db.select(User).join(Pledge, Pledge.user_id == User.id).where(Pledge.campaign_id == campaign.id).distinct()
    )
    return list(users)


def _store_shares(campaign: Campaign, lines: list[Line]) -> dict[int, Share]:
    db.session.execute(db.delete(Share).where(Share.campaign_id == campaign.id))
    stored = {}
    for org_id, share in shares(lines).items():
        stored[org_id] = Share(
            campaign_id=campaign.id,
            organization_id=org_id,
            amount_excl_vat=share.excl_vat,
            vat=share.vat,
            amount=share.amount,
            first_tier_amount=share.first_tier,
        )
        db.session.add(stored[org_id])
    db.session.flush()
    return stored


def receive(user, campaign_id: int, delivered: dict[int, int]) -> Campaign:
    """Record what arrived; short deliveries are split pro rata to the pledges (whole packs),
    shares are recomputed on what arrived at the price fixed at closing, and each share is
    posted to the ledger as owed to the paying organization."""
    campaign = _managed(campaign_id, user)
    if campaign.status not in ("closed", "received"):
        raise Conflict(_("Only a closed campaign can be received."))
    ordered = totals(campaign)
    products = {p.id: p for p in campaign.products}
    for product_id, quantity in delivered.items():
        product = products.get(product_id)
        if product is None:
            raise DomainError(_("This product is not part of the campaign."), field="delivered")
        if not isinstance(quantity, int) or quantity < 0 or quantity > ordered.get(product_id, 0):
            raise DomainError(
                _(
                    "Delivered quantity of %(ref)s: between 0 and %(n)d.",
                    ref=product.reference,
                    n=ordered.get(product_id, 0),
                ),
                field="delivered",
            )
        if quantity % product.pack_size:
            raise DomainError(
                _("Delivered quantity of %(ref)s: whole packs of %(n)d.", ref=product.reference, n=product.pack_size),
                field="delivered",
            )
    pledges = list(
        db.session.scalars(db.select(Pledge).where(Pledge.campaign_id == campaign.id).order_by(Pledge.organization_id))
    )
    for product in campaign.products:
        product.delivered_quantity = delivered.get(product.id, ordered.get(product.id, 0))
        mine = [p for p in pledges if p.product_id == product.id]
        for item, part in zip(
            mine, split_units(product.delivered_quantity, [p.quantity for p in mine], product.pack_size)
        ):
            item.received_quantity = part
    db.session.flush()
    stored = _store_shares(campaign, _lines(campaign, quantities(campaign, received=True), fixed=True))
    source = f"pooling.campaign:{campaign.id}"
    ledger.release(source)
    for org_id, share in stored.items():
        ledger.post_charge(
            org_id,
            campaign.organization_id,
            share.amount,
            _("Group purchase: %(title)s", title=campaign.title),
            source=source,
        )
    campaign.status, campaign.received_at = "received", utcnow()
    audit.record("pooling.campaign.receive", "campaign", campaign.id, delivered=delivered)
    return campaign


def stored_shares(campaign: Campaign, user) -> list[Share]:
    """All shares for the campaign's manager; one's own organizations' otherwise."""
    stmt = db.select(Share).where(Share.campaign_id == campaign.id).order_by(Share.organization_id)
    if not has_permission(user, "pooling.purchase.manage", campaign.organization_id):
        stmt = stmt.where(Share.organization_id.in_(permitted_org_ids(user, "pooling.purchase.pledge") or [-1]))
    return list(db.session.scalars(stmt))


def order_lines(campaign: Campaign) -> list[Line]:
    """The order at the prices fixed at closing: on the pledged quantities, or on the delivered ones
    once received (the quantities the shares posted to the ledger are computed on)."""
    return _lines(campaign, quantities(campaign, received=campaign.status == "received"), fixed=True)


def delivery_split(campaign: Campaign) -> list[tuple[str, str, str, int]]:
    """(site, organization, product, units) rows: who collects what where."""
    column = Pledge.received_quantity if campaign.status == "received" else Pledge.quantity
    site_org = db.aliased(Organization)
    rows = db.session.execute(
        db.select(site_org.name, Organization.name, Product.reference, Product.name, column)
        .join(Organization, Pledge.organization_id == Organization.id)
        .join(Product, Pledge.product_id == Product.id)
        .join(DeliverySite, Pledge.delivery_site_id == DeliverySite.id)
        .join(site_org, DeliverySite.organization_id == site_org.id)
        .where(Pledge.campaign_id == campaign.id)
        .order_by(site_org.name, Organization.name, Product.reference)
    )
    return [(site, org, f"{ref} – {name}", int(q or 0)) for site, org, ref, name, q in rows]
