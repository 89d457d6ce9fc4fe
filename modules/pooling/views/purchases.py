"""Group purchase pages: campaigns, pledging, reception, purchase order, history."""

from __future__ import annotations

from flask import Response, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from core.accounts.directory import organization_choices
from core.accounts.permissions import has_permission, require
from core.charts import chart, svg_response
from core.errors import DomainError
from core.spreadsheets import csv_response
from core.web.forms import IntegerField, query_id
from core.web.hooks import format_money
from core.web.lifecycle import act, submit
from core.web.pagination import matching, paged, search_term
from modules.pooling.forms import CampaignForm, PledgeForm
from modules.pooling.models import Campaign
from modules.pooling.services import campaign_setup, purchase_docs, purchases
from modules.pooling.services.common import optional_org_id
from modules.pooling.services.pricing import parse_decimal, parse_tiers
from modules.pooling.views import bp


@bp.route("/purchases")
@require()
def campaigns():
    q = search_term()
    stmt = matching(purchases.campaigns_stmt(current_user), q, Campaign.title, Campaign.supplier_name)
    return render_template(
        "pooling/campaigns.html",
        page=paged(stmt),
        q=q,
        can_create=has_permission(current_user, "pooling.purchase.manage"),
    )


def _parse_products(text: str) -> list[campaign_setup.ProductInput]:
    products = []
    for number, line in enumerate((row for row in text.splitlines() if row.strip()), start=1):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) != 6 or not (cells[3].isascii() and cells[3].isdigit()):
            raise DomainError(
                _("Product line %(n)d: write reference | name | unit | pack size | VAT %% | tiers.", n=number),
                field="products",
            )
        tiers = parse_tiers("\n".join(cells[5].split(";")), field="products")
        products.append(
            campaign_setup.ProductInput(
                cells[0], cells[1], cells[2], int(cells[3]), parse_decimal(cells[4], "products"), tiers
            )
        )
    return products


@bp.route("/purchases/new", methods=["GET", "POST"])
@require("pooling.purchase.manage")
def new_campaign():
    form = CampaignForm()
    form.organization_id.choices = organization_choices(current_user, "pooling.purchase.manage")
    form.site_ids.choices = organization_choices(current_user, "pooling.purchase.pledge")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: campaign_setup.create_campaign(
                current_user,
                form.organization_id.data,
                form.title.data,
                form.supplier_name.data,
                form.opens_at.data,
                form.deadline.data,
                _parse_products(form.products.data),
                form.site_ids.data,
                form.supplier_contact.data or "",
                form.supplier_terms.data or "",
                form.description.data or "",
                form.min_total_quantity.data,
                form.min_total_amount.data,
            ),
            _("The campaign is open."),
            lambda campaign: url_for("pooling.campaign", campaign_id=campaign.id),
        )
        if done:
            return done
    return render_template("pooling/campaign_form.html", form=form), 422 if request.method == "POST" else 200


def _pledge_forms(campaign, rows, org_id):
    choices = organization_choices(current_user, "pooling.purchase.pledge")
    sites = [(s.id, s.organization.name) for s in campaign.sites]
    forms = {}
    for row in rows:
        form = PledgeForm(
            prefix=f"p{row.product.id}",
            formdata=None,
            product_id=row.product.id,
            quantity=row.own_quantity,
            organization_id=org_id,
        )
        form.organization_id.choices, form.delivery_site_id.choices = choices, sites
        forms[row.product.id] = form
    return forms


def _campaign_page(campaign, org_id, forms=None, status: int = 200):
    rows, estimate = purchases.figures(campaign, org_id)
    manager = has_permission(current_user, "pooling.purchase.manage", campaign.organization_id)
    split = purchases.delivery_split(campaign) if campaign.status in ("closed", "received") else []
    if not manager:
        own = {name for _id, name in organization_choices(current_user, "pooling.purchase.pledge")}
        split = [row for row in split if row[1] in own]
    return render_template(
        "pooling/campaign.html",
        campaign=campaign,
        rows=rows,
        estimate=estimate,
        org_id=org_id,
        forms=forms or _pledge_forms(campaign, rows, org_id),
        shares=purchases.stored_shares(campaign, current_user),
        manager=manager,
        split=split,
        can_pledge=has_permission(current_user, "pooling.purchase.pledge") and campaign.status == "open",
    ), status


def _org_arg() -> int | None:
    return optional_org_id(current_user, "pooling.purchase.pledge", query_id("organization_id"))


@bp.route("/purchases/<int:campaign_id>")
@require()
def campaign(campaign_id: int):
    return _campaign_page(purchases.get_campaign(campaign_id, current_user), _org_arg())


