"""Documents of a closed campaign: the purchase order (PDF, CSV) and the savings history."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _

from core.accounts.permissions import has_permission, permitted_org_ids
from core.clock import local
from core.extensions import db
from core.pdf import Document
from modules.pooling.models import Campaign, Share
from modules.pooling.services.purchases import delivery_split, order_lines


def _money(value: Decimal) -> str:
    return f"{format_decimal(value, format='#,##0.00')} €"


def order_rows(campaign: Campaign) -> list[list]:
    """One row per product; its quantity is the one its amounts are computed on (the delivered one
    once received), so that every amount is the printed quantity times the printed price."""
    lines = {line.product_id: line for line in order_lines(campaign)}
    rows = []
    for product in campaign.products:
        line = lines[product.id]
        rows.append(
            [
                product.reference,
                product.name,
                product.unit,
                product.pack_size,
                line.quantity,
                line.unit_price,
                line.excl_vat,
                product.vat_rate,
                line.vat,
                line.total,
            ]
        )
    return rows


HEADER = [
    "reference",
    "product",
    "unit",
    "pack_size",
    "quantity",
    "unit_price_excl_vat_eur",
    "amount_excl_vat_eur",
    "vat_rate_percent",
    "vat_eur",
    "amount_incl_vat_eur",
]


SPLIT_HEADER = ["delivery_site", "organization", "product", "units"]


def order_table(campaign: Campaign) -> tuple[list[str], list[list]]:
    """(header, rows) of the purchase order for core.spreadsheets: the order lines, a blank row,
    then who collects what where."""
    return HEADER, [*order_rows(campaign), [], SPLIT_HEADER, *map(list, delivery_split(campaign))]


def order_pdf(campaign: Campaign) -> bytes:
    doc = Document(_("Purchase order – %(title)s", title=campaign.title))
    doc.paragraph(_("Supplier: %(name)s", name=campaign.supplier_name))
    if campaign.supplier_contact:
        doc.paragraph(campaign.supplier_contact)
    doc.paragraph(_("Ordered and paid by: %(org)s", org=campaign.payer.name))
    if campaign.closed_at:
        doc.paragraph(_("Closed on %(date)s", date=local(campaign.closed_at).strftime("%d/%m/%Y %H:%M")))
    if campaign.supplier_terms:
        doc.paragraph(_("Terms: %(terms)s", terms=campaign.supplier_terms))
    rows = order_rows(campaign)
    doc.heading(_("Order lines"))
    doc.table_rows(
        [
            _("Reference"),
            _("Product"),
            _("Quantity"),
            _("Unit price excl. VAT"),
            _("Excl. VAT"),
            _("VAT"),
            _("Incl. VAT"),
        ],
        [[r[0], r[1], f"{r[4]} {r[2]}".strip(), _money(r[5]), _money(r[6]), f"{r[7]} %", _money(r[9])] for r in rows],
        widths=[18, 40, 18, 22, 22, 12, 22],
    )
    doc.paragraph(
        _(
            "Total excl. VAT: %(ht)s – VAT: %(vat)s – Total incl. VAT: %(ttc)s",
            ht=_money(sum(r[6] for r in rows)),
            vat=_money(sum(r[8] for r in rows)),
            ttc=_money(sum(r[9] for r in rows)),
        )
    )
    doc.heading(_("Delivery per site"))
    doc.table_rows(
        [_("Site"), _("Organization"), _("Product"), _("Units")],
        [list(row) for row in delivery_split(campaign)],
        widths=[40, 50, 60, 20],
    )
    return doc.render()


def history(user) -> tuple[list[dict], dict[int, Decimal]]:
    """Closed and received campaigns with the savings versus the first-tier price, in total
    and for the user's organizations (all organizations for the network admin)."""
    campaigns = list(
        db.session.scalars(
            db.select(Campaign).where(Campaign.status.in_(("closed", "received"))).order_by(Campaign.deadline)
        )
    )
    visible = permitted_org_ids(user, "pooling.purchase.pledge")
    sums = db.session.execute(
        db.select(Share.campaign_id, Share.organization_id, Share.amount, Share.first_tier_amount).where(
            Share.campaign_id.in_([c.id for c in campaigns] or [-1])
        )
    )
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    per_org: dict[int, Decimal] = defaultdict(Decimal)
    for campaign_id, org_id, amount, first in sums:
        totals[campaign_id][0] += amount
        totals[campaign_id][1] += first
        if visible is None or org_id in visible:
            per_org[org_id] += first - amount
    rows = [
        {
            "campaign": c,
            "amount": totals[c.id][0],
            "first_tier": totals[c.id][1],
            "savings": totals[c.id][1] - totals[c.id][0],
        }
        for c in campaigns
        if has_permission(user, "pooling.purchase.pledge") or has_permission(user, "pooling.purchase.manage")
    ]
    return rows, dict(per_org)
