"""/api/v1/pooling/purchases: campaigns, live figures, pledges, reception."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from flask_login import current_user

from core.accounts.permissions import require
from core.api import AwareDateTime, Id, PageArgs, page_of, paginate
from core.extensions import db
from modules.pooling.api import blp
from modules.pooling.models import Campaign
from modules.pooling.services import campaign_setup, purchases
from modules.pooling.services.common import optional_org_id
from modules.pooling.services.pricing import MAX_PRICE, MAX_QUANTITY, Tier

QUANTITY = ma.validate.Range(min=1, max=MAX_QUANTITY)
PRICE = ma.validate.Range(min=0, max=MAX_PRICE)


class TierSchema(ma.Schema):
    min_quantity = ma.fields.Integer(required=True, validate=QUANTITY, metadata={"example": 1})
    max_quantity = ma.fields.Integer(load_default=None, allow_none=True, validate=QUANTITY, metadata={"example": 49})
    unit_price = ma.fields.Decimal(
        required=True, as_string=True, places=2, validate=PRICE, metadata={"example": "12.00"}
    )


class ProductSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    reference = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=60), metadata={"example": "GANT-NIT-L"}
    )
    name = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=200), metadata={"example": "Work gloves, size L"}
    )
    unit = ma.fields.String(load_default="", validate=ma.validate.Length(max=30), metadata={"example": "pair"})
    pack_size = ma.fields.Integer(load_default=1, validate=QUANTITY, metadata={"example": 10})
    vat_rate = ma.fields.Decimal(
        load_default=Decimal("20"),
        as_string=True,
        places=2,
        validate=ma.validate.Range(min=0, max=100),
        metadata={"example": "20.00"},
    )
    tiers = ma.fields.List(ma.fields.Nested(TierSchema), required=True)
    final_unit_price = ma.fields.Decimal(as_string=True, dump_only=True, allow_none=True)
    delivered_quantity = ma.fields.Integer(dump_only=True, allow_none=True)


class DeliverySiteSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    name = ma.fields.String(attribute="organization.name")


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    organization_id = Id(required=True, metadata={"description": "Who orders and pays"})
    title = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=200), metadata={"example": "Workwear 2027"}
    )
    description = ma.fields.String(load_default="")
    supplier_name = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=200), metadata={"example": "Vêtements Pro Centre"}
    )
    supplier_contact = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    supplier_terms = ma.fields.String(load_default="")
    opens_at = AwareDateTime(required=True, metadata={"example": "2026-12-01T09:00:00+01:00"})
    deadline = AwareDateTime(required=True, metadata={"example": "2026-12-20T18:00:00+01:00"})
    min_total_quantity = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=MAX_QUANTITY)
    )
    min_total_amount = ma.fields.Decimal(load_default=None, allow_none=True, as_string=True, places=2, validate=PRICE)
    status = ma.fields.String(dump_only=True)
    products = ma.fields.List(
        ma.fields.Nested(ProductSchema), required=True, validate=ma.validate.Length(min=1, max=100)
    )
    site_ids = ma.fields.List(
        Id(),
        load_only=True,
        required=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "Member organizations delivered to", "example": [2, 3]},
    )
    sites = ma.fields.Nested(DeliverySiteSchema, many=True, dump_only=True)


class ProductFigureSchema(ma.Schema):
    product_id = ma.fields.Integer(attribute="product.id")
    reference = ma.fields.String(attribute="product.reference")
    network_total = ma.fields.Integer(attribute="total")
    unit_price = ma.fields.Decimal(as_string=True)
    units_to_next_tier = ma.fields.Method("_units")
    next_tier_price = ma.fields.Method("_price")
    your_quantity = ma.fields.Integer(attribute="own_quantity")

    def _units(self, row):
        return row.next_tier[0] if row.next_tier else None

    def _price(self, row):
        return str(row.next_tier[1]) if row.next_tier else None


class CampaignFiguresSchema(ma.Schema):
    campaign = ma.fields.Nested(CampaignSchema)
    products = ma.fields.Nested(ProductFigureSchema, many=True)
    estimated_share = ma.fields.Decimal(as_string=True, allow_none=True)


class FiguresQuery(ma.Schema):
    organization_id = Id()


class PledgeSchema(ma.Schema):
    product_id = Id(required=True)
    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ma.validate.Range(min=0, max=MAX_QUANTITY),
        metadata={"description": "The new total for your organization; 0 withdraws", "example": 20},
    )
    organization_id = Id()
    delivery_site_id = Id()


class ReceptionSchema(ma.Schema):
    delivered = ma.fields.Dict(
        keys=Id(),
        values=ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=MAX_QUANTITY)),
        required=True,
        metadata={"example": {"3": 180}, "description": "product id -> units delivered"},
    )


class ShareSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    organization = ma.fields.String(attribute="organization.name")
    amount_excl_vat = ma.fields.Decimal(as_string=True)
    vat = ma.fields.Decimal(as_string=True)
    amount = ma.fields.Decimal(as_string=True)
    first_tier_amount = ma.fields.Decimal(as_string=True)


def _figures(campaign, org_id):
    rows, estimate = purchases.figures(campaign, org_id)
    return {"campaign": campaign, "products": rows, "estimated_share": estimate.amount if estimate else None}


@blp.route("/purchases/campaigns")
@require()
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(CampaignSchema))
def list_campaigns(args):
    stmt = purchases.campaigns_stmt(current_user).options(
        db.selectinload(Campaign.products), db.selectinload(Campaign.sites)
    )
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/purchases/campaigns", methods=["POST"])
@require("pooling.purchase.manage")
@blp.arguments(CampaignSchema)
@blp.response(201, CampaignSchema)
def create_campaign(args):
    """Create a campaign; tiers must start at 1, follow each other and end open-ended."""
    products = [
        campaign_setup.ProductInput(
            p["reference"],
            p["name"],
            p["unit"],
            p["pack_size"],
            p["vat_rate"],
            [Tier(t["min_quantity"], t["max_quantity"], t["unit_price"]) for t in p["tiers"]],
        )
        for p in args["products"]
    ]
    campaign = campaign_setup.create_campaign(
        current_user,
        args["organization_id"],
        args["title"],
        args["supplier_name"],
        args["opens_at"],
        args["deadline"],
        products,
        args["site_ids"],
        args["supplier_contact"],
        args["supplier_terms"],
        args["description"],
        args["min_total_quantity"],
        args["min_total_amount"],
    )
    return campaign


@blp.route("/purchases/campaigns/<int:campaign_id>")
@require()
@blp.arguments(FiguresQuery, location="query")
@blp.response(200, CampaignFiguresSchema)
def show_campaign(args, campaign_id: int):
    """The campaign with live totals, current tier, units to the next price and your estimated share."""
    campaign = purchases.get_campaign(campaign_id, current_user)
    return _figures(campaign, optional_org_id(current_user, "pooling.purchase.pledge", args.get("organization_id")))


@blp.route("/purchases/campaigns/<int:campaign_id>/pledges", methods=["POST"])
@require("pooling.purchase.pledge")
@blp.arguments(PledgeSchema)
@blp.response(200, CampaignFiguresSchema)
def set_pledge(args, campaign_id: int):
    """Set your organization's quantity of a product (refused after the deadline)."""
    purchases.pledge(
        current_user,
        campaign_id,
        args["product_id"],
        args["quantity"],
        args.get("organization_id"),
        args.get("delivery_site_id"),
    )
    campaign = purchases.get_campaign(campaign_id, current_user)
    return _figures(campaign, optional_org_id(current_user, "pooling.purchase.pledge", args.get("organization_id")))


@blp.route("/purchases/campaigns/<int:campaign_id>/shares")
@require()
@blp.response(200, ShareSchema(many=True))
def list_shares(campaign_id: int):
    campaign = purchases.get_campaign(campaign_id, current_user)
    return purchases.stored_shares(campaign, current_user)


@blp.route("/purchases/campaigns/<int:campaign_id>/reception", methods=["POST"])
@require("pooling.purchase.manage")
@blp.arguments(ReceptionSchema)
@blp.response(200, ShareSchema(many=True))
def record_reception(args, campaign_id: int):
    """Record delivered quantities; shares are recomputed and posted to the ledger."""
    campaign = purchases.receive(current_user, campaign_id, args["delivered"])
    return purchases.stored_shares(campaign, current_user)


@blp.route("/purchases/campaigns/<int:campaign_id>/cancel", methods=["POST"])
@require("pooling.purchase.manage")
@blp.response(200, CampaignSchema)
def cancel_campaign(campaign_id: int):
    campaign = purchases.cancel_campaign(current_user, campaign_id)
    return campaign