@bp.route("/purchases/<int:campaign_id>/pledge/<int:product_id>", methods=["POST"])
@require("pooling.purchase.pledge")
def pledge(campaign_id: int, product_id: int):
    item = purchases.get_campaign(campaign_id, current_user)
    form = PledgeForm(prefix=f"p{product_id}")
    form.organization_id.choices = organization_choices(current_user, "pooling.purchase.pledge")
    form.delivery_site_id.choices = [(s.id, s.organization.name) for s in item.sites]
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: _pledge(item, product_id, form),
            _("Your pledge is saved."),
            url_for("pooling.campaign", campaign_id=campaign_id, organization_id=form.organization_id.data),
        )
        if done:
            return done
        item = purchases.get_campaign(campaign_id, current_user)  # reloaded after the refusal's rollback
    _flash_unshown_errors(form, item, product_id)
    # a tampered organization never shows that organization's figures
    org_id = form.organization_id.data if form.organization_id.data in dict(form.organization_id.choices) else None
    rows, _estimate = purchases.figures(item, org_id)
    forms = _pledge_forms(item, rows, org_id)
    forms[product_id] = form
    return _campaign_page(item, org_id, forms, 422)


def _flash_unshown_errors(form: PledgeForm, campaign, product_id: int) -> None:
    """Flash the refusals the page cannot show beside a field: no pledge form is drawn for a closed
    campaign or a product outside it, and the organization is a hidden input for whoever acts for one."""
    shown = set()
    if campaign.status == "open" and any(p.id == product_id for p in campaign.products):
        shown = {"quantity", "delivery_site_id"} | (
            {"organization_id"} if len(form.organization_id.choices) > 1 else set()
        )
    for field in form:
        if field.short_name not in shown:
            for message in field.errors:
                flash(message, "danger")


def _pledge(campaign, product_id: int, form: PledgeForm) -> None:
    """Set the pledge and tell the member when it brings the network to a better price."""
    before = purchases.live_price(campaign, product_id)
    purchases.pledge(
        current_user, campaign.id, product_id, form.quantity.data, form.organization_id.data, form.delivery_site_id.data
    )
    after = purchases.live_price(campaign, product_id)
    if before is not None and after < before:
        flash(
            _(
                "With your pledge the network reaches a better price: %(price)s per unit instead of %(before)s.",
                price=format_money(after),
                before=format_money(before),
            ),
            "success",
        )


def _reception_form(campaign):
    class ReceptionForm(FlaskForm):
        pass

    ordered = purchases.totals(campaign)
    for product in campaign.products:
        setattr(
            ReceptionForm,
            f"product_{product.id}",
            IntegerField(
                f"{product.reference} – {product.name}",
                default=product.delivered_quantity
                if product.delivered_quantity is not None
                else ordered.get(product.id, 0),
                validators=[InputRequired(), NumberRange(min=0, max=ordered.get(product.id, 0))],
                description=_("Ordered: %(n)d", n=ordered.get(product.id, 0)),
            ),
        )
    return ReceptionForm()


@bp.route("/purchases/<int:campaign_id>/reception", methods=["GET", "POST"])
@require("pooling.purchase.manage")
def reception(campaign_id: int):
    item = purchases.get_campaign(campaign_id, current_user)
    form = _reception_form(item)
    if form.validate_on_submit():
        delivered = {p.id: getattr(form, f"product_{p.id}").data for p in item.products}
        done = submit(
            form,
            lambda: purchases.receive(current_user, campaign_id, delivered),
            _("The delivery is recorded and the shares are posted to the ledger."),
            url_for("pooling.campaign", campaign_id=campaign_id),
        )
        if done:
            return done
    return render_template("pooling/reception.html", campaign=item, form=form), 422 if request.method == "POST" else 200


@bp.route("/purchases/<int:campaign_id>/cancel", methods=["POST"])
@require("pooling.purchase.manage")
def cancel_campaign(campaign_id: int):
    return act(
        lambda: purchases.cancel_campaign(current_user, campaign_id),
        _("The campaign is cancelled; the members who pledged are told."),
        url_for("pooling.campaign", campaign_id=campaign_id),
    )


def _closed(campaign_id: int):
    item = purchases.get_campaign(campaign_id, current_user)
    if item.status not in ("closed", "received"):
        raise DomainError(_("The purchase order exists once the campaign is closed."))
    return item


@bp.route("/purchases/<int:campaign_id>/order.pdf")
@require()
def order_pdf(campaign_id: int):
    item = _closed(campaign_id)
    return Response(
        purchase_docs.order_pdf(item),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="purchase-order-{item.id}.pdf"'},
    )


@bp.route("/purchases/<int:campaign_id>/order.csv")
@require()
def order_csv(campaign_id: int):
    item = _closed(campaign_id)
    return csv_response(f"purchase-order-{item.id}.csv", *purchase_docs.order_table(item))


@bp.route("/purchases/history")
@require()
def history():
    rows, per_org = purchase_docs.history(current_user)
    names = dict(organization_choices(current_user, "pooling.purchase.pledge"))
    return render_template("pooling/history.html", rows=rows, per_org=per_org, names=names)


@bp.route("/purchases/history.svg")
@require()
def history_chart():
    rows, _per_org = purchase_docs.history(current_user)
    return svg_response(
        chart(
            "bar",
            _("Savings of the group purchases"),
            [r["campaign"].title for r in rows],
            {_("Savings (€)"): [r["savings"] for r in rows]},
        )
    )
